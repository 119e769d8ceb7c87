/**
 * One point of a scalar curve, as TensorBoard stores it. The one type for a curve point everywhere: the
 * training panel's run records, the TensorBoard protocol, the host's event-file reader and the charts.
 */
export interface ScalarPoint {
  /** Global step (batch or epoch number); the default x axis. */
  readonly step: number;
  /** Seconds since the Unix epoch (fractional), as in TensorBoard event files — not milliseconds. */
  readonly wallTime: number;
  /** The scalar; NaN and ±Infinity are kept (the charts draw them as gaps). */
  readonly value: number;
}
