/**
 * Step buckets of one series in a range query, for one aggregation. Several sources (a rollup tier,
 * raw, the head table) may each add to the same bucket, so an average keeps a sum and a sample count
 * (the average of the raw samples, whatever tier they came from) and min/max keep the extreme.
 */
export type Agg = 'avg' | 'min' | 'max';

export class StepBuckets {
  /** Sum (avg), minimum (min) or maximum (max) per bucket. */
  private readonly acc: Float64Array;
  /** Samples per bucket; 0 is a gap. */
  private readonly n: Float64Array;

  constructor(
    readonly start: number,
    readonly stepMs: number,
    readonly length: number,
    readonly agg: Agg,
  ) {
    this.acc = new Float64Array(length);
    if (agg === 'min') this.acc.fill(Infinity);
    if (agg === 'max') this.acc.fill(-Infinity);
    this.n = new Float64Array(length);
  }

  /**
   * Adds rows of a source at timestamps `ts`. `v` holds values (raw), `avg*count` sums (rollups, for
   * avg) or the min/max column (rollups, for min/max); `count` the samples each row stands for (1 if absent).
   * Rows outside the range are ignored.
   */
  add(ts: readonly number[], v: readonly number[], count?: readonly number[]): void {
    const { start, stepMs, length, acc, n, agg } = this;
    for (let j = 0; j < ts.length; j++) {
      const i = Math.floor((ts[j]! - start) / stepMs);
      if (i < 0 || i >= length) continue;
      const x = v[j]!;
      if (agg === 'avg') acc[i]! += x;
      else if (agg === 'min' ? x < acc[i]! : x > acc[i]!) acc[i] = x;
      n[i]! += count ? count[j]! : 1;
    }
  }

  /** One raw sample. */
  addSample(ts: number, value: number): void {
    const i = Math.floor((ts - this.start) / this.stepMs);
    if (i < 0 || i >= this.length) return;
    if (this.agg === 'avg') this.acc[i]! += value;
    else if (this.agg === 'min' ? value < this.acc[i]! : value > this.acc[i]!) this.acc[i] = value;
    this.n[i]! += 1;
  }

  /** One point per bucket; null where no sample fell in it (a gap is never 0). */
  points(): Array<[number, number | null]> {
    const out = new Array<[number, number | null]>(this.length);
    for (let i = 0; i < this.length; i++) {
      const n = this.n[i]!;
      out[i] = [this.start + i * this.stepMs, n === 0 ? null : this.agg === 'avg' ? this.acc[i]! / n : this.acc[i]!];
    }
    return out;
  }
}
