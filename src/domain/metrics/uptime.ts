/** /proc/uptime: seconds since boot (CLOCK_BOOTTIME) and summed idle seconds of all CPUs. Not a metric. */
import { excerpt, kernelNumber } from './proc-tokens';

export interface Uptime {
  uptimeSeconds: number;
  idleSeconds: number;
}

export function parseUptime(text: string, issues: string[] = []): Uptime | null {
  const [up, idle, extra] = text.trim().split(/\s+/);
  const uptimeSeconds = kernelNumber(up);
  const idleSeconds = kernelNumber(idle);
  if (uptimeSeconds === null || idleSeconds === null || uptimeSeconds < 0 || idleSeconds < 0 || extra !== undefined) {
    issues.push(`bad uptime ${excerpt(text.trim())}`);
    return null;
  }
  return { uptimeSeconds, idleSeconds };
}
