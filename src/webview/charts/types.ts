/**
 * The chart panel's types: what callers pass and get back (re-exported by index.ts) and the run state the
 * implementation files share. The bottom of the folder: imports no file of it.
 */
import type { ScalarPoint } from '../../shared/series';
import type { ChartStrings } from '../../shared/l10n/charts';

/** One logged scalar, as TensorBoard stores it (the shared point type). */
export type { ScalarPoint } from '../../shared/series';

/** A run: one training session. Runs get colours from the theme palette in the order they are added. */
export interface RunSpec {
  /** Stable key used in `append`/`setSeries`/`removeRun`. */
  readonly id: string;
  /** Shown in the run list and tooltip; defaults to `id`. */
  readonly label?: string;
  /** The run being trained now; marked in the run list and listed first. */
  readonly live?: boolean;
  /** Initially checked in the run list (default true). Ignored when saved settings say otherwise. */
  readonly visible?: boolean;
}

/** A card: one chart for one tag. */
export interface CardSpec {
  /** Key used in `append`/`setSeries` (e.g. `loss`, `epoch_accuracy`). */
  readonly tag: string;
  /** Card heading; defaults to `tag`. */
  readonly title?: string;
  /** Start with a logarithmic y axis (default false; saved settings win). */
  readonly logScale?: boolean;
}

export type XAxisMode = 'step' | 'relative' | 'wall';

/** The user's choices; pass back through `ChartPanelOptions.settings` to restore them. */
export interface ChartSettings {
  /** EMA weight in [0, 0.999]; 0 turns smoothing (and the faint raw line) off. Default 0.6. */
  smoothing: number;
  /** Default `step`. */
  xAxis: XAxisMode;
  /** Fit the y axis to the 5th–95th percentile of the plotted values. Default true. */
  ignoreOutliers: boolean;
  /** Regular expression (case-insensitive) on run labels; an invalid one is reported and matches everything. */
  runFilter: string;
  /** Tags whose card shows a logarithmic y axis. */
  logScaleTags: string[];
  /** Runs the user unchecked in the run list. */
  hiddenRuns: string[];
}

/** A file for the host to save (it shows the save dialog); binary content is base64. */
export interface ExportFile {
  /** Suggested file name, e.g. `run-7_train_loss.csv`. */
  readonly filename: string;
  /** `text/csv`, `application/json`, `image/png` or `image/svg+xml`. */
  readonly mime: string;
  readonly content: string;
  readonly encoding: 'utf8' | 'base64';
}

export interface ChartPanelOptions {
  /** Cards to show, in order. More can be added with `addCard`. */
  readonly cards?: readonly CardSpec[];
  /** Create a card automatically when data arrives for an unknown tag (default true). */
  readonly autoCards?: boolean;
  /** Series names in drawing order; index 0 is solid, 1 dashed, 2 dotted. Default `['train', 'validation']`. */
  readonly seriesOrder?: readonly string[];
  /** User-facing strings; missing keys fall back to `defaultChartStrings` (English). */
  readonly strings?: Partial<ChartStrings>;
  /** Restored settings (e.g. from `vscode.getState()`); missing keys take defaults. */
  readonly settings?: Partial<ChartSettings>;
  /** Called (debounced by nothing; cheap) whenever the user changes a setting. */
  readonly onSettingsChange?: (settings: ChartSettings) => void;
  /** Saves a file through the host (CSV/JSON downloads, and PNG when the clipboard is unavailable). */
  readonly onDownload?: (file: ExportFile) => void;
  /** Card plot height in CSS pixels (default 240). */
  readonly cardHeight?: number;
  /** Show the toolbar and run list (default true). Off for a bare embedded chart. */
  readonly showToolbar?: boolean;
}

/** Where a hovered point is, as the tooltip shows it (exposed for tests and for hosts that mirror it). */
export interface TooltipRow {
  readonly run: string;
  readonly series: string;
  readonly smoothed: number;
  readonly value: number;
  readonly step: number;
  readonly wallTime: number;
  /** Seconds since the run's first point. */
  readonly relativeTime: number;
  /** The row nearest the pointer (drawn bold). */
  readonly nearest: boolean;
}

export interface ChartPanel {
  /** The element the panel rendered into. */
  readonly element: HTMLElement;
  /** Adds a run (or updates its label/live flag). Runs from history and the live run can be mixed. */
  addRun(run: RunSpec): void;
  /** Removes a run and all its series. */
  removeRun(runId: string): void;
  /** Adds a card if there is none for `card.tag`. */
  addCard(card: CardSpec): void;
  /**
   * Appends points to a run's series (points should come in increasing step order). Unknown runs are added with
   * default options. Queued; drawn on the next animation frame.
   */
  append(runId: string, tag: string, series: string, points: readonly ScalarPoint[]): void;
  /** Replaces a series' points (e.g. a run loaded from history or an event file). Queued like `append`. */
  setSeries(runId: string, tag: string, series: string, points: readonly ScalarPoint[]): void;
  /** Removes every run and point; cards stay. */
  clear(): void;
  getSettings(): ChartSettings;
  /** Changes settings as if the user had (and updates the controls); does not call `onSettingsChange`. */
  setSettings(settings: Partial<ChartSettings>): void;
  /** Draws queued updates now instead of on the next frame (tests, benchmarks). */
  flush(): void;
  /** The file a download of one series would produce, also passed to `onDownload`. */
  exportSeries(tag: string, runId: string, series: string, format: 'csv' | 'json'): ExportFile;
  /**
   * Copies a card as PNG to the clipboard; when the clipboard refuses (webviews without focus or permission),
   * sends the PNG to `onDownload` instead. Resolves with what happened.
   */
  copyPng(tag: string): Promise<'clipboard' | 'download'>;
  /** A card as a PNG or SVG file with its title, axes and a legend, passed to `onDownload` too. */
  exportImage(tag: string, format: 'png' | 'svg'): ExportFile;
  /** The PNG of a card (the plot with a white or theme background and the title), base64 without a data: prefix. */
  pngBase64(tag: string): string;
  /**
   * The tooltip rows for the pointer at (`left`, `top`) CSS pixels inside a card's plot area; also shows them.
   * Returns [] when no point is near.
   */
  hover(tag: string, left: number, top: number): TooltipRow[];
  /** Zooms a card to the given x and y ranges (as a drag would); `resetZoom` undoes it (as a double-click does). */
  zoom(tag: string, x: [number, number], y?: [number, number]): void;
  resetZoom(tag: string): void;
  /** Re-reads the palette and colours from the `--vscode-*` variables (called automatically on theme change). */
  refreshTheme(): void;
  /** Removes the DOM and listeners. */
  dispose(): void;
}

/** What the panel keeps for one run. */
export interface RunState {
  spec: RunSpec;
  label: string;
  colorIndex: number;
  order: number;
}
