/**
 * One chart card: a heading with actions, a uPlot chart of every visible run's series for one tag (raw faint,
 * smoothed on top), zoom by drag, reset by double-click, and a nearest-point tooltip.
 */
import uPlot from 'uplot';
import type { CardSpec, TooltipRow } from './types';
import type { CardHost, DrawnLine } from './cardHost';
import { nearestIndex } from './series';
import { outlierRange } from './smoothing';
import { format as formatString } from '../../shared/l10n/format';
import { cardCanvas, cardSvg, type CardImage } from './image';
import { DownloadMenu } from './menu';
import { drawable, padRange, plotAxes, plotSeries } from './scale';
import { Tooltip } from './tooltip';

type Data = uPlot.AlignedData;

function icon(name: string): HTMLElement {
  const i = document.createElement('i');
  i.className = `codicon codicon-${name}`;
  i.setAttribute('aria-hidden', 'true');
  return i;
}

export class Card {
  readonly element: HTMLElement;
  readonly plotEl: HTMLElement;
  readonly title: string;
  private readonly tooltip: Tooltip;
  private readonly emptyEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly logButton: HTMLButtonElement;
  private readonly menu: DownloadMenu;
  private plot: uPlot | null = null;
  private structure = '';
  private lines: DrawnLine[] = [];
  private yFit: [number, number] = [0, 1];
  private zoomX: [number, number] | null = null;
  private zoomY: [number, number] | null = null;
  private lastRows: TooltipRow[] = [];

  constructor(
    private readonly panel: CardHost,
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
    const menuButton = button('cloud-download', s.download, () => this.menu.toggle());
    menuButton.classList.add('onramp-chart-download');
    menuButton.setAttribute('aria-haspopup', 'menu');
    menuButton.setAttribute('aria-expanded', 'false');
    button('copy', s.copyPng, () => void panel.copyPng(spec.tag)).classList.add('onramp-chart-copy');
    header.append(h, actions);

    this.menu = new DownloadMenu(panel, spec.tag, menuButton);

    this.plotEl = document.createElement('div');
    this.plotEl.className = 'onramp-chart-plot';
    this.plotEl.setAttribute('role', 'img');
    this.plotEl.setAttribute('aria-label', formatString(s.chartLabel, this.title));
    this.plotEl.style.height = `${panel.cardHeight}px`;
    this.emptyEl = document.createElement('div');
    this.emptyEl.className = 'onramp-chart-empty';
    this.emptyEl.textContent = s.noData;
    this.tooltip = new Tooltip(s);
    this.plotEl.append(this.emptyEl, this.tooltip.element);
    this.plotEl.addEventListener('mouseleave', () => this.hideTooltip());

    this.statusEl = document.createElement('div');
    this.statusEl.className = 'onramp-chart-status';
    this.statusEl.setAttribute('role', 'status');

    this.element.append(header, this.menu.element, this.plotEl, this.statusEl);
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
    if (this.lastRows.length && !this.tooltip.hidden && this.plot) {
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
    this.tooltip.show(rows, left, top, this.plot?.over.getBoundingClientRect());
    const nearest = rows[0];
    this.tooltip.mark(nearest.px, nearest.py, nearest.color);
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
    return cardCanvas(this.image());
  }

  /** The card as SVG, drawn from the same data, scales and ticks as the canvas. */
  svg(): string {
    return cardSvg(this.image());
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

  private image(): CardImage {
    const { title, plot, lines } = this;
    return { title, plot, lines, theme: this.panel.theme, cardHeight: this.panel.cardHeight };
  }

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
    const series = plotSeries(lines, theme, smoothingOn);
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
      axes: plotAxes(theme, settings.xAxis),
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
    this.plot.over.append(this.tooltip.marker);
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

  private hideTooltip(): void {
    this.tooltip.hide();
    this.lastRows = [];
  }
}
