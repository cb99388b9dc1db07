import type { Labels } from '../metrics/sample';

/** The series of one stored metric for one host over a window: label set → value per bucket. */
export type SeriesByLabels = Array<{ labels: Labels; values: Array<number | null> }>;
export type Inputs = Record<string, SeriesByLabels>;

/** A host-level figure computed per time bucket from stored metrics (counters already as rates). */
export interface DerivedMetric {
  id: string;
  title: string;
  unit: '%' | 'bytes' | 'bytes/s' | '/s' | '' | 's/s';
  inputs: string[];
  /** noise floor of an absolute change that matters, in the metric's unit */
  minAbsolute: number;
  compute(inputs: Inputs, i: number): number | null;
}

const VIRTUAL_NET = /^(lo|docker\d*|veth.*|br-.*|virbr.*|cni.*|flannel.*|cali.*|osdl\d+)$/;

function sumAt(series: SeriesByLabels | undefined, i: number, keep: (l: Labels) => boolean = () => true): number | null {
  if (!series) return null;
  let total = 0;
  let any = false;
  for (const s of series) {
    if (!keep(s.labels)) continue;
    const v = s.values[i];
    if (v === null || v === undefined) continue;
    total += v;
    any = true;
  }
  return any ? total : null;
}

function cpuModePercent(modes: string[]) {
  return (inp: Inputs, i: number) => {
    const total = sumAt(inp.node_cpu_seconds_total, i);
    const part = sumAt(inp.node_cpu_seconds_total, i, (l) => modes.includes(l.mode ?? ''));
    return total && part !== null ? (100 * part) / total : null;
  };
}

export const DERIVED_METRICS: DerivedMetric[] = [
  { id: 'cpu.busy', title: 'CPU busy', unit: '%', inputs: ['node_cpu_seconds_total'], minAbsolute: 2, compute: (inp, i) => {
    const idle = cpuModePercent(['idle', 'iowait'])(inp, i);
    return idle === null ? null : 100 - idle;
  } },
  { id: 'cpu.user', title: 'CPU user', unit: '%', inputs: ['node_cpu_seconds_total'], minAbsolute: 2, compute: cpuModePercent(['user', 'nice']) },
  { id: 'cpu.system', title: 'CPU system', unit: '%', inputs: ['node_cpu_seconds_total'], minAbsolute: 2, compute: cpuModePercent(['system', 'irq', 'softirq']) },
  { id: 'cpu.iowait', title: 'CPU iowait', unit: '%', inputs: ['node_cpu_seconds_total'], minAbsolute: 2, compute: cpuModePercent(['iowait']) },
  { id: 'cpu.steal', title: 'CPU steal', unit: '%', inputs: ['node_cpu_seconds_total'], minAbsolute: 2, compute: cpuModePercent(['steal']) },
  { id: 'load.1', title: 'Load (1 min)', unit: '', inputs: ['node_load1'], minAbsolute: 0.2, compute: (inp, i) => sumAt(inp.node_load1, i) },
  { id: 'mem.used', title: 'Memory used', unit: '%', inputs: ['node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes'], minAbsolute: 2, compute: (inp, i) => {
    const total = sumAt(inp.node_memory_MemTotal_bytes, i);
    const avail = sumAt(inp.node_memory_MemAvailable_bytes, i);
    return total && avail !== null ? 100 * (1 - avail / total) : null;
  } },
  { id: 'mem.available', title: 'Memory available', unit: 'bytes', inputs: ['node_memory_MemAvailable_bytes'], minAbsolute: 64 * 1024 * 1024, compute: (inp, i) => sumAt(inp.node_memory_MemAvailable_bytes, i) },
  { id: 'mem.cached', title: 'Page cache', unit: 'bytes', inputs: ['node_memory_Cached_bytes'], minAbsolute: 64 * 1024 * 1024, compute: (inp, i) => sumAt(inp.node_memory_Cached_bytes, i) },
  { id: 'disk.used', title: 'Fullest filesystem', unit: '%', inputs: ['node_filesystem_size_bytes', 'node_filesystem_avail_bytes'], minAbsolute: 1, compute: (inp, i) => {
    let worst: number | null = null;
    for (const size of inp.node_filesystem_size_bytes ?? []) {
      const sv = size.values[i];
      const avail = (inp.node_filesystem_avail_bytes ?? []).find((a) => a.labels.mountpoint === size.labels.mountpoint)?.values[i];
      if (!sv || avail === null || avail === undefined) continue;
      const used = 100 * (1 - avail / sv);
      if (worst === null || used > worst) worst = used;
    }
    return worst;
  } },
  { id: 'swap.out', title: 'Swap-out pages', unit: '/s', inputs: ['node_vmstat_pswpout'], minAbsolute: 10, compute: (inp, i) => sumAt(inp.node_vmstat_pswpout, i) },
  { id: 'disk.read', title: 'Disk read', unit: 'bytes/s', inputs: ['node_disk_read_bytes_total'], minAbsolute: 1024 * 1024, compute: (inp, i) => sumAt(inp.node_disk_read_bytes_total, i) },
  { id: 'disk.write', title: 'Disk write', unit: 'bytes/s', inputs: ['node_disk_written_bytes_total'], minAbsolute: 1024 * 1024, compute: (inp, i) => sumAt(inp.node_disk_written_bytes_total, i) },
  { id: 'disk.busy', title: 'Disk busy (max device)', unit: '%', inputs: ['node_disk_io_time_seconds_total'], minAbsolute: 5, compute: (inp, i) => {
    const s = inp.node_disk_io_time_seconds_total;
    if (!s) return null;
    const vals = s.map((x) => x.values[i]).filter((v): v is number => v !== null && v !== undefined);
    return vals.length ? 100 * Math.max(...vals) : null;
  } },
  { id: 'net.rx', title: 'Network received', unit: 'bytes/s', inputs: ['node_network_receive_bytes_total'], minAbsolute: 64 * 1024, compute: (inp, i) => sumAt(inp.node_network_receive_bytes_total, i, (l) => !VIRTUAL_NET.test(l.device ?? '')) },
  { id: 'net.tx', title: 'Network sent', unit: 'bytes/s', inputs: ['node_network_transmit_bytes_total'], minAbsolute: 64 * 1024, compute: (inp, i) => sumAt(inp.node_network_transmit_bytes_total, i, (l) => !VIRTUAL_NET.test(l.device ?? '')) },
  { id: 'net.drops', title: 'Network drops', unit: '/s', inputs: ['node_network_receive_drop_total', 'node_network_transmit_drop_total'], minAbsolute: 1, compute: (inp, i) => {
    const a = sumAt(inp.node_network_receive_drop_total, i);
    const b = sumAt(inp.node_network_transmit_drop_total, i);
    return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
  } },
  { id: 'tcp.retrans', title: 'TCP retransmits', unit: '/s', inputs: ['node_netstat_Tcp_RetransSegs'], minAbsolute: 1, compute: (inp, i) => sumAt(inp.node_netstat_Tcp_RetransSegs, i) },
  { id: 'psi.cpu', title: 'CPU pressure (some)', unit: '%', inputs: ['node_pressure_cpu_waiting_seconds_total'], minAbsolute: 2, compute: (inp, i) => {
    const v = sumAt(inp.node_pressure_cpu_waiting_seconds_total, i);
    return v === null ? null : 100 * v;
  } },
  { id: 'psi.memory', title: 'Memory pressure (some)', unit: '%', inputs: ['node_pressure_memory_waiting_seconds_total'], minAbsolute: 1, compute: (inp, i) => {
    const v = sumAt(inp.node_pressure_memory_waiting_seconds_total, i);
    return v === null ? null : 100 * v;
  } },
  { id: 'psi.io', title: 'IO pressure (some)', unit: '%', inputs: ['node_pressure_io_waiting_seconds_total'], minAbsolute: 1, compute: (inp, i) => {
    const v = sumAt(inp.node_pressure_io_waiting_seconds_total, i);
    return v === null ? null : 100 * v;
  } },
];

/** The derived series of one metric across a window's buckets. */
export function deriveSeries(m: DerivedMetric, inputs: Inputs, buckets: number): Array<number | null> {
  return Array.from({ length: buckets }, (_, i) => {
    const v = m.compute(inputs, i);
    return v === null || !Number.isFinite(v) ? null : v;
  });
}
