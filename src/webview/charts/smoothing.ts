/**
 * TensorBoard's scalar smoothing and y-range fitting, without DOM so it runs (and is tested) in Node.
 *
 * Smoothing follows TensorBoard's `classicSmoothing` (webapp/widgets/line_chart_v2/data_transformer.ts): a
 * debiased exponential moving average. The weight is clamped to [0, 1] (non-finite → 0). A series whose values
 * all `==` the first is returned unchanged (tensorboard#786: no ramp from 0 for a constant line). Otherwise
 * `last = last * w + (1 - w) * y` over the finite values, starting at 0, and each finite point shows
 * `last / (1 - w^n)`, n the finite points so far; at w = 1 the divisor is 1 (not 1 - 1^n = 0), so every finite
 * point shows 0, exactly as TensorBoard does. Non-finite values pass through unchanged and do not count.
 */

export function clampWeight(weight: number): number {
  if (!Number.isFinite(weight)) return 0;
  return Math.max(0, Math.min(weight, 1));
}

function isConstant(values: ArrayLike<number>, length: number): boolean {
  const first = values[0];
  for (let i = 1; i < length; i++) if (values[i] !== first) return false;
  // TensorBoard's `every(p => p.y == first)` (on numbers `==` is `===`): a series starting with NaN is never
  // constant, since NaN !== NaN.
  return length === 0 || values[0] === first;
}

/** Smooths `values` (first `length` of them) into `out` (allocated when missing); returns `out`. */
export function smooth(
  values: ArrayLike<number>,
  weight: number,
  out?: Float64Array,
  length = values.length,
): Float64Array {
  const result = out ?? new Float64Array(length);
  const w = clampWeight(weight);
  if (isConstant(values, length)) {
    for (let i = 0; i < length; i++) result[i] = values[i];
    return result;
  }
  let last = 0;
  let numAccum = 0;
  let debias = 0;
  for (let i = 0; i < length; i++) {
    const y = values[i];
    if (!Number.isFinite(y)) {
      result[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    numAccum++;
    // Once 1 - w^n rounds to exactly 1 it stays 1 (w^n only shrinks): skipping Math.pow then is bit-identical.
    if (debias !== 1) debias = w === 1 ? 1 : 1 - Math.pow(w, numAccum);
    result[i] = last / debias;
  }
  return result;
}

/**
 * A growing series and its smoothed copy, kept in step as points are appended: an append costs O(points added),
 * except the one append that ends a constant prefix, which re-smooths everything once (TensorBoard's output for
 * the whole series changes then too). Always equal to `smooth(values, weight)`.
 */
export class SmoothedSeries {
  private raw: Float64Array;
  private out: Float64Array;
  private n = 0;
  private w: number;
  private last = 0;
  private numAccum = 0;
  private debias = 0;
  private constant = true;

  constructor(weight = 0.6, capacity = 64) {
    this.w = clampWeight(weight);
    this.raw = new Float64Array(capacity);
    this.out = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  get weight(): number {
    return this.w;
  }

  /** The raw values (a view; valid until the next push). */
  get values(): Float64Array {
    return this.raw.subarray(0, this.n);
  }

  /** The smoothed values (a view; valid until the next push or weight change). */
  get smoothed(): Float64Array {
    return this.out.subarray(0, this.n);
  }

  setWeight(weight: number): void {
    const w = clampWeight(weight);
    if (w === this.w) return;
    this.w = w;
    this.resmooth();
  }

  clear(): void {
    this.n = 0;
    this.resmooth();
  }

  push(value: number): void {
    if (this.n === this.raw.length) this.grow();
    const i = this.n++;
    this.raw[i] = value;
    // As TensorBoard's `==` on numbers: a NaN first value ends the constant prefix at once.
    if (this.constant && value !== this.raw[0]) {
      this.constant = false;
      this.resmooth();
      return;
    }
    if (this.constant) {
      this.out[i] = value;
      return;
    }
    this.step(i);
  }

  pushAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  private step(i: number): void {
    const y = this.raw[i];
    if (!Number.isFinite(y)) {
      this.out[i] = y;
      return;
    }
    const w = this.w;
    this.last = this.last * w + (1 - w) * y;
    this.numAccum++;
    if (this.debias !== 1) this.debias = w === 1 ? 1 : 1 - Math.pow(w, this.numAccum);
    this.out[i] = this.last / this.debias;
  }

  private resmooth(): void {
    this.last = 0;
    this.numAccum = 0;
    this.debias = 0;
    this.constant = isConstant(this.raw, this.n);
    if (this.constant) {
      this.out.set(this.raw.subarray(0, this.n));
      return;
    }
    for (let i = 0; i < this.n; i++) this.step(i);
  }

  private grow(): void {
    const cap = Math.max(64, this.raw.length * 2);
    const raw = new Float64Array(cap);
    raw.set(this.raw);
    const out = new Float64Array(cap);
    out.set(this.out);
    this.raw = raw;
    this.out = out;
  }
}

/** Rearranges `a[lo..hi]` so that `a[k]` is the value a sort would put there (quickselect, median of three). */
function select(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * The p-quantile of `values` (finite values only), interpolated like d3.quantile (which TensorBoard uses):
 * position (n - 1) * p between the sorted neighbours. `values` is reordered. NaN when there are no values.
 */
export function quantile(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * Math.max(0, Math.min(1, p));
  const k = Math.floor(pos);
  select(values, k);
  const lo = values[k];
  if (pos === k || k + 1 >= n) return lo;
  let hi = Infinity;
  for (let i = k + 1; i < n; i++) if (values[i] < hi) hi = values[i];
  return lo + (hi - lo) * (pos - k);
}

/**
 * The y range to fit: [min, max] of the finite values in `series`, or with `ignoreOutliers` the 5th–95th
 * percentile, as TensorBoard's "Ignore outliers in chart scaling". `positiveOnly` keeps values > 0 (log axes).
 * Above `maxSamples` values the percentiles come from an even stride through them (every k-th value): the same
 * range to a pixel, and a live frame of 100,000 points stays well inside 16 ms. Null when nothing is left.
 */
export function outlierRange(
  series: readonly ArrayLike<number>[],
  ignoreOutliers: boolean,
  positiveOnly = false,
  maxSamples = 20_000,
): [number, number] | null {
  let total = 0;
  for (const s of series) total += s.length;
  const stride = ignoreOutliers ? Math.max(1, Math.ceil(total / maxSamples)) : 1;
  const buf = ignoreOutliers ? new Float64Array(Math.ceil(total / stride) + series.length) : null;
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let seen = 0;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (buf && seen++ % stride === 0) buf[n++] = v;
    }
  }
  if (min > max) return null;
  if (!buf) return [min, max];
  const values = buf.subarray(0, n);
  const lo = quantile(values, 0.05);
  const hi = quantile(values, 0.95);
  return [lo, hi];
}
