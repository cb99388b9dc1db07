/** Host facts gathered in one round trip by probes/facts.sh. */
export interface HostFacts {
  osId: string | null;
  osVersionId: string | null;
  osPretty: string | null;
  osLike: string | null;
  kernel: string | null;
  arch: string | null;
  hostname: string | null;
  cpus: number | null;
  cpuModel: string | null;
  memTotalBytes: number | null;
  uptimeSeconds: number | null;
  virtualization: string | null;
  machineId: string | null;
}

const MAX_VALUE = 256;

/** Parses the KEY=VALUE output; unknown keys are ignored, malformed numbers become null. */
export function parseFacts(text: string): HostFacts {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    // eslint-disable-next-line no-control-regex
    const value = line.slice(eq + 1).replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_VALUE);
    kv.set(line.slice(0, eq).trim(), value);
  }
  if (kv.get('osdeck_facts') !== '1') {
    throw new Error('facts probe output not recognized (no osdeck_facts marker)');
  }
  const str = (k: string) => (kv.get(k) ? kv.get(k)! : null);
  const num = (k: string) => {
    const v = kv.get(k);
    if (!v || !/^\d+(\.\d+)?$/.test(v)) return null;
    return Number(v);
  };
  const memKb = num('mem_total_kb');
  return {
    osId: str('os_id'),
    osVersionId: str('os_version_id'),
    osPretty: str('os_pretty'),
    osLike: str('os_like'),
    kernel: str('kernel'),
    arch: str('arch'),
    hostname: str('hostname'),
    cpus: num('cpus'),
    cpuModel: str('cpu_model'),
    memTotalBytes: memKb === null ? null : memKb * 1024,
    uptimeSeconds: num('uptime'),
    virtualization: str('virtualization'),
    machineId: str('machine_id'),
  };
}
