/** The chart settings' defaults and the check that restores them from untrusted saved state. */
import type { ChartSettings } from './types';

export const DEFAULT_SETTINGS: ChartSettings = {
  smoothing: 0.6,
  xAxis: 'step',
  ignoreOutliers: true,
  runFilter: '',
  logScaleTags: [],
  hiddenRuns: [],
};

export const MAX_SMOOTHING = 0.999;

export function sanitizeSettings(s: Partial<ChartSettings> | undefined, base: ChartSettings): ChartSettings {
  const out: ChartSettings = {
    ...base,
    logScaleTags: [...base.logScaleTags],
    hiddenRuns: [...base.hiddenRuns],
  };
  if (!s || typeof s !== 'object') return out;
  if (typeof s.smoothing === 'number' && Number.isFinite(s.smoothing)) {
    out.smoothing = Math.max(0, Math.min(MAX_SMOOTHING, s.smoothing));
  }
  if (s.xAxis === 'step' || s.xAxis === 'relative' || s.xAxis === 'wall') out.xAxis = s.xAxis;
  if (typeof s.ignoreOutliers === 'boolean') out.ignoreOutliers = s.ignoreOutliers;
  if (typeof s.runFilter === 'string') out.runFilter = s.runFilter;
  if (Array.isArray(s.logScaleTags)) out.logScaleTags = s.logScaleTags.filter((t) => typeof t === 'string');
  if (Array.isArray(s.hiddenRuns)) out.hiddenRuns = s.hiddenRuns.filter((t) => typeof t === 'string');
  return out;
}
