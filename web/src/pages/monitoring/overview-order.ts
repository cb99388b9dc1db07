import type { MetricsOverviewRow } from '../../api-types';

/** What the overview can say about a host: numbers, DOWN, or nothing yet. */
export type Condition = 'down' | 'waiting' | 'up';

const FAILED_STATES = ['unreachable', 'auth-failed', 'hostkey-changed'];

/**
 * DOWN: the last metrics poll failed, or the host is known unreachable and has no fresh poll.
 * Waiting: never polled since the server started. A down host shows DOWN, never zeros.
 */
export function conditionOf(r: MetricsOverviewRow): Condition {
  if (r.up === false) return 'down';
  if (r.up !== true && FAILED_STATES.includes(r.state)) return 'down';
  if (r.up === null && r.ts === null) return 'waiting';
  return 'up';
}

/** Why a host counts as down, in a few words. */
export function downReason(r: MetricsOverviewRow): string {
  if (r.up === false) return FAILED_STATES.includes(r.state) ? `metrics poll failing (${r.state})` : 'metrics poll failing';
  return r.state;
}

export function isProblem(r: MetricsOverviewRow): boolean {
  return conditionOf(r) === 'down' || r.state !== 'reachable';
}

/** Down first, then other state problems, then hosts without data; otherwise the server's order. */
export function problemRank(r: MetricsOverviewRow): number {
  const c = conditionOf(r);
  if (c === 'down') return 0;
  if (r.state !== 'reachable') return 1;
  if (c === 'waiting') return 2;
  return 3;
}

export type SortKey = 'host' | 'state' | 'cpu' | 'mem' | 'load' | 'disk' | 'net' | 'io' | 'updated';
export type SortDir = 'asc' | 'desc';

export const SORT_KEYS: readonly SortKey[] = ['host', 'state', 'cpu', 'mem', 'load', 'disk', 'net', 'io', 'updated'];

/** Load per CPU, in percent of the CPUs (1.0 per CPU = 100 %). */
export function loadPercent(r: MetricsOverviewRow): number | null {
  return r.load1 !== null && r.cpus ? (100 * r.load1) / r.cpus : null;
}

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

/** The value a column sorts by; a down host has no figures (null sorts last either way). */
export function sortValue(r: MetricsOverviewRow, key: SortKey): number | string | null {
  const down = conditionOf(r) === 'down';
  switch (key) {
    case 'host':
      return r.host;
    case 'state':
      return `${problemRank(r)}${r.state}`;
    case 'updated':
      return r.ts;
    case 'cpu':
      return down ? null : r.cpuBusyPercent;
    case 'mem':
      return down ? null : r.memUsedPercent;
    case 'load':
      return down ? null : loadPercent(r);
    case 'disk':
      return down ? null : r.diskMaxUsedPercent;
    case 'net':
      return down ? null : sumOrNull(r.netRxBytesPerSec, r.netTxBytesPerSec);
    case 'io':
      return down ? null : sumOrNull(r.diskReadBytesPerSec, r.diskWriteBytesPerSec);
  }
}

/** Sorted copy: by a column (missing values last whatever the direction), or problems first by default. */
export function sortRows(rows: MetricsOverviewRow[], key: SortKey | null, dir: SortDir): MetricsOverviewRow[] {
  const indexed = rows.map((r, i) => ({ r, i }));
  if (key === null) {
    indexed.sort((a, b) => problemRank(a.r) - problemRank(b.r) || a.i - b.i);
    return indexed.map((x) => x.r);
  }
  const sign = dir === 'asc' ? 1 : -1;
  indexed.sort((a, b) => {
    const va = sortValue(a.r, key);
    const vb = sortValue(b.r, key);
    if (va === null && vb === null) return a.i - b.i;
    if (va === null) return 1;
    if (vb === null) return -1;
    const c = typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb), undefined, { numeric: true }) : va - vb;
    return c !== 0 ? sign * c : a.r.host.localeCompare(b.r.host, undefined, { numeric: true });
  });
  return indexed.map((x) => x.r);
}

/** Every word must appear in the host name, state or a group. */
export function matchesFilter(r: MetricsOverviewRow, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [r.host, r.state, conditionOf(r) === 'down' ? 'down' : '', ...r.groups].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}
