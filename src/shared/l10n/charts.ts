/**
 * Every user-facing string of the charts. Hosts pass translated ones (the training panel gets them from the
 * extension host's `vscode.l10n.t`); `{0}`-style placeholders are filled by `format` (src/shared/l10n/format.ts).
 */
export interface ChartStrings {
  toolbarLabel: string;
  smoothing: string;
  xAxis: string;
  xAxisStep: string;
  xAxisRelative: string;
  xAxisWall: string;
  ignoreOutliers: string;
  runs: string;
  runFilterPlaceholder: string;
  /** `{0}`: the browser's message. */
  runFilterInvalid: string;
  liveRun: string;
  noRuns: string;
  noData: string;
  logScale: string;
  resetZoom: string;
  download: string;
  /** `{0}`: run label, `{1}`: series name. */
  downloadCsv: string;
  downloadJson: string;
  copyPng: string;
  /** Download menu items for the chart image. */
  downloadPng: string;
  downloadSvg: string;
  copiedPng: string;
  savedPng: string;
  tooltipRun: string;
  tooltipSmoothed: string;
  tooltipValue: string;
  tooltipStep: string;
  tooltipTime: string;
  tooltipRelative: string;
  /** The names of the `train` and `validation` series. */
  seriesTrain: string;
  seriesValidation: string;
  /** Accessible name of a chart canvas; `{0}`: card title. */
  chartLabel: string;
  /** `{0}`: run label. */
  toggleRun: string;
  showAllRuns: string;
  hideAllRuns: string;
}

export const defaultChartStrings: ChartStrings = {
  toolbarLabel: 'Chart settings',
  smoothing: 'Smoothing',
  xAxis: 'Horizontal axis',
  xAxisStep: 'Step',
  xAxisRelative: 'Relative',
  xAxisWall: 'Wall',
  ignoreOutliers: 'Ignore outliers in chart scaling',
  runs: 'Runs',
  runFilterPlaceholder: 'Filter runs (regex)',
  runFilterInvalid: 'Invalid regular expression: {0}',
  liveRun: 'live',
  noRuns: 'No runs yet',
  noData: 'No data yet',
  logScale: 'Toggle log scale on y-axis',
  resetZoom: 'Fit domain to data (double-click the chart)',
  download: 'Download data',
  downloadCsv: '{0} / {1} as CSV',
  downloadJson: '{0} / {1} as JSON',
  copyPng: 'Copy chart as PNG',
  downloadPng: 'Chart as PNG',
  downloadSvg: 'Chart as SVG',
  copiedPng: 'Chart copied to the clipboard',
  savedPng: 'Clipboard unavailable; chart sent for saving',
  tooltipRun: 'Run',
  tooltipSmoothed: 'Smoothed',
  tooltipValue: 'Value',
  tooltipStep: 'Step',
  tooltipTime: 'Time',
  tooltipRelative: 'Relative',
  seriesTrain: 'train',
  seriesValidation: 'validation',
  chartLabel: 'Chart of {0}',
  toggleRun: 'Show run {0}',
  showAllRuns: 'Show all runs',
  hideAllRuns: 'Hide all runs',
};
