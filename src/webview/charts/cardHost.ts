/**
 * What a card needs from the panel that holds it, and the lines it draws. Cards depend on this interface,
 * not on the panel class, so the panel (which creates cards) and the card files do not import each other.
 */
import type { ChartStrings } from '../../shared/l10n/charts';
import type { SeriesData } from './series';
import type { ChartTheme } from './theme';
import type { ChartSettings, ExportFile, RunState } from './types';

/** One run's series for a card's tag, as the panel hands it over. */
export interface Line {
  data: SeriesData;
  run: RunState;
  color: string;
  dash: number[] | undefined;
  seriesIndex: number;
  /** Wall time of the run's first point in any series: the origin of the relative-time axis. */
  runStart: number;
}

/** A line as drawn: its own x values (for the tooltip) and where its series sit in uPlot's data. */
export interface DrawnLine extends Line {
  x: ArrayLike<number>;
  rawIdx: number;
  smoothIdx: number;
}

export interface CardHost {
  readonly strings: ChartStrings;
  readonly theme: ChartTheme;
  readonly settings: ChartSettings;
  /** Card plot height in CSS pixels. */
  readonly cardHeight: number;
  /** The lines a card draws now (visible runs' series for `tag`, in drawing order). */
  linesFor(tag: string): Line[];
  isLogScale(tag: string): boolean;
  toggleLogScale(tag: string): void;
  /** Every series with data for `tag`, for the download menu (hidden runs included). */
  seriesForTag(tag: string): SeriesData[];
  runLabel(runId: string): string;
  exportSeries(tag: string, runId: string, series: string, format: 'csv' | 'json'): ExportFile;
  exportImage(tag: string, format: 'png' | 'svg'): ExportFile;
  copyPng(tag: string): Promise<'clipboard' | 'download'>;
}
