import { randomBytes } from 'node:crypto';
import type { ProbeSpec } from '../domain/diagnosis/diagnosis';
import { probeScript } from './probe-scripts';

/** A single-quoted shell word: the only quoting sh never interprets. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A fresh section mark for one probe run (see domain/diagnosis/probe-sections.ts). */
export function newSectionMark(): string {
  return randomBytes(12).toString('hex');
}

const ENV_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Extra shell text put before the probe (e.g. the page-cache helper); empty when none is needed. */
export type ProbePreamble = (spec: ProbeSpec) => Promise<string>;

/**
 * The script sent to the host: the variables (quoted, so a parameter can never become code), any
 * preamble, then the probe file. Probes read their parameters only from these variables.
 */
export function assembleProbe(spec: ProbeSpec, mark: string, preamble = ''): string {
  const vars = Object.entries({ ...spec.env, OSDECK_MARK: mark }).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new Error(`probe variable name ${JSON.stringify(k)} is not allowed`);
    if (v.includes('\0')) throw new Error(`probe variable ${k} contains a NUL byte`);
    return `${k}=${shellQuote(v)}; export ${k}`;
  });
  return `${vars.join('\n')}\n${preamble}${preamble && !preamble.endsWith('\n') ? '\n' : ''}${probeScript(spec.file)}`;
}
