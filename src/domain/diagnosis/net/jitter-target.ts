/**
 * What net-jitter accepts as a target: an IPv4 address, an IPv6 address (optionally with a %zone),
 * or a DNS name. Nothing else reaches the probe, so no value can start with "-" (a ping option) or
 * carry shell syntax (it is also passed quoted in an environment variable).
 */
const V4 = '(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V6 = '(?=[0-9A-Fa-f:.]*:)(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|' + V4 + ')(?:%[A-Za-z0-9_.-]{1,15})?';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const NAME = `(?=[A-Za-z0-9.-]{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?`;

/** For ParamSpec.pattern (params.ts anchors it). */
export const JITTER_TARGET_PATTERN = `${V4}|${V6}|${NAME}`;

export function isJitterTarget(s: string): boolean {
  return new RegExp(`^(?:${JITTER_TARGET_PATTERN})$`).test(s);
}
