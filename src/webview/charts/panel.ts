/**
 * The chart panel: sidebar (settings, run list) and one card per tag. Implements `ChartPanel` (types.ts);
 * index.ts creates it. It is the cards' and the sidebar's host through their small interfaces.
 */
import type {
  CardSpec,
  ChartPanel,
  ChartPanelOptions,
  ChartSettings,
  ExportFile,
  RunSpec,
  RunState,
  ScalarPoint,
  TooltipRow,
} from './types';
import { Card } from './card';
import type { CardHost, Line } from './cardHost';
import { el } from '../common/dom';
import { canvasPngBase64, copyCanvasPng, imageFile, seriesFile } from './downloads';
import { SeriesData } from './series';
import { DEFAULT_SETTINGS, sanitizeSettings } from './settings';
import { Sidebar, type SidebarHost } from './sidebar';
import type { ChartStrings } from '../../shared/l10n/charts';
import { format as formatString } from '../../shared/l10n/format';
import { observeTheme, readTheme, type ChartTheme } from './theme';

let uid = 0;

export class ChartPanelImpl implements ChartPanel, CardHost, SidebarHost {
  readonly element: HTMLElement;
  readonly strings: ChartStrings;
  theme: ChartTheme;
  settings: ChartSettings;
  readonly cardHeight: number;

  private readonly runs = new Map<string, RunState>();
  private readonly series = new Map<string, SeriesData>();
  private readonly cards = new Map<string, Card>();
  private readonly cardsEl: HTMLElement;
  private readonly sidebar: Sidebar | null = null;
  private readonly seriesOrder: string[];
  private readonly dirty = new Set<Card>();
  private frame = 0;
  private runOrder = 0;
  private filterRegex: RegExp | null = null;
  private readonly stopObservingTheme: () => void;
  private readonly resizeObserver: ResizeObserver;
  private readonly id = ++uid;

  constructor(
    container: HTMLElement,
    private readonly options: ChartPanelOptions & { strings: ChartStrings },
  ) {
    this.strings = options.strings;
    this.settings = sanitizeSettings(options.settings, DEFAULT_SETTINGS);
    this.seriesOrder = [...(options.seriesOrder ?? ['train', 'validation'])];
    this.cardHeight = options.cardHeight ?? 240;
    this.theme = readTheme();
    this.compileFilter();

    this.element = el('div', 'onramp-charts');
    container.replaceChildren(this.element);
    if (options.showToolbar !== false) {
      this.sidebar = new Sidebar(this, this.id);
      this.element.append(this.sidebar.element);
      this.compileFilter();
    }
    this.cardsEl = el('div', 'onramp-charts-cards');
    this.element.append(this.cardsEl);

    this.resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const card = [...this.cards.values()].find((c) => c.plotEl === entry.target);
        card?.resize();
      }
    });
    for (const spec of options.cards ?? []) this.addCard(spec);
    this.stopObservingTheme = observeTheme(() => this.refreshTheme());
    this.sidebar?.renderRunList();
  }

  // ---- public API ---------------------------------------------------------------------------------------

  addRun(run: RunSpec): void {
    const existing = this.runs.get(run.id);
    if (existing) {
      existing.spec = { ...existing.spec, ...run };
      existing.label = run.label ?? existing.label;
    } else {
      const order = this.runOrder++;
      this.runs.set(run.id, { spec: run, label: run.label ?? run.id, colorIndex: order, order });
      if (run.visible === false && !this.settings.hiddenRuns.includes(run.id)) {
        this.settings.hiddenRuns.push(run.id);
      }
    }
    this.sidebar?.renderRunList();
    this.markRunDirty(run.id);
  }

  removeRun(runId: string): void {
    if (!this.runs.delete(runId)) return;
    for (const [key, s] of this.series) if (s.runId === runId) this.series.delete(key);
    this.sidebar?.renderRunList();
    this.markAllDirty();
  }

  addCard(spec: CardSpec): void {
    if (this.cards.has(spec.tag)) return;
    if (spec.logScale && !this.settings.logScaleTags.includes(spec.tag))
      this.settings.logScaleTags.push(spec.tag);
    const card = new Card(this, spec, `onramp-chart-${this.id}-${this.cards.size}`);
    this.cards.set(spec.tag, card);
    this.cardsEl.append(card.element);
    this.resizeObserver.observe(card.plotEl);
    this.markDirty(card);
  }

  append(runId: string, tag: string, series: string, points: readonly ScalarPoint[]): void {
    if (!Array.isArray(points) || points.length === 0) return;
    this.seriesFor(runId, tag, series).append(points);
    this.markTagDirty(tag);
  }

  setSeries(runId: string, tag: string, series: string, points: readonly ScalarPoint[]): void {
    const s = this.seriesFor(runId, tag, series);
    s.clear();
    if (Array.isArray(points)) s.append(points);
    this.markTagDirty(tag);
  }

  clear(): void {
    this.runs.clear();
    this.series.clear();
    this.runOrder = 0;
    this.sidebar?.renderRunList();
    this.markAllDirty();
  }

  getSettings(): ChartSettings {
    return sanitizeSettings(this.settings, DEFAULT_SETTINGS);
  }

  setSettings(settings: Partial<ChartSettings>): void {
    const before = this.settings;
    this.settings = sanitizeSettings(settings, before);
    if (this.settings.smoothing !== before.smoothing) {
      for (const s of this.series.values()) s.values.setWeight(this.settings.smoothing);
    }
    if (this.settings.runFilter !== before.runFilter) this.compileFilter();
    this.sidebar?.sync();
    this.sidebar?.renderRunList();
    this.markAllDirty();
  }

  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const cards = [...this.dirty];
    this.dirty.clear();
    for (const card of cards) card.render();
  }

  exportSeries(tag: string, runId: string, series: string, format: 'csv' | 'json'): ExportFile {
    const s = this.series.get(seriesKey(runId, tag, series));
    const run = this.runs.get(runId)?.label ?? runId;
    const file = seriesFile(s ? s.points() : [], run, series, tag, format);
    this.options.onDownload?.(file);
    return file;
  }

  async copyPng(tag: string): Promise<'clipboard' | 'download'> {
    const card = this.requireCard(tag);
    this.flush();
    const canvas = card.snapshot();
    if (await copyCanvasPng(canvas)) {
      card.announce(this.strings.copiedPng);
      return 'clipboard';
    }
    this.options.onDownload?.(imageFile(card.title, 'png', canvasPngBase64(canvas)));
    card.announce(this.strings.savedPng);
    return 'download';
  }

  /** The card as a PNG or SVG file (title, axes, lines and legend), also passed to `onDownload`. */
  exportImage(tag: string, format: 'png' | 'svg'): ExportFile {
    const card = this.requireCard(tag);
    this.flush();
    const file = imageFile(card.title, format, format === 'png' ? this.pngBase64(tag) : card.svg());
    this.options.onDownload?.(file);
    return file;
  }

  pngBase64(tag: string): string {
    const card = this.requireCard(tag);
    this.flush();
    return canvasPngBase64(card.snapshot());
  }

  hover(tag: string, left: number, top: number): TooltipRow[] {
    const card = this.requireCard(tag);
    this.flush();
    return card.hover(left, top);
  }

  zoom(tag: string, x: [number, number], y?: [number, number]): void {
    this.flush();
    this.requireCard(tag).zoom(x, y);
  }

  resetZoom(tag: string): void {
    this.flush();
    this.requireCard(tag).resetZoom();
  }

  refreshTheme(): void {
    this.theme = readTheme();
    this.sidebar?.renderRunList();
    this.markAllDirty();
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.stopObservingTheme();
    this.resizeObserver.disconnect();
    for (const card of this.cards.values()) card.dispose();
    this.cards.clear();
    this.element.remove();
  }

  // ---- used by cards and the sidebar ------------------------------------------------------------------------------------

  /** The lines a card draws now: visible runs' series for `tag`, live run first, then by run and series order. */
  linesFor(tag: string): Line[] {
    const lines: Line[] = [];
    // Relative time counts from a run's first point in any series, so train and validation share a clock.
    const runStart = new Map<string, number>();
    for (const s of this.series.values()) {
      if (s.length === 0) continue;
      const first = s.walls.at(0);
      const known = runStart.get(s.runId);
      if (known === undefined || first < known) runStart.set(s.runId, first);
    }
    for (const s of this.series.values()) {
      if (s.tag !== tag || s.length === 0) continue;
      const run = this.runs.get(s.runId);
      if (!run || !this.isRunVisible(run)) continue;
      const seriesIndex = this.seriesIndex(s.series);
      lines.push({
        data: s,
        run,
        color: this.runColor(run),
        dash: seriesIndex === 0 ? undefined : seriesIndex === 1 ? [6, 4] : [2, 3],
        seriesIndex,
        runStart: runStart.get(s.runId) ?? 0,
      });
    }
    lines.sort(
      (a, b) =>
        Number(!!b.run.spec.live) - Number(!!a.run.spec.live) ||
        a.run.order - b.run.order ||
        a.seriesIndex - b.seriesIndex,
    );
    return lines;
  }

  runColor(run: RunState): string {
    const p = this.theme.palette;
    return p[run.colorIndex % p.length];
  }

  isLogScale(tag: string): boolean {
    return this.settings.logScaleTags.includes(tag);
  }

  toggleLogScale(tag: string): void {
    const tags = this.settings.logScaleTags.filter((t) => t !== tag);
    if (tags.length === this.settings.logScaleTags.length) tags.push(tag);
    this.changeSettings({ logScaleTags: tags });
  }

  /** Every series with data for `tag`, for the download menu (hidden runs included). */
  seriesForTag(tag: string): SeriesData[] {
    return [...this.series.values()]
      .filter((s) => s.tag === tag && s.length > 0)
      .sort((a, b) => {
        const ra = this.runs.get(a.runId);
        const rb = this.runs.get(b.runId);
        return (
          Number(!!rb?.spec.live) - Number(!!ra?.spec.live) ||
          (ra?.order ?? 0) - (rb?.order ?? 0) ||
          this.seriesIndex(a.series) - this.seriesIndex(b.series)
        );
      });
  }

  runStates(): RunState[] {
    return [...this.runs.values()];
  }

  runLabel(runId: string): string {
    return this.runs.get(runId)?.label ?? runId;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private seriesFor(runId: string, tag: string, series: string): SeriesData {
    if (!this.runs.has(runId)) this.addRun({ id: runId });
    if (!this.cards.has(tag) && this.options.autoCards !== false) this.addCard({ tag });
    const key = seriesKey(runId, tag, series);
    let s = this.series.get(key);
    if (!s) {
      s = new SeriesData(runId, tag, series, this.settings.smoothing);
      this.series.set(key, s);
      if (!this.seriesOrder.includes(series)) this.seriesOrder.push(series);
    }
    return s;
  }

  private seriesIndex(series: string): number {
    const i = this.seriesOrder.indexOf(series);
    return i < 0 ? this.seriesOrder.length : i;
  }

  private isRunVisible(run: RunState): boolean {
    if (this.settings.hiddenRuns.includes(run.spec.id)) return false;
    return this.matchesFilter(run);
  }

  matchesFilter(run: RunState): boolean {
    return !this.filterRegex || this.filterRegex.test(run.label);
  }

  private compileFilter(): void {
    this.filterRegex = null;
    let error = '';
    if (this.settings.runFilter) {
      try {
        this.filterRegex = new RegExp(this.settings.runFilter, 'i');
      } catch (e) {
        error = formatString(this.strings.runFilterInvalid, e instanceof Error ? e.message : String(e));
      }
    }
    this.sidebar?.showFilterError(error);
  }

  changeSettings(partial: Partial<ChartSettings>): void {
    this.setSettings(partial);
    this.options.onSettingsChange?.(this.getSettings());
  }

  private requireCard(tag: string): Card {
    const card = this.cards.get(tag);
    if (!card) throw new Error(`No chart card for tag "${tag}"`);
    return card;
  }

  markDirty(card: Card): void {
    this.dirty.add(card);
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.flush();
      });
    }
  }

  private markTagDirty(tag: string): void {
    const card = this.cards.get(tag);
    if (card) this.markDirty(card);
  }

  private markRunDirty(runId: string): void {
    const tags = new Set<string>();
    for (const s of this.series.values()) if (s.runId === runId) tags.add(s.tag);
    for (const tag of tags) this.markTagDirty(tag);
  }

  private markAllDirty(): void {
    for (const card of this.cards.values()) this.markDirty(card);
  }
}

export function seriesKey(runId: string, tag: string, series: string): string {
  return `${runId}\u0000${tag}\u0000${series}`;
}
