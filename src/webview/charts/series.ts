/** Storage for one (run, tag, series) line: growable typed arrays, so live appends never copy the history. */
import { SmoothedSeries } from './smoothing';
import type { ScalarPoint } from '../../shared/series';

export class GrowableArray {
  private buf: Float64Array;
  private n = 0;

  constructor(capacity = 64) {
    this.buf = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  /** A view of the filled part; valid until the next push. */
  get view(): Float64Array {
    return this.buf.subarray(0, this.n);
  }

  at(i: number): number {
    return this.buf[i];
  }

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  clear(): void {
    this.n = 0;
  }
}

export class SeriesData {
  readonly steps = new GrowableArray();
  readonly walls = new GrowableArray();
  readonly values: SmoothedSeries;
  /** Non-finite values so far: when 0 the arrays go to uPlot as they are, else a copy with gaps. */
  nonFinite = 0;
  nonPositive = 0;

  constructor(
    readonly runId: string,
    readonly tag: string,
    readonly series: string,
    weight: number,
  ) {
    this.values = new SmoothedSeries(weight);
  }

  get length(): number {
    return this.steps.length;
  }

  append(points: readonly ScalarPoint[]): void {
    for (const p of points) {
      const step = Number(p.step);
      const wall = Number(p.wallTime);
      const value = Number(p.value);
      this.steps.push(step);
      this.walls.push(wall);
      this.values.push(value);
      if (!Number.isFinite(value)) this.nonFinite++;
      if (!(value > 0)) this.nonPositive++;
    }
  }

  clear(): void {
    this.steps.clear();
    this.walls.clear();
    this.values.clear();
    this.nonFinite = 0;
    this.nonPositive = 0;
  }

  points(): ScalarPoint[] {
    const out: ScalarPoint[] = new Array(this.length);
    const raw = this.values.values;
    for (let i = 0; i < this.length; i++) {
      out[i] = { wallTime: this.walls.at(i), step: this.steps.at(i), value: raw[i] };
    }
    return out;
  }
}

/** Index of the element of ascending `xs` nearest to `x` (-1 when empty). */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}
