import type { ScalarPoint } from '../../shared/series';

/**
 * One tag's points in columns. A point as an object costs four heap allocations (the object and a
 * boxed number per field); columns cost none per point, which is most of the reader's speed on large
 * logs. Objects are made only for what is sent or exported. Room grows by doubling from a few points,
 * so a log of many tags with a point or two each costs what its points do (issue 20: 64 points of room
 * a series made 200,000 tags cost a gigabyte).
 */
export class ScalarSeries {
  length = 0;
  steps: Float64Array;
  wallTimes: Float64Array;
  values: Float64Array;

  constructor(capacity = 0) {
    this.steps = new Float64Array(capacity);
    this.wallTimes = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Points there is room for before the columns grow. */
  get capacity(): number {
    return this.steps.length;
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.steps.length) this.grow(Math.max(4, this.length * 2));
    const i = this.length++;
    this.steps[i] = step;
    this.wallTimes[i] = wallTime;
    this.values[i] = value;
  }

  append(other: ScalarSeries): void {
    if (this.length + other.length > this.steps.length)
      this.grow(Math.max(this.length * 2, this.length + other.length));
    this.steps.set(other.steps.subarray(0, other.length), this.length);
    this.wallTimes.set(other.wallTimes.subarray(0, other.length), this.length);
    this.values.set(other.values.subarray(0, other.length), this.length);
    this.length += other.length;
  }

  /** Points `[from, to)` as objects. */
  toPoints(from = 0, to = this.length): ScalarPoint[] {
    const points: ScalarPoint[] = new Array(Math.max(0, to - from));
    for (let i = from; i < to; i++) {
      points[i - from] = { step: this.steps[i], wallTime: this.wallTimes[i], value: this.values[i] };
    }
    return points;
  }

  protected grow(capacity: number): void {
    const resize = (column: Float64Array) => {
      const grown = new Float64Array(capacity);
      grown.set(column.subarray(0, this.length));
      return grown;
    };
    this.steps = resize(this.steps);
    this.wallTimes = resize(this.wallTimes);
    this.values = resize(this.values);
  }
}

/**
 * A series as TensorBoard's data server keeps one (rustboard's `StageReservoir`):
 * - **Preemption.** A point whose step is not after the last one kept means the job restarted from
 *   a checkpoint: every kept point with a step at least as large is dropped before it is added, so
 *   recomputed steps replace the old ones instead of drawing a jump back.
 * - **Reservoir sampling.** Past `maxPoints`, each new point replaces a uniformly chosen one with
 *   probability `maxPoints / seen` and otherwise replaces the latest, so the latest point is always
 *   kept and memory stays bounded however long the log is. Deterministic (a fixed seed), as there.
 * rustboard removes the chosen point from a sorted vector (a shift of the whole sample each time);
 * here the new point takes the chosen one's slot, and the columns are put back in step order only
 * when someone reads them, so that offering a point costs the same however large the sample.
 */
export class SampledSeries extends ScalarSeries {
  /** Points offered and not preempted (an estimate after a preemption, as in rustboard). */
  seen = 0;
  /**
   * Counts changes other than appending: a preemption or a sampled-out point. Whoever mirrors the
   * series (the viewer's page) sends it again whole when this moved, and only what was appended when not.
   */
  revision = 0;
  /** The step of the latest point offered and kept, and its slot. */
  private lastStep = -Infinity;
  private latest = -1;
  /** Whether the columns are in step order (false once a point took the slot of an older one). */
  private sorted = true;
  /** The xorshift32 state as an int32: a small integer, so that updating it allocates nothing. */
  private random = 0x9e3779b9 | 0;

  constructor(readonly maxPoints: number) {
    super(0);
  }

  offer(step: number, wallTime: number, value: number): void {
    // Only the stores here, so that callers inline this and pass no boxed numbers; the rest is slotFor's.
    const slot = this.slotFor(step);
    this.steps[slot] = step;
    this.wallTimes[slot] = wallTime;
    this.values[slot] = value;
  }

  /** Where the point at `step` goes: after preempting what it supersedes, sampled, with room made. */
  private slotFor(step: number): number {
    if (this.length > 0 && this.lastStep >= step) this.preempt(step);
    this.seen++;
    let slot = -1;
    if (this.seen > this.maxPoints) {
      const destination = this.nextIndex(this.seen);
      if (destination >= this.maxPoints) slot = this.latest;
      else if (this.length >= this.maxPoints) {
        slot = destination;
        if (slot !== this.latest) this.sorted = false;
      }
    }
    if (slot < 0) {
      if (this.length === this.steps.length) this.grow(Math.max(4, this.length * 2));
      slot = this.length++;
    } else this.revision++;
    this.latest = slot;
    this.lastStep = step;
    return slot;
  }

  /** Drops every kept point whose step is `step` or later. */
  preempt(step: number): void {
    this.inStepOrder();
    const before = this.length;
    let keep = before;
    while (keep > 0 && this.steps[keep - 1] >= step) keep--;
    if (keep === before) return;
    this.length = keep;
    this.latest = keep - 1;
    this.lastStep = keep > 0 ? this.steps[keep - 1] : -Infinity;
    // The share of points seen that the preemption removed is taken to be the share kept that it removed.
    this.seen = Math.floor((this.seen * keep) / before);
    this.revision++;
  }

  override toPoints(from = 0, to = this.length): ScalarPoint[] {
    this.inStepOrder();
    return super.toPoints(from, to);
  }

  /** Puts the columns back in step order (after sampling put new points in older points' slots). */
  inStepOrder(): void {
    if (this.sorted) return;
    const n = this.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.steps[a] - this.steps[b]);
    for (const column of [this.steps, this.wallTimes, this.values]) {
      const copy = column.slice(0, n);
      for (let i = 0; i < n; i++) column[i] = copy[order[i]];
    }
    this.latest = n - 1;
    this.sorted = true;
  }

  /** A uniform integer in `[0, n)` from a fixed-seed xorshift32. */
  private nextIndex(n: number): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return Math.floor(((x >>> 0) / 4294967296) * n);
  }
}
