import type { ScalarPoint } from './protocol';

/**
 * One tag's points in columns. A point as an object costs four heap allocations (the object and a
 * boxed number per field); columns cost none per point, which is most of the reader's speed on large
 * logs. Objects are made only for what is sent or exported.
 */
export class ScalarSeries {
  length = 0;
  steps: Float64Array;
  wallTimes: Float64Array;
  values: Float64Array;

  constructor(capacity = 64) {
    this.steps = new Float64Array(capacity);
    this.wallTimes = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.steps.length) this.grow(this.length * 2);
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

  private grow(capacity: number): void {
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
