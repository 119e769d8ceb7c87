/**
 * The live filter view: every Conv2D kernel of the panel's model (the one being trained, the last run's, a
 * fine-tune's, or one loaded from files in "Try it"; a line says which), drawn large enough to read, one canvas
 * per layer with one shared diverging scale (blue below 0, the editor's background at 0, red above: VS Code's
 * chart colours), a legend, and the weight under the pointer or the keyboard's cursor written out.
 *
 * A layer after the first has a kernel per (filter × input channel). Each filter is drawn as one block with
 * its channels' grids side by side, and blocks wrap like words: a row of the picture then reads as one filter
 * (what it looks for across all the maps it takes in), a first layer's 32 filters sit side by side as 32 big
 * grids, and one canvas draws a 64 × 32 layer's 18,432 weights a few times a second without 18,432 elements.
 *
 * Reading the weights is the trainer's job (`FiltersSource.read`: between batches on our CPU engine, with
 * `data()` on tfjs). This view asks at most every FILTER_READ_EVERY_MS (less often where drawing would take more
 * than 5 % of the page's time), never two reads at once, and only while it can be seen (open, on screen, the
 * page visible); after a run it reads the finished model once.
 */
import { el } from '../common/dom';
import type { InsideTranslate } from '../../shared/l10n/inside';
import type { Architecture } from '../../shared/model';
import {
  type Cell,
  cellAt,
  cellOrigin,
  convKernelsOf,
  type ConvKernels,
  formatWeight,
  type Geometry,
  hwioIndex,
  layerGeometry,
  layerScale,
  moveCell,
} from './filtersData';
import './filters.css';

/** The fastest the view reads the weights while training: four times a second. */
export const FILTER_READ_EVERY_MS = 250;
/** The widest a layer's canvas grows before its blocks wrap (CSS pixels). */
const MAX_WIDTH = 720;
/** The cell side of the big copy of one kernel that a layer with small cells shows beside the readout. */
const LENS_CELL = 24;
/** Colour steps of each half of the scale. */
const STEPS = 64;

/**
 * Which model a source is, as the view's line names it; `model`: its name as the run list says it (a preset's
 * label, or its layers).
 */
export type FiltersOrigin =
  | { kind: 'run'; model: string }
  | { kind: 'fineTune'; model: string }
  | { kind: 'file'; file: string; model: string };

export interface FiltersSource {
  readonly architecture: Architecture;
  readonly origin: FiltersOrigin;
  /** The weights with these indices (in `getWeights()` order), on the CPU. */
  read(only: readonly number[]): Promise<Float32Array[]>;
}

interface Palette {
  /** 2·STEPS + 1 colours from −1 (blue) through 0 (the background) to +1 (red), as CSS and as RGBA pixels. */
  steps: string[];
  pixels: Uint32Array;
  /** The frame of each k×k grid, as a pixel. */
  grid: number;
  focus: string;
  hover: string;
}

/** [r, g, b] and an alpha (0–255) as one ImageData pixel (RGBA bytes, little-endian). */
const pixel = ([r, g, b]: readonly number[], a = 255) => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;

let probe: CanvasRenderingContext2D | null = null;
/** Any CSS colour as [r, g, b] (0–255), through a canvas's own parser. */
function rgb(color: string, fallback: string): [number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return [128, 128, 128];
  probe.fillStyle = fallback;
  probe.fillStyle = color || fallback;
  const s = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i], 16)) as [number, number, number];
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

/** The theme's diverging scale: the chart red and blue mixed toward the editor background by |value|. */
function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const v = (name: string) => style.getPropertyValue(name).trim();
  const background = rgb(v('--vscode-editor-background'), '#ffffff');
  const red = rgb(v('--vscode-charts-red'), '#e51400');
  const blue = rgb(v('--vscode-charts-blue'), '#1a85ff');
  const mix = (to: number[], t: number) => background.map((b, i) => Math.round(b + (to[i] - b) * t));
  const steps: string[] = [];
  const pixels = new Uint32Array(2 * STEPS + 1);
  for (let i = -STEPS; i <= STEPS; i++) {
    const c = mix(i < 0 ? blue : red, Math.abs(i) / STEPS);
    steps.push(`rgb(${c.join(', ')})`);
    pixels[i + STEPS] = pixel(c);
  }
  const foreground = v('--vscode-foreground') || '#616161';
  return {
    steps,
    pixels,
    grid: pixel(rgb(foreground, '#616161'), 64),
    focus: v('--vscode-focusBorder') || '#007fd4',
    hover: foreground,
  };
}

/** One Conv2D layer: its heading, legend, canvas and the written-out weight. */
class LayerPanel {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly legend: HTMLCanvasElement;
  private readonly legendMin: HTMLElement;
  private readonly legendMax: HTMLElement;
  private readonly legendBox: HTMLElement;
  private readonly geometry: Geometry;
  private values?: Float32Array;
  private image?: ImageData;
  /** A layer with many channels draws small cells: the kernel under the pointer or cursor, drawn big. */
  private readonly lens?: HTMLCanvasElement;
  private scale = 1;
  private cursor: Cell = { f: 0, c: 0, y: 0, x: 0 };
  private hover?: Cell;
  private focused = false;

  constructor(
    readonly kernels: ConvKernels,
    private readonly t: InsideTranslate,
    private palette: Palette,
  ) {
    const k = kernels;
    const n = k.layer + 1;
    this.geometry = layerGeometry(k, MAX_WIDTH);
    const g = this.geometry;
    this.canvas = el('canvas', {
      class: 'filters-canvas',
      tabindex: '0',
      role: 'img',
      'aria-label': t('filtersCanvas', n),
      'data-cell': String(g.cell),
    });
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.ceil(g.width * dpr);
    this.canvas.height = Math.ceil(g.height * dpr);
    this.canvas.style.width = `${g.width}px`;
    this.canvas.style.height = `${g.height}px`;
    const readoutId = `filters-readout-${n}`;
    this.readout = el('div', { class: 'filters-readout', id: readoutId, 'aria-live': 'polite' });
    this.canvas.setAttribute('aria-describedby', readoutId);
    this.legend = el('canvas', {
      class: 'filters-legend-bar',
      width: '128',
      height: '1',
      'aria-hidden': 'true',
    });
    this.legendMin = el('span', { class: 'filters-legend-min' });
    this.legendMax = el('span', { class: 'filters-legend-max' });
    this.legendBox = el(
      'div',
      { class: 'filters-legend', role: 'img' },
      this.legendMin,
      this.legend,
      this.legendMax,
    );
    this.element = el(
      'section',
      { class: 'filters-layer', 'data-layer': String(k.layer) },
      el('h3', {}, t('filtersLayer', n, k.filters, k.size, k.channels)),
      el(
        'p',
        { class: 'filters-layer-hint' },
        k.channels === 1 ? t('filtersFirstLayer') : t('filtersDeepLayer', k.channels),
      ),
      this.legendBox,
      el('div', { class: 'filters-scroll' }, this.canvas),
    );
    if (k.channels > 1) {
      this.lens = el('canvas', { class: 'filters-lens', 'aria-hidden': 'true' });
      this.lens.width = this.lens.height = Math.ceil(k.size * LENS_CELL * dpr);
      this.lens.style.width = this.lens.style.height = `${k.size * LENS_CELL}px`;
    }
    this.element.append(el('div', { class: 'filters-detail' }, this.lens ?? '', this.readout));
    this.canvas.addEventListener('mousemove', (e) => {
      const r = this.canvas.getBoundingClientRect();
      this.hover = cellAt(k, g, e.clientX - r.left, e.clientY - r.top);
      this.canvas.title = this.hover ? this.describe(this.hover) : '';
      this.showReadout();
      this.draw();
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.hover = undefined;
      this.showReadout();
      this.draw();
    });
    this.canvas.addEventListener('focus', () => {
      this.focused = true;
      this.showReadout();
      this.draw();
    });
    this.canvas.addEventListener('blur', () => {
      this.focused = false;
      this.showReadout();
      this.draw();
    });
    this.canvas.addEventListener('keydown', (e) => {
      const next = moveCell(k, this.cursor, e.key);
      if (!next) return;
      e.preventDefault();
      this.cursor = next;
      this.showReadout();
      this.draw();
    });
    this.drawLegend();
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.drawLegend();
    this.image = undefined; // the frames take the new colours too
    this.paint();
    this.draw();
  }

  setValues(values: Float32Array): void {
    this.values = values;
    this.scale = layerScale(values);
    const s = formatWeight(this.scale);
    this.legendMin.textContent = `−${s}`;
    this.legendMax.textContent = `+${s}`;
    this.legendBox.setAttribute('aria-label', this.t('filtersScale', this.kernels.layer + 1, s));
    this.element.dataset.scale = String(this.scale);
    this.showReadout();
    this.paint();
    this.draw();
  }

  private describe(cell: Cell): string {
    const v = this.values?.[hwioIndex(this.kernels, cell)];
    return this.t(
      'filtersCell',
      cell.f + 1,
      cell.c + 1,
      cell.y + 1,
      cell.x + 1,
      v === undefined ? '—' : formatWeight(v),
    );
  }

  /** The weight under the pointer, else the keyboard's cursor while the canvas has focus. */
  private showReadout(): void {
    const cell = this.hover ?? (this.focused ? this.cursor : undefined);
    this.readout.textContent = cell ? this.describe(cell) : '';
  }

  private drawLegend(): void {
    const ctx = this.legend.getContext('2d');
    if (!ctx) return;
    const steps = this.palette.steps;
    for (let i = 0; i < this.legend.width; i++) {
      ctx.fillStyle = steps[Math.round((i / (this.legend.width - 1)) * (steps.length - 1))];
      ctx.fillRect(i, 0, 1, 1);
    }
  }

  /**
   * Paints the weights into pixels (one typed-array fill per cell row: a 64 × 32 layer's 18,432 weights in a
   * few milliseconds, where as many fillRect calls take tens), kept for redraws on hover and focus.
   */
  private paint(): void {
    const k = this.kernels;
    const g = this.geometry;
    const w = this.canvas.width;
    const dpr = w / g.width;
    // The layout never changes: the gaps stay clear, and each grid's frame (the lines between its cells) is
    // painted once per palette; after that only the cells are. Short spans are written by hand, which is
    // faster than as many TypedArray fill calls.
    const frames = !this.image;
    this.image ??= new ImageData(w, this.canvas.height);
    const px = new Uint32Array(this.image.data.buffer);
    const fill = (left: number, top: number, size: number, colour: number) => {
      const x0 = Math.round(left * dpr);
      const x1 = Math.round((left + size) * dpr);
      for (let y = Math.round(top * dpr), y1 = Math.round((top + size) * dpr); y < y1; y++)
        for (let i = y * w + x0, end = y * w + x1; i < end; i++) px[i] = colour;
    };
    const { size: n, channels, filters } = k;
    const side = n * g.cell;
    const inset = g.cell >= 6 ? 1 : 0;
    const cell = g.cell - inset;
    const steps = this.palette.pixels;
    const values = this.values;
    const scale = this.scale;
    for (let f = 0; f < filters; f++) {
      const blockLeft = (f % g.columns) * (g.blockWidth + g.blockGap);
      const blockTop = Math.floor(f / g.columns) * (g.blockHeight + g.blockGap);
      for (let c = 0; c < channels; c++) {
        const left = blockLeft + c * (side + g.channelGap);
        if (frames || !values) fill(left, blockTop, side, this.palette.grid);
        if (!values) continue;
        for (let y = 0; y < n; y++) {
          for (let x = 0; x < n; x++) {
            const v = values[((y * n + x) * channels + c) * filters + f] / scale;
            const i = Math.round(Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0)) * STEPS) + STEPS;
            fill(left + x * g.cell + inset, blockTop + y * g.cell + inset, cell, steps[i]);
          }
        }
      }
    }
  }

  /** The kernel (filter × channel) under the pointer, else under the cursor, in big cells. */
  private drawLens(): void {
    const ctx = this.lens?.getContext('2d');
    if (!ctx || !this.lens) return;
    const k = this.kernels;
    const at = this.hover ?? this.cursor;
    const dpr = this.lens.width / (k.size * LENS_CELL);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, k.size * LENS_CELL, k.size * LENS_CELL);
    const steps = this.palette.steps;
    for (let y = 0; y < k.size; y++) {
      for (let x = 0; x < k.size; x++) {
        const v = this.values ? this.values[hwioIndex(k, { ...at, y, x })] / this.scale : 0;
        ctx.fillStyle =
          steps[Math.round(Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0)) * STEPS) + STEPS];
        ctx.fillRect(x * LENS_CELL + 1, y * LENS_CELL + 1, LENS_CELL - 1, LENS_CELL - 1);
      }
    }
    if (this.hover || this.focused) {
      ctx.strokeStyle = this.hover ? this.palette.hover : this.palette.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(at.x * LENS_CELL + 2, at.y * LENS_CELL + 2, LENS_CELL - 3, LENS_CELL - 3);
    }
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    if (!this.image) this.paint();
    ctx.putImageData(this.image!, 0, 0);
    const k = this.kernels;
    const g = this.geometry;
    const dpr = this.canvas.width / g.width;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const inset = g.cell >= 6 ? 1 : 0;
    const ring = (cell: Cell, colour: string, width: number) => {
      const o = cellOrigin(k, g, cell);
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.strokeRect(o.left + width / 2, o.top + width / 2, g.cell - width + inset, g.cell - width + inset);
    };
    if (this.focused) ring(this.cursor, this.palette.focus, 2);
    if (this.hover) ring(this.hover, this.palette.hover, 1);
    this.drawLens();
  }
}

export class FiltersView {
  readonly element: HTMLDetailsElement;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;
  /** Which model the kernels are of. */
  private readonly originLine: HTMLElement;
  private source?: FiltersSource;
  private layers: LayerPanel[] = [];
  private architecture?: Architecture;
  private live = false;
  /** The weights shown are older than the source's (a new source, the view reopened, the run ended). */
  private stale = false;
  private reading = false;
  private timer?: ReturnType<typeof setTimeout>;
  private lastRead = -Infinity;
  private onScreen = false;
  private palette: Palette;
  /** Reads done, and the page's time spent drawing them (for tests and the bench: data-reads, data-draw-ms). */
  reads = 0;
  drawMs = 0;
  private lastDrawMs = 0;

  /** Whether the learner has opened the view in this page (the walkthrough step hears it once). */
  private opened = false;

  /** `onOpened`: told the first time the learner opens the view (the host ticks the "look inside" step). */
  constructor(
    private readonly t: InsideTranslate,
    private readonly onOpened?: () => void,
  ) {
    this.message = el('p', { class: 'filters-message' }, t('filtersNoModel'));
    this.body = el('div', { class: 'filters-layers' });
    this.originLine = el('p', { class: 'filters-model', id: 'filters-model', hidden: '' });
    this.element = el(
      'details',
      { class: 'inside-filters', id: 'inside-filters', 'data-reads': '0' },
      el('summary', {}, el('h2', {}, t('filtersTitle'))),
      el('p', { class: 'filters-hint' }, t('filtersHint')),
      this.originLine,
      this.message,
      this.body,
    );
    this.palette = readPalette();
    this.element.addEventListener('toggle', () => {
      if (this.element.open) {
        this.stale = true;
        if (!this.opened) {
          this.opened = true;
          this.onOpened?.();
        }
      }
      this.pump();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.stale = true;
      this.pump();
    });
    if (typeof IntersectionObserver === 'function') {
      new IntersectionObserver((entries) => {
        this.onScreen = entries[entries.length - 1].isIntersecting;
        this.pump();
      }).observe(this.element);
    } else this.onScreen = true;
    // VS Code swaps the theme's class on <body>: the colours follow.
    new MutationObserver(() => {
      this.palette = readPalette();
      for (const l of this.layers) l.setPalette(this.palette);
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** Opens the view and scrolls it into sight (the walkthrough's link to it). */
  reveal(): void {
    this.element.open = true;
    this.element.scrollIntoView({ block: 'start' });
  }

  /**
   * What to show: the run's trainer (`live` while it trains), a finished model, or one loaded from files;
   * undefined: nothing yet.
   */
  show(source: FiltersSource | undefined, live: boolean): void {
    this.source = source;
    this.live = live && source !== undefined;
    this.stale = true;
    this.showOrigin();
    const arch = source?.architecture;
    if (arch !== this.architecture) {
      this.architecture = arch;
      const kernels = arch ? convKernelsOf(arch) : [];
      this.layers = kernels.map((k) => new LayerPanel(k, this.t, this.palette));
      this.body.replaceChildren(...this.layers.map((l) => l.element));
      this.message.textContent = !arch
        ? this.t('filtersNoModel')
        : kernels.length
          ? ''
          : this.t('filtersNoConv');
      this.message.hidden = this.message.textContent === '';
    }
    this.pump();
  }

  /** Training started or ended: reads go on a few times a second, or stop after one last read. */
  setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live && this.source !== undefined;
    this.stale = true;
    this.showOrigin();
    this.pump();
  }

  /** The line that says which model the kernels are of. */
  private showOrigin(): void {
    const o = this.source?.origin;
    this.originLine.hidden = o === undefined;
    this.originLine.textContent = !o
      ? ''
      : o.kind === 'file'
        ? this.t('filtersShowsFile', o.file, o.model)
        : o.kind === 'fineTune'
          ? this.t('filtersShowsFineTune', o.model)
          : this.live
            ? this.t('filtersShowsTraining', o.model)
            : this.t('filtersShowsRun', o.model);
  }

  /** Whether the learner can see the view now. */
  private get visible(): boolean {
    return this.element.open && this.onScreen && document.visibilityState !== 'hidden';
  }

  /** Schedules the next read when one is due: live and visible, or visible with older weights than the source's. */
  private pump(): void {
    if (this.reading || this.timer !== undefined) return;
    if (!this.source || this.layers.length === 0 || !this.visible || !(this.live || this.stale)) return;
    // At most every FILTER_READ_EVERY_MS, and less often where drawing would take over 5 % of the page's time.
    const every = Math.max(FILTER_READ_EVERY_MS, this.lastDrawMs * 20);
    const wait = Math.max(0, this.lastRead + every - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, wait);
  }

  private async read(): Promise<void> {
    const source = this.source;
    if (!source || !this.visible) return;
    this.reading = true;
    this.stale = false;
    this.lastRead = performance.now();
    const layers = this.layers;
    try {
      const arrays = await source.read(layers.map((l) => l.kernels.weight));
      if (source === this.source && layers === this.layers) {
        const t = performance.now();
        arrays.forEach((a, i) => layers[i].setValues(a));
        this.lastDrawMs = performance.now() - t;
        this.drawMs += this.lastDrawMs;
        this.reads++;
        this.element.dataset.reads = String(this.reads);
        this.element.dataset.drawMs = this.drawMs.toFixed(1);
        if (this.message.dataset.kind === 'error') this.message.hidden = true;
      }
    } catch (e) {
      // A trainer disposed under a read (a new run, a lost context): the next source's read replaces it.
      if (source === this.source && !this.live) {
        this.message.textContent = this.t('filtersReadFailed', (e as Error).message ?? String(e));
        this.message.dataset.kind = 'error';
        this.message.hidden = false;
      }
    } finally {
      this.reading = false;
      this.pump();
    }
  }
}
