/**
 * What the host dashboard asks the API for, and how each chart's lines are computed from it. Pure:
 * every function takes the fetched series and returns values aligned on one time axis; a bucket
 * where an input is missing stays null (a gap), it never becomes zero.
 */
import type { MetricSeries } from '../../api-types';
import type { ChartSeries } from '../../components/TimeChart';

/** One range query per entry, all with the same from/to/step (counters come back as per-second rates). */
export const QUERIES = {
  cpu: 'node_cpu_seconds_total',
  memTotal: 'node_memory_MemTotal_bytes',
  memFree: 'node_memory_MemFree_bytes',
  memBuffers: 'node_memory_Buffers_bytes',
  memCached: 'node_memory_Cached_bytes',
  memShmem: 'node_memory_Shmem_bytes',
  memSReclaimable: 'node_memory_SReclaimable_bytes',
  memSUnreclaim: 'node_memory_SUnreclaim_bytes',
  load1: 'node_load1',
  load5: 'node_load5',
  load15: 'node_load15',
  diskRead: 'node_disk_read_bytes_total',
  diskWrite: 'node_disk_written_bytes_total',
  diskReadTime: 'node_disk_read_time_seconds_total',
  diskReads: 'node_disk_reads_completed_total',
  diskWriteTime: 'node_disk_write_time_seconds_total',
  diskWrites: 'node_disk_writes_completed_total',
  diskIoTime: 'node_disk_io_time_seconds_total',
  netRx: 'node_network_receive_bytes_total',
  netTx: 'node_network_transmit_bytes_total',
  netRxDrop: 'node_network_receive_drop_total',
  netTxDrop: 'node_network_transmit_drop_total',
  fsSize: 'node_filesystem_size_bytes',
  fsAvail: 'node_filesystem_avail_bytes',
  psiCpu: 'node_pressure_cpu_waiting_seconds_total',
  psiMemory: 'node_pressure_memory_waiting_seconds_total',
  psiIo: 'node_pressure_io_waiting_seconds_total',
} as const;

export type QueryKey = keyof typeof QUERIES;
export type Fetched = Record<QueryKey, MetricSeries[]>;
export type Vec = (number | null)[];

/** The time axis of a range query: bucket starts from floor(from / step) to floor(to / step), as the API returns them. */
export function timeAxis(from: number, to: number, step: number): number[] {
  const start = Math.floor(from / step) * step;
  const n = Math.floor(to / step) - Math.floor(from / step) + 1;
  return Array.from({ length: n }, (_, i) => start + i * step);
}

/** A series' values on the axis (by timestamp, so a shorter or shifted answer still lines up). */
export function align(s: MetricSeries | undefined, axis: number[]): Vec {
  const out: Vec = new Array(axis.length).fill(null);
  if (!s || axis.length === 0) return out;
  const start = axis[0]!;
  const step = axis.length > 1 ? axis[1]! - start : 1;
  for (const [t, v] of s.points) {
    const i = Math.round((t - start) / step);
    if (i >= 0 && i < out.length && axis[i] === t) out[i] = v;
  }
  return out;
}

/** Sum per point; null only where every input is null. */
export function sumVecs(vs: Vec[], length: number): Vec {
  const out: Vec = new Array(length).fill(null);
  for (const v of vs) {
    for (let i = 0; i < length; i++) {
      const x = v[i];
      if (x !== null && x !== undefined) out[i] = (out[i] ?? 0) + x;
    }
  }
  return out;
}

/** f(a, b) per point, null where either is null or f gives a non-finite number. */
export function zip(a: Vec, b: Vec, f: (x: number, y: number) => number): Vec {
  return a.map((x, i) => {
    const y = b[i];
    if (x === null || y === null || y === undefined) return null;
    const r = f(x, y);
    return Number.isFinite(r) ? r : null;
  });
}

export function scale(a: Vec, k: number): Vec {
  return a.map((x) => (x === null ? null : x * k));
}

function single(data: MetricSeries[], axis: number[]): Vec {
  return align(data[0], axis);
}

function hasData(v: Vec): boolean {
  return v.some((x) => x !== null);
}

function total(v: Vec): number {
  let t = 0;
  for (const x of v) if (x !== null) t += Math.abs(x);
  return t;
}

/** Series grouped by one label (device, mountpoint …), summed when several share it. */
function byLabel(data: MetricSeries[], label: string, axis: number[]): Map<string, Vec> {
  const groups = new Map<string, Vec[]>();
  for (const s of data) {
    const key = s.labels[label] ?? '';
    const list = groups.get(key) ?? [];
    list.push(align(s, axis));
    groups.set(key, list);
  }
  return new Map([...groups].map(([k, vs]) => [k, vs.length === 1 ? vs[0]! : sumVecs(vs, axis.length)]));
}

export interface Panel {
  series: ChartSeries[];
  /** what was left out to keep the chart readable */
  omitted?: string;
}

// ------------------------------------------------------------------ CPU

/** Busy modes from the bottom of the stack up; idle is what is left above them. */
const CPU_MODES: readonly [mode: string, color: string][] = [
  ['user', '#1f6feb'],
  ['nice', '#5c7cfa'],
  ['system', '#e8590c'],
  ['irq', '#c2255c'],
  ['softirq', '#ae3ec9'],
  ['iowait', '#f08c00'],
  ['steal', '#e03131'],
];

/**
 * CPU time per mode in % of all CPU time: the rate of node_cpu_seconds_total (CPU-seconds per
 * second) summed over CPUs for each mode, divided by the sum over every mode including idle.
 */
export function cpuPanel(data: MetricSeries[], axis: number[]): Panel & { cpus: number } {
  const byMode = byLabel(data, 'mode', axis);
  const all = sumVecs([...byMode.values()], axis.length);
  const known = new Set(CPU_MODES.map(([m]) => m));
  const others = [...byMode.keys()].filter((m) => m !== 'idle' && !known.has(m)).sort();
  const modes: [string, string | undefined][] = [...CPU_MODES.filter(([m]) => byMode.has(m)), ...others.map((m): [string, undefined] => [m, undefined])];
  const series = modes.map(([mode, color]) => ({ label: mode, color, values: zip(byMode.get(mode)!, all, (x, t) => (t > 0 ? (100 * x) / t : NaN)) }));
  const cpus = new Set(data.map((s) => s.labels.cpu)).size;
  return { series, cpus };
}

// ------------------------------------------------------------------ memory

/**
 * Memory split into layers that add up to MemTotal:
 * used = MemTotal − MemFree − Buffers − Cached − SReclaimable − SUnreclaim (what programs hold),
 * slab = SReclaimable + SUnreclaim, shmem = Shmem (tmpfs, shared memory; part of Cached),
 * cached = Cached − Shmem (page cache), buffers = Buffers, free = MemFree.
 */
export function memoryPanel(d: Pick<Fetched, 'memTotal' | 'memFree' | 'memBuffers' | 'memCached' | 'memShmem' | 'memSReclaimable' | 'memSUnreclaim'>, axis: number[]): Panel {
  const memTotal = single(d.memTotal, axis);
  const free = single(d.memFree, axis);
  // optional fields count as 0 where the poll itself has data (older kernels lack some)
  const opt = (v: MetricSeries[]) => zip(single(v, axis), memTotal, (x) => x).map((x, i) => (x === null && memTotal[i] !== null ? 0 : x));
  const buffers = opt(d.memBuffers);
  const cachedAll = opt(d.memCached);
  const shmem = opt(d.memShmem);
  const slab = zip(opt(d.memSReclaimable), opt(d.memSUnreclaim), (a, b) => a + b);
  const cached = zip(cachedAll, shmem, (c, s) => Math.max(0, c - s));
  const used = memTotal.map((t, i) => {
    const parts = [free[i], buffers[i], cachedAll[i], slab[i]];
    if (t === null || parts.some((p) => p === null || p === undefined)) return null;
    return Math.max(0, t - (parts as number[]).reduce((a, b) => a + b, 0));
  });
  return {
    series: [
      { label: 'used', color: '#e8590c', values: used },
      { label: 'slab', color: '#ae3ec9', values: slab },
      { label: 'shmem', color: '#c2255c', values: shmem },
      { label: 'cached', color: '#1f6feb', values: cached },
      { label: 'buffers', color: '#15aabf', values: buffers },
      { label: 'free', color: '#69b37a', values: free },
    ],
  };
}

// ------------------------------------------------------------------ load, pressure

/** Load averages, and the number of CPUs as a dashed reference line (where there is load data). */
export function loadPanel(d: Pick<Fetched, 'load1' | 'load5' | 'load15'>, axis: number[], cpus: number): Panel {
  const l1 = single(d.load1, axis);
  const series: ChartSeries[] = [
    { label: 'load1', color: '#1f6feb', values: l1 },
    { label: 'load5', color: '#e8590c', values: single(d.load5, axis) },
    { label: 'load15', color: '#2f9e44', values: single(d.load15, axis) },
  ];
  if (cpus > 0) series.push({ label: 'CPUs', color: '#868e96', dash: [4, 4], width: 1, values: l1.map((v) => (v === null ? null : cpus)) });
  return { series };
}

/** PSI "some": the rate of *_waiting_seconds_total is the share of time at least one task stalled, in %. */
export function pressurePanel(d: Pick<Fetched, 'psiCpu' | 'psiMemory' | 'psiIo'>, axis: number[]): Panel {
  return {
    series: [
      { label: 'cpu', color: '#1f6feb', values: scale(single(d.psiCpu, axis), 100) },
      { label: 'memory', color: '#ae3ec9', values: scale(single(d.psiMemory, axis), 100) },
      { label: 'io', color: '#f08c00', values: scale(single(d.psiIo, axis), 100) },
    ],
  };
}

// ------------------------------------------------------------------ disks, network

const MAX_DEVICES = 6;
const PALETTE = ['#1f6feb', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c7cfa'];

/** The busiest `max` keys by the sum of their vectors (ties by name). */
function busiest(keys: string[], weight: (k: string) => number, max: number): { keep: string[]; omitted: number } {
  const sorted = [...keys].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b, undefined, { numeric: true }));
  const keep = sorted.slice(0, max).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { keep, omitted: sorted.length - keep.length };
}

/** Two lines per device (a solid one and a dashed one in the same colour), for the busiest devices. */
function pairs(a: Map<string, Vec>, b: Map<string, Vec>, names: [string, string], only?: string[]): Panel & { devices: string[] } {
  const keys = only ?? [...new Set([...a.keys(), ...b.keys()])];
  const { keep, omitted } = busiest(keys, (k) => total(a.get(k) ?? []) + total(b.get(k) ?? []), MAX_DEVICES);
  const series: ChartSeries[] = [];
  keep.forEach((k, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    if (a.has(k)) series.push({ label: `${k} ${names[0]}`, color, values: a.get(k)! });
    if (b.has(k)) series.push({ label: `${k} ${names[1]}`, color, dash: [5, 3], values: b.get(k)! });
  });
  return { series, devices: keep, omitted: omitted > 0 ? `${omitted} quieter device${omitted === 1 ? '' : 's'} not shown` : undefined };
}

/** Bytes per second read and written, per disk. */
export function diskThroughputPanel(d: Pick<Fetched, 'diskRead' | 'diskWrite'>, axis: number[]): Panel & { devices: string[] } {
  return pairs(byLabel(d.diskRead, 'device', axis), byLabel(d.diskWrite, 'device', axis), ['read', 'write']);
}

/**
 * Average time per completed I/O, per disk: rate(read_time_seconds) / rate(reads_completed), same for
 * writes. Undefined (a break in the line) where the disk completed no I/O.
 */
export function diskLatencyPanel(d: Pick<Fetched, 'diskReadTime' | 'diskReads' | 'diskWriteTime' | 'diskWrites'>, axis: number[], devices: string[]): Panel {
  const div = (t: Map<string, Vec>, n: Map<string, Vec>) => new Map(devices.filter((k) => t.has(k) && n.has(k)).map((k) => [k, zip(t.get(k)!, n.get(k)!, (x, y) => (y > 0 ? x / y : NaN))]));
  const r = div(byLabel(d.diskReadTime, 'device', axis), byLabel(d.diskReads, 'device', axis));
  const w = div(byLabel(d.diskWriteTime, 'device', axis), byLabel(d.diskWrites, 'device', axis));
  return pairs(r, w, ['read', 'write'], devices);
}

/** Share of time the disk was busy: rate(io_time_seconds) × 100. */
export function diskUtilPanel(d: Pick<Fetched, 'diskIoTime'>, axis: number[], devices: string[]): Panel {
  const m = byLabel(d.diskIoTime, 'device', axis);
  return { series: devices.filter((k) => m.has(k)).map((k, i) => ({ label: k, color: PALETTE[i % PALETTE.length], values: scale(m.get(k)!, 100) })) };
}

/** Interfaces that are not the host's own traffic (as in the fleet overview). */
export const VIRTUAL_NET = /^(lo|docker\d*|veth.*|br-.*|virbr.*|cni.*|flannel.*|cali.*)$/;

/** Physical interfaces, or every interface when the host has no other. */
function interfaces(...maps: Map<string, Vec>[]): { keys: string[]; hidden: string[] } {
  const all = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  const physical = all.filter((k) => !VIRTUAL_NET.test(k));
  return physical.length ? { keys: physical, hidden: all.filter((k) => VIRTUAL_NET.test(k)) } : { keys: all, hidden: [] };
}

function withHidden(p: Panel & { devices: string[] }, hidden: string[]): Panel & { devices: string[] } {
  const note = hidden.length > 0 ? `hidden: ${hidden.slice(0, 3).join(', ')}${hidden.length > 3 ? ` +${hidden.length - 3}` : ''}` : undefined;
  return { ...p, omitted: [p.omitted, note].filter(Boolean).join('; ') || undefined };
}

/** Bytes per second received and sent, per interface. */
export function netTrafficPanel(d: Pick<Fetched, 'netRx' | 'netTx'>, axis: number[]): Panel & { devices: string[] } {
  const rx = byLabel(d.netRx, 'device', axis);
  const tx = byLabel(d.netTx, 'device', axis);
  const { keys, hidden } = interfaces(rx, tx);
  return withHidden(pairs(rx, tx, ['rx', 'tx'], keys), hidden);
}

/** Packets per second dropped on receive and transmit, for the interfaces of the traffic chart. */
export function netDropsPanel(d: Pick<Fetched, 'netRxDrop' | 'netTxDrop'>, axis: number[], devices: string[]): Panel {
  return pairs(byLabel(d.netRxDrop, 'device', axis), byLabel(d.netTxDrop, 'device', axis), ['rx drop', 'tx drop'], devices);
}

// ------------------------------------------------------------------ filesystems

const MAX_MOUNTS = 8;

/** Used space per mount: (size − available) / size × 100, the fullest mounts first. */
export function filesystemPanel(d: Pick<Fetched, 'fsSize' | 'fsAvail'>, axis: number[]): Panel {
  const size = byLabel(d.fsSize, 'mountpoint', axis);
  const avail = byLabel(d.fsAvail, 'mountpoint', axis);
  const used = new Map<string, Vec>();
  for (const [mount, s] of size) {
    const a = avail.get(mount);
    if (!a) continue;
    const v = zip(s, a, (sz, av) => (sz > 0 ? (100 * (sz - av)) / sz : NaN));
    if (hasData(v)) used.set(mount, v);
  }
  const last = (v: Vec) => {
    for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null) return v[i]!;
    return 0;
  };
  const { keep, omitted } = busiest([...used.keys()], (k) => last(used.get(k)!), MAX_MOUNTS);
  return {
    series: keep.map((k, i) => ({ label: k, color: PALETTE[i % PALETTE.length], values: used.get(k)! })),
    omitted: omitted > 0 ? `${omitted} emptier mount${omitted === 1 ? '' : 's'} not shown` : undefined,
  };
}
