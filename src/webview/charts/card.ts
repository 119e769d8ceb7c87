/**
 * One chart card: a heading with actions, a uPlot chart of every visible run's series for one tag (raw faint,
 * smoothed on top), zoom by drag, reset by double-click, and a nearest-point tooltip.
 */
import uPlot from 'uplot';
import type { CardSpec, TooltipRow } from './index';
import type { ChartPanelImpl, RunState } from './panel';
import { nearestIndex, type SeriesData } from './series';
import { outlierRange } from './smoothing';
import type { ChartStrings } from '../../shared/l10n/charts';
import { format as formatString } from '../../shared/l10n/format';
import { withAlpha } from './theme';
import {
  formatDuration,
  formatRelativeTick,
  formatStep,
  formatValue,
  formatWallTick,
  formatWallTime,
} from './format';

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
interface DrawnLine extends Line {
  x: ArrayLike<number>;
  rawIdx: number;
  smoothIdx: number;
}

type Data = uPlot.AlignedData;

function icon(name: string): HTMLElement {
  const i = document.createElement('i');
  i.className = `codicon codicon-${name}`;
  i.setAttribute('aria-hidden', 'true');
  return i;
}

/** A copy with gaps (null) where uPlot cannot draw: non-finite values, and values <= 0 on a log axis. */
function drawable(values: Float64Array, needsCopy: boolean, log: boolean): Float64Array | (number | null)[] {
  if (!needsCopy) return values;
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) && (!log || v > 0) ? v : null;
  }
  return out;
}

export class Card {
  readonly element: HTMLElement;
  readonly plotEl: HTMLElement;
  readonly title: string;
  private readonly tooltipEl: HTMLElement;
  private readonly markerEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly logButton: HTMLButtonElement;
  private readonly menuEl: HTMLElement;
  private readonly menuButton: HTMLButtonElement;
  private plot: uPlot | null = null;
  private structure = '';
  private lines: DrawnLine[] = [];
  private yFit: [number, number] = [0, 1];
  private zoomX: [number, number] | null = null;
  private zoomY: [number, number] | null = null;
  private lastRows: TooltipRow[] = [];

  constructor(
    private readonly panel: ChartPanelImpl,
    readonly spec: CardSpec,
    id: string,
  ) {
    const s = panel.strings;
    this.title = spec.title ?? spec.tag;
    this.element = document.createElement('section');
    this.element.className = 'onramp-chart-card';
    this.element.dataset.tag = spec.tag;
    this.element.setAttribute('aria-labelledby', `${id}-title`);

    const header = document.createElement('div');
    header.className = 'onramp-chart-header';
    const h = document.createElement('h3');
    h.id = `${id}-title`;
    h.className = 'onramp-chart-title';
    h.textContent = this.title;
    h.title = this.title;
    const actions = document.createElement('div');
    actions.className = 'onramp-chart-actions';
    const button = (iconName: string, label: string, onClick: () => void) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'onramp-chart-button';
      b.title = label;
      b.setAttribute('aria-label', label);
      b.append(icon(iconName));
      b.addEventListener('click', onClick);
      actions.append(b);
      return b;
    };
    this.logButton = button('symbol-numeric', s.logScale, () => panel.toggleLogScale(spec.tag));
    this.logButton.classList.add('onramp-chart-log');
    button('screen-full', s.resetZoom, () => this.resetZoom()).classList.add('onramp-chart-reset');
    this.menuButton = button('cloud-download', s.download, () => this.toggleMenu());
    this.menuButton.classList.add('onramp-chart-download');
    this.menuButton.setAttribute('aria-haspopup', 'menu');
    this.menuButton.setAttribute('aria-expanded', 'false');
    button('copy', s.copyPng, () => void panel.copyPng(spec.tag)).classList.add('onramp-chart-copy');
    header.append(h, actions);

    this.menuEl = document.createElement('div');
    this.menuEl.className = 'onramp-chart-menu';
    this.menuEl.setAttribute('role', 'menu');
    this.menuEl.hidden = true;
    this.menuEl.addEventListener('keydown', (e) => this.menuKey(e));
    this.menuEl.addEventListener('focusout', (e) => {
      if (!this.menuEl.contains(e.relatedTarget as Node | null) && e.relatedTarget !== this.menuButton) {
        this.closeMenu(false);
      }
    });

    this.plotEl = document.createElement('div');
    this.plotEl.className = 'onramp-chart-plot';
    this.plotEl.setAttribute('role', 'img');
    this.plotEl.setAttribute('aria-label', formatString(s.chartLabel, this.title));
    this.plotEl.style.height = `${panel.cardHeight}px`;
    this.emptyEl = document.createElement('div');
    this.emptyEl.className = 'onramp-chart-empty';
    this.emptyEl.textContent = s.noData;
    this.tooltipEl = document.createElement('div');
    this.tooltipEl.className = 'onramp-chart-tooltip';
    this.tooltipEl.hidden = true;
    this.markerEl = document.createElement('div');
    this.markerEl.className = 'onramp-chart-marker';
    this.markerEl.hidden = true;
    this.plotEl.append(this.emptyEl, this.tooltipEl);
    this.plotEl.addEventListener('mouseleave', () => this.hideTooltip());

    this.statusEl = document.createElement('div');
    this.statusEl.className = 'onramp-chart-status';
    this.statusEl.setAttribute('role', 'status');

    this.element.append(header, this.menuEl, this.plotEl, this.statusEl);
  }

  /** Redraws from the panel's current data and settings; rebuilds the uPlot only when the lines change. */
  render(): void {
    const panel = this.panel;
    const settings = panel.settings;
    const theme = panel.theme;
    const log = panel.isLogScale(this.spec.tag);
    const smoothingOn = settings.smoothing > 0;
    const lines = panel.linesFor(this.spec.tag);
    this.logButton.setAttribute('aria-pressed', String(log));
    this.logButton.classList.toggle('onramp-chart-button-on', log);

    if (lines.length === 0) {
      this.destroyPlot();
      this.lines = [];
      this.emptyEl.hidden = false;
      return;
    }
    this.emptyEl.hidden = true;

    // Each line's x values on the chosen axis.
    const drawn: DrawnLine[] = lines.map((line) => {
      const d = line.data;
      const walls = d.walls.view;
      const firstWall = line.runStart;
      let x: ArrayLike<number>;
      if (settings.xAxis === 'step') x = d.steps.view;
      else if (settings.xAxis === 'wall') x = walls;
      else {
        const rel = new Float64Array(walls.length);
        for (let i = 0; i < walls.length; i++) rel[i] = walls[i] - firstWall;
        x = rel;
      }
      return { ...line, x, rawIdx: -1, smoothIdx: -1 };
    });

    // uPlot's faceted mode (2): each line keeps its own x array, so runs logged at other steps or times need no
    // merge onto a shared x axis, and the stored typed arrays go to uPlot without a copy.
    const facets: [ArrayLike<number>, ArrayLike<number | null>][] = [];
    let col = 1;
    for (const line of drawn) {
      const d = line.data;
      const needsCopy = d.nonFinite > 0 || (log && d.nonPositive > 0);
      if (smoothingOn) {
        facets.push([line.x, drawable(d.values.values, needsCopy, log)]);
        line.rawIdx = col++;
      }
      facets.push([line.x, drawable(smoothingOn ? d.values.smoothed : d.values.values, needsCopy, log)]);
      line.smoothIdx = col++;
    }
    const data = [null, ...facets] as unknown as Data;

    // The y range to fit: what is drawn boldly (smoothed, or raw when smoothing is off).
    const fitted = outlierRange(
      drawn.map((l) => (smoothingOn ? l.data.values.smoothed : l.data.values.values)),
      settings.ignoreOutliers,
      log,
    );
    this.yFit = fitted ? padRange(fitted, log) : log ? [0.1, 1] : [0, 1];

    const structure = JSON.stringify([
      drawn.map((l) => [l.data.runId, l.data.series, l.color, l.dash]),
      settings.xAxis,
      log,
      smoothingOn,
      theme,
    ]);
    this.lines = drawn;
    if (this.plot && structure === this.structure) {
      // batch: draw now rather than in uPlot's microtask, so scales are current for the tooltip right after.
      const plot = this.plot;
      plot.batch(() => plot.setData(data, true));
    } else {
      this.createPlot(data, drawn, log, smoothingOn);
      this.structure = structure;
    }
    if (this.lastRows.length && !this.tooltipEl.hidden && this.plot) {
      // Live data moved under a still pointer: keep the tooltip true.
      this.hover(this.plot.cursor.left ?? -1, this.plot.cursor.top ?? -1);
    }
  }

  resize(): void {
    if (!this.plot) return;
    const { width, height } = this.plotSize();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  zoom(x: [number, number], y?: [number, number]): void {
    this.zoomX = [Math.min(...x), Math.max(...x)];
    this.zoomY = y ? [Math.min(...y), Math.max(...y)] : null;
    this.rescale();
  }

  resetZoom(): void {
    this.zoomX = null;
    this.zoomY = null;
    this.rescale();
  }

  /** Shows and returns the tooltip rows for a pointer at (left, top) CSS px in the plot area. */
  hover(left: number, top: number): TooltipRow[] {
    const u = this.plot;
    if (!u || left < 0 || top < 0 || this.lines.length === 0) {
      this.hideTooltip();
      return [];
    }
    const xVal = u.posToVal(left, 'x');
    const smoothingOn = this.panel.settings.smoothing > 0;
    const rows: (Omit<TooltipRow, 'nearest'> & {
      nearest: boolean;
      dist: number;
      color: string;
      px: number;
      py: number;
    })[] = [];
    for (const line of this.lines) {
      const i = nearestIndex(line.x, xVal);
      if (i < 0) continue;
      const d = line.data;
      const value = d.values.values[i];
      const smoothed = smoothingOn ? d.values.smoothed[i] : value;
      const px = u.valToPos(line.x[i], 'x');
      const py = Number.isFinite(smoothed) ? u.valToPos(smoothed, 'y') : NaN;
      const dist = Number.isFinite(py) ? Math.hypot(px - left, py - top) : Infinity;
      rows.push({
        run: line.run.label,
        series: d.series,
        smoothed,
        value,
        step: d.steps.at(i),
        wallTime: d.walls.at(i),
        relativeTime: d.walls.at(i) - line.runStart,
        nearest: false,
        dist,
        color: line.color,
        px,
        py,
      });
    }
    if (rows.length === 0) {
      this.hideTooltip();
      return [];
    }
    rows.sort((a, b) => a.dist - b.dist);
    rows[0].nearest = true;
    this.showTooltip(rows, left, top);
    const nearest = rows[0];
    if (Number.isFinite(nearest.py)) {
      this.markerEl.hidden = false;
      this.markerEl.style.transform = `translate(${nearest.px}px, ${nearest.py}px)`;
      this.markerEl.style.borderColor = nearest.color;
    } else this.markerEl.hidden = true;
    this.lastRows = rows.map((r) => ({
      run: r.run,
      series: r.series,
      smoothed: r.smoothed,
      value: r.value,
      step: r.step,
      wallTime: r.wallTime,
      relativeTime: r.relativeTime,
      nearest: r.nearest,
    }));
    return this.lastRows;
  }

  /** The card as a canvas: background, title, the plot and a legend of the drawn runs. */
  snapshot(): HTMLCanvasElement {
    const theme = this.panel.theme;
    const dpr = window.devicePixelRatio || 1;
    const src = this.plot?.ctx.canvas;
    const w = src ? src.width : Math.round(400 * dpr);
    const plotH = src ? src.height : Math.round(this.panel.cardHeight * dpr);
    const pad = Math.round(8 * dpr);
    const titleH = Math.round(theme.fontSize * 1.8 * dpr);
    const rowH = Math.round(theme.fontSize * 1.6 * dpr);
    const font = theme.font.replace(/^([\d.]+)px/, (_m, px: string) => `${Math.round(Number(px) * dpr)}px`);
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d');
    if (!ctx) return canvas;
    // Lay the legend out first (wrapping to the card's width) to know the canvas height.
    ctx.font = font;
    const entries: { line: DrawnLine; label: string; x: number; row: number }[] = [];
    let x = pad;
    let row = 0;
    for (const line of this.lines) {
      const label = `${line.run.label} ${line.data.series}`.trim();
      const width = 20 * dpr + ctx.measureText(label).width + 14 * dpr;
      if (x > pad && x + width > w - pad) {
        x = pad;
        row++;
      }
      entries.push({ line, label, x, row });
      x += width;
    }
    canvas.width = w;
    canvas.height = titleH + plotH + (row + 1) * rowH + pad;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'middle';
    ctx.font = theme.font.replace(/^[\d.]+px/, `bold ${Math.round(theme.fontSize * dpr)}px`);
    ctx.fillText(this.title, pad, titleH / 2);
    if (src) ctx.drawImage(src, 0, titleH);
    ctx.font = font;
    for (const e of entries) {
      const y = titleH + plotH + e.row * rowH + rowH / 2;
      ctx.strokeStyle = e.line.color;
      ctx.lineWidth = 2 * dpr;
      ctx.setLineDash((e.line.dash ?? []).map((v) => v * dpr));
      ctx.beginPath();
      ctx.moveTo(e.x, y);
      ctx.lineTo(e.x + 16 * dpr, y);
      ctx.stroke();
      ctx.fillStyle = theme.foreground;
      ctx.fillText(e.label, e.x + 20 * dpr, y);
    }
    return canvas;
  }

  /**
   * The card as SVG, drawn from the same data, scales and ticks as the canvas: title, axes with their
   * tick labels and grid, every line (the faint raw one under the smoothed one) and a legend.
   */
  svg(): string {
    const theme = this.panel.theme;
    const u = this.plot;
    const width = u ? u.width : 400;
    const plotHeight = u ? u.height : this.panel.cardHeight;
    const titleHeight = Math.round(theme.fontSize * 1.8);
    const rowHeight = Math.round(theme.fontSize * 1.6);
    const pad = 8;
    const esc = (text: string) =>
      text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
    const parts: string[] = [];
    // Legend entries, wrapped to the width (text measured roughly: 0.6 em a character).
    let x = pad;
    let row = 0;
    const legend: string[] = [];
    for (const line of this.lines) {
      const label = `${line.run.label} ${line.data.series}`.trim();
      const entryWidth = 34 + label.length * theme.fontSize * 0.6;
      if (x > pad && x + entryWidth > width - pad) {
        x = pad;
        row++;
      }
      const y = titleHeight + plotHeight + row * rowHeight + rowHeight / 2;
      const dash = line.dash?.length ? ` stroke-dasharray="${line.dash.join(' ')}"` : '';
      legend.push(
        `<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${esc(line.color)}" stroke-width="2"${dash}/>`,
        `<text x="${x + 20}" y="${y}" dominant-baseline="middle">${esc(label)}</text>`,
      );
      x += entryWidth;
    }
    const height = titleHeight + plotHeight + (row + 1) * rowHeight + pad;
    parts.push(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(theme.font.replace(/^[\d.]+px\s*/, ''))}" font-size="${theme.fontSize}" fill="${esc(theme.foreground)}">`,
      `<rect width="100%" height="100%" fill="${esc(theme.background)}"/>`,
      `<text x="${pad}" y="${titleHeight / 2}" dominant-baseline="middle" font-weight="bold">${esc(this.title)}</text>`,
    );
    if (u) {
      const dpr = window.devicePixelRatio || 1;
      const left = u.bbox.left / dpr;
      const top = titleHeight + u.bbox.top / dpr;
      const w = u.bbox.width / dpr;
      const h = u.bbox.height / dpr;
      // uPlot keeps the ticks it drew on each axis; the SVG shows the same ones.
      const ticks = (i: number) => u.axes[i] as unknown as { _splits?: number[]; _values?: string[] };
      const [xTicks, yTicks] = [ticks(0), ticks(1)];
      parts.push(`<g stroke="${esc(theme.grid)}" stroke-width="1">`);
      (xTicks._splits ?? []).forEach((v) => {
        const px = left + u.valToPos(v, 'x');
        if (px >= left - 0.5 && px <= left + w + 0.5)
          parts.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${top + h}"/>`);
      });
      (yTicks._splits ?? []).forEach((v) => {
        const py = top + u.valToPos(v, 'y');
        if (py >= top - 0.5 && py <= top + h + 0.5)
          parts.push(`<line x1="${left}" y1="${py}" x2="${left + w}" y2="${py}"/>`);
      });
      parts.push('</g>');
      (xTicks._splits ?? []).forEach((v, i) => {
        const px = left + u.valToPos(v, 'x');
        const label = xTicks._values?.[i];
        if (label && px >= left - 0.5 && px <= left + w + 0.5)
          parts.push(
            `<text x="${px}" y="${top + h + 6}" text-anchor="middle" dominant-baseline="hanging">${esc(String(label))}</text>`,
          );
      });
      (yTicks._splits ?? []).forEach((v, i) => {
        const py = top + u.valToPos(v, 'y');
        const label = yTicks._values?.[i];
        if (label && py >= top - 0.5 && py <= top + h + 0.5)
          parts.push(
            `<text x="${left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(String(label))}</text>`,
          );
      });
      parts.push(
        `<clipPath id="plot"><rect x="${left}" y="${top}" width="${w}" height="${h}"/></clipPath>`,
        `<g clip-path="url(#plot)" fill="none" stroke-linejoin="round">`,
      );
      const facets = u.data as unknown as ([ArrayLike<number>, ArrayLike<number | null>] | null)[];
      const path = (index: number) => {
        const facet = facets[index];
        if (!facet) return '';
        const [xs, ys] = facet;
        let d = '';
        let pen = false;
        for (let i = 0; i < xs.length; i++) {
          const y = ys[i];
          if (y === null || !Number.isFinite(y)) {
            pen = false;
            continue;
          }
          d += `${pen ? 'L' : 'M'}${(left + u.valToPos(xs[i], 'x')).toFixed(1)} ${(top + u.valToPos(y, 'y')).toFixed(1)}`;
          pen = true;
        }
        return d;
      };
      for (const line of this.lines) {
        const dash = line.dash?.length ? ` stroke-dasharray="${line.dash.join(' ')}"` : '';
        const color = esc(line.color);
        if (line.rawIdx > 0) {
          parts.push(
            `<path d="${path(line.rawIdx)}" stroke="${color}" stroke-opacity="${theme.rawAlpha}" stroke-width="1"${dash}/>`,
          );
        }
        parts.push(
          `<path d="${path(line.smoothIdx)}" stroke="${color}" stroke-width="${theme.lineWidth}"${dash}/>`,
        );
      }
      parts.push('</g>');
    }
    parts.push(...legend, '</svg>');
    return parts.join('\n');
  }

  announce(message: string): void {
    this.statusEl.textContent = message;
    window.setTimeout(() => {
      if (this.statusEl.textContent === message) this.statusEl.textContent = '';
    }, 4000);
  }

  dispose(): void {
    this.destroyPlot();
    this.element.remove();
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private plotSize(): { width: number; height: number } {
    return {
      width: Math.max(120, Math.floor(this.plotEl.clientWidth || 400)),
      height: Math.max(80, Math.floor(this.plotEl.clientHeight || this.panel.cardHeight)),
    };
  }

  private rescale(): void {
    const plot = this.plot;
    if (plot) plot.batch(() => plot.setData(plot.data, true));
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.structure = '';
    this.hideTooltip();
  }

  private createPlot(data: Data, lines: DrawnLine[], log: boolean, smoothingOn: boolean): void {
    this.destroyPlot();
    const theme = this.panel.theme;
    const settings = this.panel.settings;
    const { width, height } = this.plotSize();
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
    const axis = (values: uPlot.Axis['values']): uPlot.Axis => ({
      stroke: theme.foreground,
      font: theme.font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1, size: 4 },
      values,
    });
    const xValues: uPlot.Axis['values'] =
      settings.xAxis === 'step'
        ? (_u, splits) => splits.map((v) => (v == null ? '' : formatStep(v)))
        : settings.xAxis === 'relative'
          ? (_u, splits, _ax, _space, incr) =>
              splits.map((v) => (v == null ? '' : formatRelativeTick(v, incr)))
          : (_u, splits, _ax, _space, incr) => splits.map((v) => (v == null ? '' : formatWallTick(v, incr)));
    const opts: uPlot.Options = {
      mode: 2,
      width,
      height,
      legend: { show: false },
      pxAlign: false,
      cursor: {
        drag: { x: true, y: true, setScale: false, dist: 4 },
        points: { show: false },
        x: true,
        y: false,
        bind: {
          dblclick: () => () => {
            this.resetZoom();
            return null;
          },
        },
      },
      scales: {
        x: {
          time: settings.xAxis === 'wall',
          range: (_u, min, max) => {
            if (this.zoomX) return this.zoomX;
            if (min == null || max == null) return [0, 1];
            return min === max ? [min - 1, max + 1] : [min, max];
          },
        },
        y: log
          ? { distr: 3, log: 10, range: () => this.zoomY ?? this.yFit }
          : { range: () => this.zoomY ?? this.yFit },
      },
      axes: [
        { ...axis(xValues), space: settings.xAxis === 'wall' ? 90 : 50 },
        { ...axis((_u, splits) => splits.map((v) => (v == null ? '' : formatValue(v)))), size: 56 },
      ],
      series,
      hooks: {
        draw: [(u) => this.onDraw(u)],
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [
          (u) => {
            if (u.cursor.left == null || u.cursor.left < 0) this.hideTooltip();
            else this.hover(u.cursor.left, u.cursor.top ?? -1);
          },
        ],
      },
    };
    this.plot = new uPlot(opts, data, this.plotEl);
    this.plot.over.append(this.markerEl);
  }

  /** Mirrors what is drawn into data attributes: cheap, and lets tests and hosts check scales without pixels. */
  private onDraw(u: uPlot): void {
    const d = this.plotEl.dataset;
    d.draws = String(Number(d.draws ?? 0) + 1);
    d.xMin = String(u.scales.x.min);
    d.xMax = String(u.scales.x.max);
    d.yMin = String(u.scales.y.min);
    d.yMax = String(u.scales.y.max);
    d.yScale = u.scales.y.distr === 3 ? 'log' : 'linear';
    d.xAxis = this.panel.settings.xAxis;
    d.lines = String(this.lines.length);
    d.zoomed = String(this.zoomX !== null || this.zoomY !== null);
  }

  private onSelect(u: uPlot): void {
    const { left, top, width, height } = u.select;
    if (width < 4 && height < 4) return;
    const x: [number, number] = [u.posToVal(left, 'x'), u.posToVal(left + width, 'x')];
    const y: [number, number] | undefined =
      height >= 4 && height < u.over.clientHeight - 1
        ? [u.posToVal(top + height, 'y'), u.posToVal(top, 'y')]
        : undefined;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.zoom(width >= 4 ? x : ((this.zoomX ?? [u.scales.x.min!, u.scales.x.max!]) as [number, number]), y);
  }

  private showTooltip(rows: (TooltipRow & { color: string })[], left: number, top: number): void {
    const s = this.panel.strings;
    const table = document.createElement('table');
    const head = document.createElement('tr');
    for (const text of [
      '',
      s.tooltipRun,
      s.tooltipSmoothed,
      s.tooltipValue,
      s.tooltipStep,
      s.tooltipTime,
      s.tooltipRelative,
    ]) {
      const th = document.createElement('th');
      th.textContent = text;
      head.append(th);
    }
    table.append(head);
    for (const r of rows) {
      const tr = document.createElement('tr');
      if (r.nearest) tr.className = 'onramp-chart-nearest';
      const sw = document.createElement('td');
      const dot = document.createElement('span');
      dot.className = 'onramp-charts-swatch';
      dot.style.backgroundColor = r.color;
      sw.append(dot);
      tr.append(sw);
      for (const text of [
        r.series ? `${r.run} (${seriesName(s, r.series)})` : r.run,
        formatValue(r.smoothed),
        formatValue(r.value),
        String(r.step),
        formatWallTime(r.wallTime),
        formatDuration(r.relativeTime),
      ]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      table.append(tr);
    }
    this.tooltipEl.replaceChildren(table);
    this.tooltipEl.hidden = false;
    // Beside the pointer, fixed to the viewport so it may overlap neighbours, flipped to stay on screen.
    const over = this.plot?.over.getBoundingClientRect();
    const cx = (over?.left ?? 0) + left;
    const cy = (over?.top ?? 0) + top;
    const tw = this.tooltipEl.offsetWidth;
    const th = this.tooltipEl.offsetHeight;
    let x = cx + 16;
    let y = cy + 16;
    if (x + tw > window.innerWidth - 4) x = Math.max(4, cx - tw - 16);
    if (y + th > window.innerHeight - 4) y = Math.max(4, cy - th - 16);
    this.tooltipEl.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  private hideTooltip(): void {
    this.tooltipEl.hidden = true;
    this.markerEl.hidden = true;
    this.lastRows = [];
  }

  private toggleMenu(): void {
    if (!this.menuEl.hidden) return this.closeMenu(true);
    const s = this.panel.strings;
    const items: HTMLElement[] = [];
    for (const d of this.panel.seriesForTag(this.spec.tag)) {
      const run = this.panel.runLabel(d.runId);
      for (const format of ['csv', 'json'] as const) {
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('role', 'menuitem');
        b.className = 'onramp-chart-menuitem';
        b.dataset.run = d.runId;
        b.dataset.series = d.series;
        b.dataset.format = format;
        b.textContent = formatString(
          format === 'csv' ? s.downloadCsv : s.downloadJson,
          run,
          seriesName(s, d.series),
        );
        b.addEventListener('click', () => {
          this.panel.exportSeries(this.spec.tag, d.runId, d.series, format);
          this.closeMenu(true);
        });
        items.push(b);
      }
    }
    if (items.length > 0) {
      for (const format of ['png', 'svg'] as const) {
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('role', 'menuitem');
        b.className = 'onramp-chart-menuitem';
        b.dataset.format = format;
        b.textContent = format === 'png' ? s.downloadPng : s.downloadSvg;
        b.addEventListener('click', () => {
          this.panel.exportImage(this.spec.tag, format);
          this.closeMenu(true);
        });
        items.push(b);
      }
    }
    if (items.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'onramp-chart-menuempty';
      empty.textContent = s.noData;
      items.push(empty);
    }
    this.menuEl.replaceChildren(...items);
    this.menuEl.hidden = false;
    this.menuButton.setAttribute('aria-expanded', 'true');
    (this.menuEl.querySelector('button') as HTMLElement | null)?.focus();
  }

  private closeMenu(refocus: boolean): void {
    this.menuEl.hidden = true;
    this.menuButton.setAttribute('aria-expanded', 'false');
    if (refocus) this.menuButton.focus();
  }

  private menuKey(e: KeyboardEvent): void {
    const items = [...this.menuEl.querySelectorAll<HTMLElement>('button')];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') this.closeMenu(true);
    else if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
  }
}

/** Pads a fitted range so lines do not touch the frame (5% linear; to round values on log axes). */
function padRange([lo, hi]: [number, number], log: boolean): [number, number] {
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

/** A series as the user reads it: the two every host draws, train and validation, in the page's language. */
function seriesName(s: ChartStrings, series: string): string {
  return series === 'train' ? s.seriesTrain : series === 'validation' ? s.seriesValidation : series;
}
