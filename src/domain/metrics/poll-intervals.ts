import { badRequest } from '../errors';

/** Collection interval per host: the host's own, else its first group's, else the default. */
export interface PollIntervals {
  defaultSec: number;
  groups: Record<string, number>;
  hosts: Record<string, number>;
}

export const DEFAULT_POLL_INTERVALS: PollIntervals = { defaultSec: 15, groups: {}, hosts: {} };
export const MIN_INTERVAL_SEC = 5;
export const MAX_INTERVAL_SEC = 3600;

export function intervalFor(cfg: PollIntervals, host: { name: string; groups: string[] }): number {
  if (cfg.hosts[host.name]) return cfg.hosts[host.name]!;
  for (const g of host.groups) if (cfg.groups[g]) return cfg.groups[g]!;
  return cfg.defaultSec;
}

export function checkInterval(sec: number): number {
  if (!Number.isInteger(sec) || sec < MIN_INTERVAL_SEC || sec > MAX_INTERVAL_SEC) {
    throw badRequest('INVALID_INTERVAL', `interval must be a whole number of seconds from ${MIN_INTERVAL_SEC} to ${MAX_INTERVAL_SEC}`);
  }
  return sec;
}
