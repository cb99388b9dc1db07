/**
 * iostat -x figures for one device between two /proc/diskstats samples, with sysstat's formulas
 * (iostat.c compute_ext_disk_stats), and the same averages over the absolute counters since boot.
 *
 *   r/s = Δrd_ios/itv_s        rkB/s = Δrd_sectors/2/itv_s      rrqm/s = Δrd_merges/itv_s
 *   r_await = Δrd_ticks/Δrd_ios (same for w, d, f)
 *   await   = (Δrd_ticks+Δwr_ticks+Δdc_ticks)/(Δrd_ios+Δwr_ios+Δdc_ios)   (flushes have their own f_await)
 *   aqu-sz  = Δtime_in_queue/itv_ms
 *   %util   = Δio_ticks/itv_ms*100   (since 5.7 io_ticks counts jiffies with ≥ 1 request in flight)
 *   areq-sz = Δ(rd+wr+dc)_sectors/2/Δ(rd+wr+dc)_ios  kB
 */
import { COUNTER_KEYS, type DiskCounters, type DiskRecord } from './diskstats-sample';

export interface DeviceRates {
  device: string;
  intervalMs: number;
  rPerS: number;
  wPerS: number;
  dPerS: number;
  fPerS: number;
  rkBPerS: number;
  wkBPerS: number;
  dkBPerS: number;
  rrqmPerS: number;
  wrqmPerS: number;
  /** ms; null when no request of that kind completed in the interval */
  rAwait: number | null;
  wAwait: number | null;
  fAwait: number | null;
  await: number | null;
  aquSz: number;
  /** 0–100 */
  util: number;
  /** kB */
  areqSz: number | null;
  /** completed reads + writes + discards in the interval */
  ios: number;
  /** completed flushes in the interval */
  flushes: number;
  inFlightStart: number;
  inFlightEnd: number;
  /** Δio_ticks in ms */
  busyMs: number;
}

/**
 * Δ of a counter. The ms fields are printed as unsigned int on every kernel and wrap at 2^32 (the
 * request counts are unsigned long: 2^32 on 32-bit kernels); a smaller value under 2^32 is taken as
 * one wrap, anything else as a reset (device re-created) and gives null.
 */
export function counterDelta(prev: number, cur: number): number | null {
  if (cur >= prev) return cur - prev;
  if (prev < 2 ** 32) return cur + 2 ** 32 - prev;
  return null;
}

export type CounterDeltas = Omit<DiskCounters, 'inFlight'>;

export function diskDeltas(a: DiskCounters, b: DiskCounters): CounterDeltas | null {
  const out = {} as CounterDeltas;
  for (const k of COUNTER_KEYS) {
    if (k === 'inFlight') continue;
    const d = counterDelta(a[k], b[k]);
    if (d === null) return null;
    out[k] = d;
  }
  return out;
}

const round = (n: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const ratio = (num: number, den: number): number | null => (den > 0 ? round(num / den) : null);

export function deviceRates(a: DiskRecord, b: DiskRecord, intervalMs: number): DeviceRates | null {
  const d = diskDeltas(a, b);
  if (!d || !(intervalMs > 0)) return null;
  const s = intervalMs / 1000;
  const ios = d.rdIos + d.wrIos + d.dcIos;
  return {
    device: b.name,
    intervalMs,
    rPerS: round(d.rdIos / s),
    wPerS: round(d.wrIos / s),
    dPerS: round(d.dcIos / s),
    fPerS: round(d.flIos / s),
    rkBPerS: round(d.rdSectors / 2 / s),
    wkBPerS: round(d.wrSectors / 2 / s),
    dkBPerS: round(d.dcSectors / 2 / s),
    rrqmPerS: round(d.rdMerges / s),
    wrqmPerS: round(d.wrMerges / s),
    rAwait: ratio(d.rdTicks, d.rdIos),
    wAwait: ratio(d.wrTicks, d.wrIos),
    fAwait: ratio(d.flTicks, d.flIos),
    await: ratio(d.rdTicks + d.wrTicks + d.dcTicks, ios),
    aquSz: round(d.timeInQueue / intervalMs),
    util: round(Math.min(100, (d.ioTicks / intervalMs) * 100), 1),
    areqSz: ratio((d.rdSectors + d.wrSectors + d.dcSectors) / 2, ios),
    ios,
    flushes: d.flIos,
    inFlightStart: a.inFlight,
    inFlightEnd: b.inFlight,
    busyMs: d.ioTicks,
  };
}

export interface BootAverages {
  /** ms per request since boot (null: no request yet) */
  await: number | null;
  rAwait: number | null;
  wAwait: number | null;
  ios: number;
}

/**
 * Averages over the absolute counters: the device's own long-run latency. The ms counters may have
 * wrapped on a busy long-lived disk (then the average is too low), so this is one baseline among two.
 */
export function bootAverages(c: DiskCounters): BootAverages {
  const ios = c.rdIos + c.wrIos + c.dcIos;
  return {
    await: ratio(c.rdTicks + c.wrTicks + c.dcTicks, ios),
    rAwait: ratio(c.rdTicks, c.rdIos),
    wAwait: ratio(c.wrTicks, c.wrIos),
    ios,
  };
}
