/** Series downloads in TensorBoard's formats (pure; no DOM). */
import type { ScalarPoint } from '../../shared/series';

/** TensorBoard's CSV: a `Wall time,Step,Value` header, wall time in seconds, one row a point, `\n` line ends. */
export function seriesToCsv(points: readonly ScalarPoint[]): string {
  const lines = ['Wall time,Step,Value'];
  for (const p of points) lines.push(`${String(p.wallTime)},${String(p.step)},${String(p.value)}`);
  return lines.join('\n') + '\n';
}

/** TensorBoard's JSON: `[[wallTime, step, value], …]`; non-finite values become null (JSON has no NaN). */
export function seriesToJson(points: readonly ScalarPoint[]): string {
  return JSON.stringify(points.map((p) => [p.wallTime, p.step, Number.isFinite(p.value) ? p.value : null]));
}

/** A file name safe on every OS: `<run>_<series>_<tag>.<ext>` with unsafe characters replaced by `_`. */
export function exportFileName(run: string, series: string, tag: string, ext: string): string {
  const base = [run, series, tag]
    .filter((s) => s.length > 0)
    .join('_')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 120);
  return `${base || 'series'}.${ext}`;
}
