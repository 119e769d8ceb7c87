/** The chart panel: sidebar (settings, run list) and one card per tag. Implements `ChartPanel` from index.ts. */
import type {
  CardSpec,
  ChartPanel,
  ChartPanelOptions,
  ChartSettings,
  ExportFile,
  RunSpec,
  ScalarPoint,
  TooltipRow,
  XAxisMode,
} from './index';
import { Card, type Line } from './card';
import { SeriesData } from './series';
import { exportFileName, seriesToCsv, seriesToJson } from './export';
import type { ChartStrings } from '../../shared/l10n/charts';
import { format as formatString } from '../../shared/l10n/format';
import { observeTheme, readTheme, type ChartTheme } from './theme';

export interface RunState {
  spec: RunSpec;
  label: string;
  colorIndex: number;
  order: number;
}

export const DEFAULT_SETTINGS: ChartSettings = {
  smoothing: 0.6,
  xAxis: 'step',
  ignoreOutliers: true,
  runFilter: '',
  logScaleTags: [],
  hiddenRuns: [],
};

const MAX_SMOOTHING = 0.999;

function sanitizeSettings(s: Partial<ChartSettings> | undefined, base: ChartSettings): ChartSettings {
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

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

let uid = 0;

export class ChartPanelImpl implements ChartPanel {
  readonly element: HTMLElement;
  readonly strings: ChartStrings;
  theme: ChartTheme;
  settings: ChartSettings;
  readonly cardHeight: number;

  private readonly runs = new Map<string, RunState>();
  private readonly series = new Map<string, SeriesData>();
  private readonly cards = new Map<string, Card>();
  private readonly cardsEl: HTMLElement;
  private readonly runListEl: HTMLElement | null = null;
  private readonly seriesOrder: string[];
  private readonly dirty = new Set<Card>();
  private frame = 0;
  private runOrder = 0;
  private filterRegex: RegExp | null = null;
  private readonly stopObservingTheme: () => void;
  private readonly resizeObserver: ResizeObserver;
  private readonly controls: {
    smoothingRange?: HTMLInputElement;
    smoothingNumber?: HTMLInputElement;
    xAxis?: Map<XAxisMode, HTMLInputElement>;
    outliers?: HTMLInputElement;
    filter?: HTMLInputElement;
    filterError?: HTMLElement;
    allRuns?: HTMLInputElement;
  } = {};
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
      const side = this.buildSidebar();
      this.element.append(side);
      this.runListEl = side.querySelector('.onramp-charts-runlist');
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
    this.renderRunList();
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
    this.renderRunList();
    this.markRunDirty(run.id);
  }

  removeRun(runId: string): void {
    if (!this.runs.delete(runId)) return;
    for (const [key, s] of this.series) if (s.runId === runId) this.series.delete(key);
    this.renderRunList();
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
    this.renderRunList();
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
    this.syncControls();
    this.renderRunList();
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
    const points = s ? s.points() : [];
    const run = this.runs.get(runId)?.label ?? runId;
    const file: ExportFile =
      format === 'csv'
        ? {
            filename: exportFileName(run, series, tag, 'csv'),
            mime: 'text/csv',
            content: seriesToCsv(points),
            encoding: 'utf8',
          }
        : {
            filename: exportFileName(run, series, tag, 'json'),
            mime: 'application/json',
            content: seriesToJson(points),
            encoding: 'utf8',
          };
    this.options.onDownload?.(file);
    return file;
  }

  async copyPng(tag: string): Promise<'clipboard' | 'download'> {
    const card = this.requireCard(tag);
    this.flush();
    const canvas = card.snapshot();
    try {
      const blob = await new Promise<Blob>((resolve, reject) =>
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'),
      );
      if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write)
        throw new Error('no clipboard');
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
      card.announce(this.strings.copiedPng);
      return 'clipboard';
    } catch {
      this.options.onDownload?.({
        filename: exportFileName(card.title, '', '', 'png'),
        mime: 'image/png',
        content: canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, ''),
        encoding: 'base64',
      });
      card.announce(this.strings.savedPng);
      return 'download';
    }
  }

  /** The card as a PNG or SVG file (title, axes, lines and legend), also passed to `onDownload`. */
  exportImage(tag: string, format: 'png' | 'svg'): ExportFile {
    const card = this.requireCard(tag);
    this.flush();
    const file: ExportFile =
      format === 'png'
        ? {
            filename: exportFileName(card.title, '', '', 'png'),
            mime: 'image/png',
            content: this.pngBase64(tag),
            encoding: 'base64',
          }
        : {
            filename: exportFileName(card.title, '', '', 'svg'),
            mime: 'image/svg+xml',
            content: card.svg(),
            encoding: 'utf8',
          };
    this.options.onDownload?.(file);
    return file;
  }

  pngBase64(tag: string): string {
    const card = this.requireCard(tag);
    this.flush();
    return card
      .snapshot()
      .toDataURL('image/png')
      .replace(/^data:image\/png;base64,/, '');
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
    this.renderRunList();
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

  // ---- used by cards ------------------------------------------------------------------------------------

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

  private matchesFilter(run: RunState): boolean {
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
    const { filterError, filter } = this.controls;
    if (filterError) {
      filterError.textContent = error;
      filterError.hidden = !error;
    }
    filter?.setAttribute('aria-invalid', String(!!error));
  }

  private changeSettings(partial: Partial<ChartSettings>): void {
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

  private buildSidebar(): HTMLElement {
    const s = this.strings;
    const side = el('div', 'onramp-charts-sidebar');
    side.setAttribute('role', 'region');
    side.setAttribute('aria-label', s.toolbarLabel);

    // Smoothing: a slider and a number box, as TensorBoard has.
    const smoothing = el('div', 'onramp-charts-group');
    const smoothingId = `onramp-smoothing-${this.id}`;
    const smoothingLabel = el('label', 'onramp-charts-heading', s.smoothing);
    smoothingLabel.htmlFor = smoothingId;
    const row = el('div', 'onramp-charts-row');
    const range = el('input');
    range.type = 'range';
    range.id = smoothingId;
    range.min = '0';
    range.max = String(MAX_SMOOTHING);
    range.step = '0.001';
    range.className = 'onramp-charts-slider';
    const num = el('input', 'onramp-charts-number');
    num.type = 'number';
    num.min = '0';
    num.max = String(MAX_SMOOTHING);
    num.step = '0.001';
    num.setAttribute('aria-label', s.smoothing);
    range.addEventListener('input', () => this.changeSettings({ smoothing: Number(range.value) }));
    num.addEventListener('change', () => {
      const v = Number(num.value);
      if (Number.isFinite(v)) this.changeSettings({ smoothing: v });
      else this.syncControls();
    });
    row.append(range, num);
    smoothing.append(smoothingLabel, row);

    // X axis: radio buttons.
    const axis = el('fieldset', 'onramp-charts-group');
    axis.append(el('legend', 'onramp-charts-heading', s.xAxis));
    const axisRow = el('div', 'onramp-charts-radios');
    const radios = new Map<XAxisMode, HTMLInputElement>();
    for (const [mode, label] of [
      ['step', s.xAxisStep],
      ['relative', s.xAxisRelative],
      ['wall', s.xAxisWall],
    ] as const) {
      const lab = el('label', 'onramp-charts-radio');
      const input = el('input');
      input.type = 'radio';
      input.name = `onramp-xaxis-${this.id}`;
      input.value = mode;
      input.addEventListener('change', () => input.checked && this.changeSettings({ xAxis: mode }));
      radios.set(mode, input);
      lab.append(input, document.createTextNode(label));
      axisRow.append(lab);
    }
    axis.append(axisRow);

    // Ignore outliers.
    const outliersLabel = el('label', 'onramp-charts-check onramp-charts-group');
    const outliers = el('input');
    outliers.type = 'checkbox';
    outliers.addEventListener('change', () => this.changeSettings({ ignoreOutliers: outliers.checked }));
    outliersLabel.append(outliers, document.createTextNode(s.ignoreOutliers));

    // Runs: filter, all/none, list.
    const runs = el('div', 'onramp-charts-group onramp-charts-runs');
    runs.append(el('div', 'onramp-charts-heading', s.runs));
    const filter = el('input', 'onramp-charts-filter');
    filter.type = 'search';
    filter.placeholder = s.runFilterPlaceholder;
    filter.setAttribute('aria-label', s.runFilterPlaceholder);
    filter.spellcheck = false;
    filter.addEventListener('input', () => this.changeSettings({ runFilter: filter.value }));
    const filterError = el('div', 'onramp-charts-error');
    filterError.setAttribute('role', 'alert');
    filterError.hidden = true;
    const allLabel = el('label', 'onramp-charts-check onramp-charts-all');
    const all = el('input');
    all.type = 'checkbox';
    all.setAttribute('aria-label', s.showAllRuns);
    all.addEventListener('change', () => {
      const visible = [...this.runs.values()].filter((r) => this.matchesFilter(r)).map((r) => r.spec.id);
      const hidden = new Set(this.settings.hiddenRuns);
      for (const id of visible) {
        if (all.checked) hidden.delete(id);
        else hidden.add(id);
      }
      this.changeSettings({ hiddenRuns: [...hidden] });
    });
    allLabel.append(all, document.createTextNode(s.showAllRuns));
    const list = el('ul', 'onramp-charts-runlist');
    list.setAttribute('aria-label', s.runs);
    runs.append(filter, filterError, allLabel, list);

    side.append(smoothing, axis, outliersLabel, runs);
    Object.assign(this.controls, {
      smoothingRange: range,
      smoothingNumber: num,
      xAxis: radios,
      outliers,
      filter,
      filterError,
      allRuns: all,
    });
    this.syncControls();
    filter.value = this.settings.runFilter;
    this.compileFilter();
    return side;
  }

  private syncControls(): void {
    const c = this.controls;
    const st = this.settings;
    if (c.smoothingRange) c.smoothingRange.value = String(st.smoothing);
    if (c.smoothingNumber && document.activeElement !== c.smoothingNumber) {
      c.smoothingNumber.value = String(st.smoothing);
    }
    c.xAxis?.forEach((input, mode) => (input.checked = mode === st.xAxis));
    if (c.outliers) c.outliers.checked = st.ignoreOutliers;
    if (c.filter && c.filter.value !== st.runFilter && document.activeElement !== c.filter) {
      c.filter.value = st.runFilter;
    }
  }

  private renderRunList(): void {
    const list = this.runListEl;
    if (!list) return;
    const runs = [...this.runs.values()].sort(
      (a, b) => Number(!!b.spec.live) - Number(!!a.spec.live) || a.order - b.order,
    );
    const items: HTMLElement[] = [];
    let shown = 0;
    let checked = 0;
    for (const run of runs) {
      if (!this.matchesFilter(run)) continue;
      shown++;
      const li = el('li', 'onramp-charts-run');
      const label = el('label', 'onramp-charts-check');
      const box = el('input');
      box.type = 'checkbox';
      box.checked = !this.settings.hiddenRuns.includes(run.spec.id);
      if (box.checked) checked++;
      box.setAttribute('aria-label', formatString(this.strings.toggleRun, run.label));
      box.dataset.run = run.spec.id;
      box.addEventListener('change', () => {
        const hidden = this.settings.hiddenRuns.filter((id) => id !== run.spec.id);
        if (!box.checked) hidden.push(run.spec.id);
        this.changeSettings({ hiddenRuns: hidden });
      });
      const swatch = el('span', 'onramp-charts-swatch');
      swatch.style.backgroundColor = this.runColor(run);
      swatch.setAttribute('aria-hidden', 'true');
      const name = el('span', 'onramp-charts-runname', run.label);
      name.title = run.label;
      label.append(box, swatch, name);
      if (run.spec.live) label.append(el('span', 'onramp-charts-badge', this.strings.liveRun));
      li.append(label);
      items.push(li);
    }
    if (runs.length === 0) items.push(el('li', 'onramp-charts-empty', this.strings.noRuns));
    list.replaceChildren(...items);
    const all = this.controls.allRuns;
    if (all) {
      all.checked = shown > 0 && checked === shown;
      all.indeterminate = checked > 0 && checked < shown;
      all.disabled = shown === 0;
    }
  }
}

export function seriesKey(runId: string, tag: string, series: string): string {
  return `${runId}\u0000${tag}\u0000${series}`;
}
