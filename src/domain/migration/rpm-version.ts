/**
 * RPM version arithmetic: the ordering rpm itself uses (rpmvercmp), epoch:version-release triples
 * and name-epoch:version-release.arch strings. Pure: the OS-migration planner compares what a host
 * has with what a target repository offers.
 */
import { badRequest } from '../errors';
import { printable } from '../names';

export type Cmp = -1 | 0 | 1;

const TILDE = 0x7e; // '~'
const CARET = 0x5e; // '^'

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** rpm only knows ASCII letters and digits; every other byte (non-ASCII too) separates segments. */
const isAlnum = (c: number) => isDigit(c) || isAlpha(c);

/**
 * Compares two version (or release) strings the way rpm does (rpm ≥ 4.15):
 * - the strings are cut into runs of ASCII digits and runs of ASCII letters; anything else separates
 *   runs and is otherwise ignored (so "1.0" = "1_0" = "1..0");
 * - digit runs compare as numbers (leading zeros do not count), letter runs compare byte-wise, and
 *   where one side has a digit run and the other a letter run, the digits are newer;
 * - '~' sorts before everything, even the end of the string ("1.0~rc1" < "1.0");
 * - '^' sorts after the end of the string but before anything else ("1.0" < "1.0^git1" < "1.0.1");
 * - when one string runs out, the longer one is newer, unless what it has left starts with '~'.
 */
export function rpmvercmp(a: string, b: string): Cmp {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const n = a.length;
  const m = b.length;
  const at = (s: string, k: number, len: number) => (k < len ? s.charCodeAt(k) : 0);
  for (;;) {
    while (i < n && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) i++;
    while (j < m && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) j++;
    const ca = at(a, i, n);
    const cb = at(b, j, m);
    if (ca === 0 && cb === 0) return 0;

    // '~' is older than anything, the end of the string included.
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // '^' is newer than the end of the string but older than any further segment.
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;

    // One segment from each side, of the kind the left side's segment is.
    const numeric = isDigit(ca);
    const inSeg = numeric ? isDigit : isAlpha;
    let ei = i;
    while (ei < n && inSeg(a.charCodeAt(ei))) ei++;
    let ej = j;
    while (ej < m && inSeg(b.charCodeAt(ej))) ej++;
    // The right side has a segment of the other kind here: numbers are newer than letters.
    if (ej === j) return numeric ? 1 : -1;

    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    // Both segments are ASCII, so UTF-16 order is byte order (what strcmp gives).
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ei;
    j = ej;
  }
  // Only reached when exactly one side ran out: the side with something left is newer.
  return i >= n ? -1 : 1;
}

export interface Evr {
  epoch: number;
  version: string;
  /** '' when the string had no release (e.g. an unversioned-release dependency "foo >= 2.0"). */
  release: string;
}

/** rpm's package order: epoch as a number, then version, then release, each with rpmvercmp. */
export function compareEvr(a: Evr, b: Evr): Cmp {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

const EPOCH = /^(\d*):/;

/** "1:2.3-4.el7" → {1, "2.3", "4.el7"}; the epoch defaults to 0, the release to ''. The release is what follows the last '-'. */
export function parseEvr(text: string): Evr {
  const s = text.trim();
  let epoch = 0;
  let rest = s;
  const em = EPOCH.exec(s);
  if (em) {
    epoch = em[1] === '' ? 0 : Number(em[1]);
    rest = s.slice(em[0].length);
  }
  const dash = rest.lastIndexOf('-');
  const version = dash < 0 ? rest : rest.slice(0, dash);
  const release = dash < 0 ? '' : rest.slice(dash + 1);
  if (!version || /[\s:]/.test(version) || /[\s:-]/.test(release) || !Number.isSafeInteger(epoch)) {
    throw badRequest('INVALID_EVR', `invalid epoch:version-release '${printable(text)}'`);
  }
  return { epoch, version, release };
}

export interface EvrFormat {
  /** 'nonzero' (default) writes "E:" only for an epoch other than 0; 'always' writes "0:" too. */
  epoch?: 'always' | 'nonzero';
}

export function formatEvr(e: Evr, opts: EvrFormat = {}): string {
  const ep = opts.epoch === 'always' || e.epoch !== 0 ? `${e.epoch}:` : '';
  return `${ep}${e.version}${e.release ? `-${e.release}` : ''}`;
}

export interface Nevra {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
}

/**
 * Parses "name-[epoch:]version-release.arch" (rpm -q --qf '%{NEVRA}'), also yum's
 * "epoch:name-version-release.arch" and a trailing ".rpm" of a file name.
 */
export function parseNevra(text: string): Nevra {
  const bad = () => badRequest('INVALID_NEVRA', `invalid name-epoch:version-release.arch '${printable(text)}'`);
  let s = text.trim();
  if (s.endsWith('.rpm')) s = s.slice(0, -4);
  let epoch: number | null = null;
  const lead = /^(\d+):/.exec(s);
  if (lead) {
    epoch = Number(lead[1]);
    s = s.slice(lead[0].length);
  }
  const dot = s.lastIndexOf('.');
  if (dot < 0) throw bad();
  const arch = s.slice(dot + 1);
  s = s.slice(0, dot);
  const relDash = s.lastIndexOf('-');
  if (relDash < 0) throw bad();
  const release = s.slice(relDash + 1);
  s = s.slice(0, relDash);
  const verDash = s.lastIndexOf('-');
  if (verDash < 0) throw bad();
  const name = s.slice(0, verDash);
  let version = s.slice(verDash + 1);
  const em = /^(\d+):/.exec(version);
  if (em) {
    if (epoch !== null) throw bad();
    epoch = Number(em[1]);
    version = version.slice(em[0].length);
  }
  if (!name || !version || !release || !/^[A-Za-z0-9_]+$/.test(arch) || /[\s:]/.test(name + version + release)) throw bad();
  if (epoch !== null && !Number.isSafeInteger(epoch)) throw bad();
  return { name, epoch: epoch ?? 0, version, release, arch };
}

/** "bash-4.2.46-34.el7.x86_64", or with {epoch: 'always'} "bash-0:4.2.46-34.el7.x86_64". */
export function formatNevra(n: Nevra, opts: EvrFormat = {}): string {
  return `${n.name}-${formatEvr(n, opts)}.${n.arch}`;
}

// A dist token: el7, el8_5, an8, fc38, al8, amzn2, ky10, oe2203; also modular "module+el8.5.0+…".
const DIST_TOKEN = /^(?:module[+_])?(?:el|an|fc|al|amzn|ky|oe|uel|ctl)\d/;

/**
 * The distribution part of a release: the first dot-separated token that looks like a dist tag,
 * and everything after it. "34.el7.centos" → "el7.centos", "1.el8_5.1" → "el8_5.1",
 * "2.an8" → "an8", "1.module+el8.5.0+123+abc" → "module+el8.5.0+123+abc", "3" → null.
 */
export function distTag(release: string): string | null {
  const tokens = release.split('.');
  for (let k = 0; k < tokens.length; k++) {
    if (DIST_TOKEN.test(tokens[k]!)) return tokens.slice(k).join('.');
  }
  return null;
}
