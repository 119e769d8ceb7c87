/** Number and time formats for axes and tooltips (pure). */

/** Four significant digits like TensorBoard's tooltip, without trailing zeros; exponent form when tiny/huge. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

/** Axis steps: 1500 → 1.5k, 2000000 → 2M. */
export function formatStep(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(6)));
}

/** A duration in seconds, TensorBoard-style: `45s`, `3m 5s`, `2h 1m`, `1d 4h`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  let s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(3))}s`;
  s = Math.round(s);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${m}m`;
  return `${sign}${m}m ${sec}s`;
}

/** An axis tick for relative time: one unit chosen from the tick spacing so labels stay short. */
export function formatRelativeTick(seconds: number, spacing: number): string {
  if (spacing >= 3600) return `${Number((seconds / 3600).toPrecision(4))}h`;
  if (spacing >= 60) return `${Number((seconds / 60).toPrecision(4))}m`;
  return `${Number(seconds.toPrecision(4))}s`;
}

/** Wall time (seconds since the epoch) in the user's locale. */
export function formatWallTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A wall-time axis tick: time of day (with seconds when ticks are under a minute apart), the date for days. */
export function formatWallTick(seconds: number, spacing: number): string {
  const d = new Date(seconds * 1000);
  if (spacing >= 86400) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: spacing < 60 ? '2-digit' : undefined,
  });
}
