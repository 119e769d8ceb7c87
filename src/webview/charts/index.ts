/**
 * TensorBoard-style scalar charts for the webviews (training panel, TensorBoard log viewer), drawn with uPlot.
 *
 * One card per tag (e.g. `loss`, `accuracy`); in each card one colour per run, and within a run one line per
 * series (`train`, `validation`, … — the first solid, the next dashed, then dotted). Each line is drawn twice:
 * the raw values faint, TensorBoard's debiased EMA on top. A toolbar above the cards holds the smoothing slider,
 * the x-axis choice (step / relative / wall time), "ignore outliers", and the run list (checkboxes, colour
 * swatches, regex filter). Each card has a log-scale toggle, a zoom reset, CSV/JSON download and copy-as-PNG.
 *
 * Usage:
 * ```ts
 * import { createChartPanel } from './index.ts';
 * // The page links dist/webview/<app>.css (uPlot's and these charts' styles) and dist/codicons/codicon.css.
 * const charts = createChartPanel(document.getElementById('charts')!, {
 *   cards: [{ tag: 'loss', title: 'Loss' }, { tag: 'accuracy', title: 'Accuracy' }],
 *   strings: { ...defaultChartStrings, smoothing: l10n('Smoothing') },
 *   onDownload: (file) => vscode.postMessage({ type: 'saveFile', ...file }),
 *   onSettingsChange: (s) => vscode.setState({ ...vscode.getState(), charts: s }),
 *   settings: vscode.getState()?.charts,
 * });
 * charts.addRun({ id: 'run-7', label: 'run 7 (live)', live: true });
 * charts.append('run-7', 'loss', 'train', [{ step: 1, wallTime: Date.now() / 1000, value: 2.3 }]);
 * ```
 * `append` is cheap: points are queued and drawn at most once per animation frame.
 */
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { ChartPanelImpl } from './panel';
import { defaultChartStrings, type ChartStrings } from '../../shared/l10n/charts';
import type { ChartPanel, ChartPanelOptions } from './types';

export { defaultChartStrings, type ChartStrings } from '../../shared/l10n/charts';
export { smooth, SmoothedSeries, outlierRange, quantile } from './smoothing';
export { seriesToCsv, seriesToJson, exportFileName } from './export';
export type {
  CardSpec,
  ChartPanel,
  ChartPanelOptions,
  ChartSettings,
  ExportFile,
  RunSpec,
  ScalarPoint,
  TooltipRow,
  XAxisMode,
} from './types';

/** Renders the chart panel into `container` (its children are replaced). */
export function createChartPanel(container: HTMLElement, options: ChartPanelOptions = {}): ChartPanel {
  return new ChartPanelImpl(container, {
    ...options,
    strings: { ...defaultChartStrings, ...options.strings } as ChartStrings,
  });
}
