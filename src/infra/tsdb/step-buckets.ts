/**
 * Step buckets of one series in a range query. Several sources (a rollup tier, raw, the head table)
 * may each contribute to the same bucket, so each keeps sum, count, min and max, and the average is
 * weighted by sample count (the average of the raw samples, whatever tier they came from).
 */
export type Agg = 'avg' | 'min' | 'max';

export class StepBuckets {
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(
    readonly start: number,
    readonly stepMs: number,
    readonly length: number,
  ) {
    this.sum = new Float64Array(length);
    this.count = new Float64Array(length);
    this.min = new Float64Array(length).fill(Infinity);
    this.max = new Float64Array(length).fill(-Infinity);
  }

  /** `bucket` is the bucket's start (a multiple of the step); rows outside the range are ignored. */
  add(bucket: number, sum: number, count: number, min: number, max: number): void {
    const i = (bucket - this.start) / this.stepMs;
    if (!(i >= 0 && i < this.length) || count <= 0) return;
    this.sum[i]! += sum;
    this.count[i]! += count;
    if (min < this.min[i]!) this.min[i] = min;
    if (max > this.max[i]!) this.max[i] = max;
  }

  /** One raw sample at `ts`. */
  addSample(ts: number, value: number): void {
    const i = Math.floor((ts - this.start) / this.stepMs);
    if (!(i >= 0 && i < this.length)) return;
    this.sum[i]! += value;
    this.count[i]! += 1;
    if (value < this.min[i]!) this.min[i] = value;
    if (value > this.max[i]!) this.max[i] = value;
  }

  /** One point per bucket; null where no sample fell in it (a gap is never 0). */
  points(agg: Agg): Array<[number, number | null]> {
    const out = new Array<[number, number | null]>(this.length);
    for (let i = 0; i < this.length; i++) {
      const n = this.count[i]!;
      const ts = this.start + i * this.stepMs;
      out[i] = [ts, n === 0 ? null : agg === 'min' ? this.min[i]! : agg === 'max' ? this.max[i]! : this.sum[i]! / n];
    }
    return out;
  }
}
