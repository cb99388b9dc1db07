/**
 * Batch migration in waves: a canary first, then waves of a fixed size; the next wave starts
 * only when every earlier host has finished, and never when the failure rate so far is above
 * the threshold.
 */
export interface WavePolicy {
  /** hosts in the first (canary) wave; 0 = no canary wave */
  canary: number;
  /** hosts per wave after the canary */
  size: number;
  /** 0–1: stop starting waves once failed / finished exceeds it */
  maxFailureRate: number;
}

export function planWaves(hosts: string[], policy: WavePolicy): Record<string, number> {
  const out: Record<string, number> = {};
  const canary = Math.max(0, Math.min(Math.floor(policy.canary), hosts.length));
  const size = Math.max(1, Math.floor(policy.size));
  hosts.forEach((h, i) => {
    out[h] = i < canary ? 0 : (canary > 0 ? 1 : 0) + Math.floor((i - canary) / size);
  });
  return out;
}

export interface WaveRun {
  host: string;
  wave: number;
  state: string;
  terminal: boolean;
  ok: boolean;
}

export function waveVerdict(waves: Record<string, number>, wave: number, runs: WaveRun[], maxFailureRate: number, _total: number): { go: boolean; stop: boolean; reason: string } {
  const earlierHosts = Object.entries(waves).filter(([, w]) => w < wave).map(([h]) => h);
  if (earlierHosts.length === 0) return { go: true, stop: false, reason: '' };
  const earlier = runs.filter((r) => r.wave < wave && earlierHosts.includes(r.host));
  const counted = earlier.filter((r) => r.terminal && r.state !== 'skipped');
  const failed = counted.filter((r) => !r.ok).length;
  if (counted.length > 0 && failed / counted.length > maxFailureRate) {
    return { go: false, stop: true, reason: `wave ${wave} not started: ${failed} of ${counted.length} host(s) in earlier waves failed (${Math.round((100 * failed) / counted.length)}% > ${Math.round(maxFailureRate * 100)}%)` };
  }
  if (earlier.some((r) => r.state === 'skipped')) return { go: false, stop: true, reason: `wave ${wave} not started: an earlier wave was stopped` };
  const done = earlier.filter((r) => r.terminal).length;
  if (done < earlierHosts.length) return { go: false, stop: false, reason: `waiting for ${earlierHosts.length - done} host(s) of earlier waves` };
  return { go: true, stop: false, reason: '' };
}
