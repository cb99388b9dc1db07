import type { MetricSample } from './sample';

/** The at-a-glance figures of one host, from its latest stored values (counters already as rates). */
export interface HostOverview {
  cpuBusyPercent: number | null;
  memUsedPercent: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  load1: number | null;
  cpus: number | null;
  diskMaxUsedPercent: number | null;
  diskMaxUsedMount: string | null;
  diskReadBytesPerSec: number | null;
  diskWriteBytesPerSec: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
}

// Interfaces that are not traffic of the host itself.
const VIRTUAL_NET = /^(lo|docker\d*|veth.*|br-.*|virbr.*|cni.*|flannel.*|cali.*)$/;

function sum(samples: MetricSample[], name: string, keep: (s: MetricSample) => boolean = () => true): number | null {
  const matched = samples.filter((s) => s.name === name && keep(s));
  return matched.length ? matched.reduce((a, s) => a + s.value, 0) : null;
}

export function hostOverview(latest: MetricSample[]): HostOverview {
  const one = (name: string) => latest.find((s) => s.name === name)?.value ?? null;
  const cpuTotal = sum(latest, 'node_cpu_seconds_total');
  const cpuIdle = sum(latest, 'node_cpu_seconds_total', (s) => s.labels.mode === 'idle' || s.labels.mode === 'iowait');
  const cpus = new Set(latest.filter((s) => s.name === 'node_cpu_seconds_total').map((s) => s.labels.cpu)).size || null;
  const memTotal = one('node_memory_MemTotal_bytes');
  const memAvail = one('node_memory_MemAvailable_bytes');
  let diskMax: number | null = null;
  let diskMount: string | null = null;
  for (const size of latest.filter((s) => s.name === 'node_filesystem_size_bytes' && s.value > 0)) {
    const avail = latest.find((s) => s.name === 'node_filesystem_avail_bytes' && s.labels.mountpoint === size.labels.mountpoint);
    if (!avail) continue;
    const used = (100 * (size.value - avail.value)) / size.value;
    if (diskMax === null || used > diskMax) {
      diskMax = used;
      diskMount = size.labels.mountpoint ?? null;
    }
  }
  const physical = (s: MetricSample) => !VIRTUAL_NET.test(s.labels.device ?? '');
  return {
    cpuBusyPercent: cpuTotal && cpuIdle !== null ? clampPercent(100 * (1 - cpuIdle / cpuTotal)) : null,
    memUsedPercent: memTotal && memAvail !== null ? clampPercent(100 * (1 - memAvail / memTotal)) : null,
    memTotalBytes: memTotal,
    memAvailableBytes: memAvail,
    load1: one('node_load1'),
    cpus,
    diskMaxUsedPercent: diskMax === null ? null : clampPercent(diskMax),
    diskMaxUsedMount: diskMount,
    diskReadBytesPerSec: sum(latest, 'node_disk_read_bytes_total'),
    diskWriteBytesPerSec: sum(latest, 'node_disk_written_bytes_total'),
    netRxBytesPerSec: sum(latest, 'node_network_receive_bytes_total', physical),
    netTxBytesPerSec: sum(latest, 'node_network_transmit_bytes_total', physical),
  };
}

function clampPercent(v: number): number {
  return Math.round(Math.min(100, Math.max(0, v)) * 10) / 10;
}
