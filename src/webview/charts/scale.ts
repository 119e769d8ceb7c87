/** The card's scales and axes: what uPlot may draw of a series, the padded y range it fits, its lines and axes. */
import uPlot from 'uplot';
import type { DrawnLine } from './cardHost';
import { formatRelativeTick, formatStep, formatValue, formatWallTick } from './format';
import { withAlpha, type ChartTheme } from './theme';
import type { XAxisMode } from './types';

/** A copy with gaps (null) where uPlot cannot draw: non-finite values, and values <= 0 on a log axis. */
export function drawable(
  values: Float64Array,
  needsCopy: boolean,
  log: boolean,
): Float64Array | (number | null)[] {
  if (!needsCopy) return values;
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) && (!log || v > 0) ? v : null;
  }
  return out;
}

/** Pads a fitted range so lines do not touch the frame (5% linear; to round values on log axes). */
export function padRange([lo, hi]: [number, number], log: boolean): [number, number] {
  if (log) {
    // Out to the nearest 10% of each magnitude, so the log axis has round ticks at both ends.
    const [min, max] = uPlot.rangeLog(lo === hi ? lo / 2 : lo, lo === hi ? hi * 2 : hi, 10, false);
    return [min ?? lo, max ?? hi];
  }
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** uPlot's series for `lines`: the x series, then per line the faint raw one (when smoothing) and the bold one. */
export function plotSeries(
  lines: readonly DrawnLine[],
  theme: ChartTheme,
  smoothingOn: boolean,
): uPlot.Series[] {
  const facets: uPlot.Series.Facet[] = [
    { scale: 'x', auto: true, sorted: 1 },
    { scale: 'y', auto: true },
  ];
  // Faceted mode draws points unless told otherwise.
  const paths = uPlot.paths.linear!();
  const series: uPlot.Series[] = [{}];
  for (const line of lines) {
    if (smoothingOn) {
      series.push({
        label: `${line.run.label} ${line.data.series} raw`,
        stroke: withAlpha(line.color, theme.rawAlpha),
        width: 1,
        dash: line.dash,
        spanGaps: true,
        points: { show: false },
        facets,
        paths,
      });
    }
    series.push({
      label: `${line.run.label} ${line.data.series}`,
      stroke: line.color,
      width: theme.lineWidth,
      dash: line.dash,
      spanGaps: true,
      points: { show: false },
      facets,
      paths,
    });
  }
  return series;
}

/** The x axis (ticks worded for the chosen x: steps, durations or clock times) and the y axis. */
export function plotAxes(theme: ChartTheme, xAxis: XAxisMode): uPlot.Axis[] {
  const axis = (values: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: theme.foreground,
    font: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
    values,
  });
  const xValues: uPlot.Axis['values'] =
    xAxis === 'step'
      ? (_u, splits) => splits.map((v) => (v == null ? '' : formatStep(v)))
      : xAxis === 'relative'
        ? (_u, splits, _ax, _space, incr) => splits.map((v) => (v == null ? '' : formatRelativeTick(v, incr)))
        : (_u, splits, _ax, _space, incr) => splits.map((v) => (v == null ? '' : formatWallTick(v, incr)));
  return [
    { ...axis(xValues), space: xAxis === 'wall' ? 90 : 50 },
    { ...axis((_u, splits) => splits.map((v) => (v == null ? '' : formatValue(v)))), size: 56 },
  ];
}
