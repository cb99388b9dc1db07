import type { Host } from '../../api-types';
import { hostAddress } from '../../host-address';

/** Hosts that need a person come first: a changed key, then failures, then unknown, then healthy. */
const RANK: Record<string, number> = { 'hostkey-changed': 0, 'auth-failed': 1, unreachable: 2, unknown: 3, reachable: 4 };

export function problemsFirst(a: Host, b: Host): number {
  const r = (RANK[a.state] ?? 3) - (RANK[b.state] ?? 3);
  return r !== 0 ? r : a.name.localeCompare(b.name, undefined, { numeric: true });
}

export function isProblem(h: Host): boolean {
  return h.state !== 'reachable';
}

/** Every word of the filter must appear in one of the host's visible fields. */
export function matchesFilter(h: Host, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [
    h.name,
    hostAddress(h),
    h.state,
    h.facts?.osPretty,
    h.facts?.kernel,
    h.facts?.arch,
    h.facts?.hostname,
    ...h.groups,
    ...Object.entries(h.tags).map(([k, v]) => `${k}=${v}`),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}
