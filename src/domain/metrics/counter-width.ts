/**
 * Where a counter wraps, in the unit of its sample. The kernel wraps raw values at 2^32 (unsigned
 * int, or unsigned long on 32-bit kernels) or 2^64; a sample scaled from them (sectors × 512,
 * ms ÷ 1000, ticks ÷ 100, µs ÷ 10^6) wraps at that power of two times the same factor.
 *
 * Real 32-bit wraps on 64-bit kernels: the ms fields of /proc/diskstats are printed as unsigned int
 * to this day, so io_time_weighted of a disk with a deep queue wraps within days.
 */
const SCALE: Array<[RegExp, number]> = [
  [/^node_cpu(_guest)?_seconds_total$/, 1 / 100],
  [/^node_disk_(read|written)_bytes_total$/, 512],
  [/^node_disk_\w*time\w*_seconds_total$/, 1 / 1000],
  [/^node_pressure_\w+_seconds_total$/, 1 / 1e6],
];

export function counterModuli(name: string): [number, number] {
  const factor = SCALE.find(([re]) => re.test(name))?.[1] ?? 1;
  return [2 ** 32 * factor, 2 ** 64 * factor];
}
