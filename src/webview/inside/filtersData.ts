/**
 * What the live filter view draws, as plain numbers: which weights of an architecture are Conv2D kernels, how a
 * kernel's HWIO array is indexed, each layer's one shared scale, and where each weight sits on the layer's
 * canvas. No DOM, so the layout and indexing are the same for drawing, hovering and the keyboard.
 */
import { inferShapes } from '../../shared/architecture';
import type { Architecture } from '../../shared/model';

export interface ConvKernels {
  /** The layer's place in the stack (0-based). */
  layer: number;
  /** Its kernel's index in `getWeights()` order. */
  weight: number;
  /** The kernel's side (3 or 5), input channels and filters: the HWIO shape [size, size, channels, filters]. */
  size: number;
  channels: number;
  filters: number;
}

/** Every Conv2D layer's kernel, in stack order. */
export function convKernelsOf(arch: Architecture): ConvKernels[] {
  const out: ConvKernels[] = [];
  let weight = 0;
  inferShapes(arch).layers.forEach((info, layer) => {
    if (info.layer.kind === 'conv2d' && info.weights.length === 2) {
      const [size, , channels, filters] = info.weights[0];
      out.push({ layer, weight, size, channels, filters });
    }
    weight += info.weights.length;
  });
  return out;
}

/** One weight of a kernel: filter f, input channel c, row y, column x (all 0-based). */
export interface Cell {
  f: number;
  c: number;
  y: number;
  x: number;
}

/** Where a weight is in the HWIO array tfjs and Keras store a Conv2D kernel in. */
export function hwioIndex(k: ConvKernels, { f, c, y, x }: Cell): number {
  return ((y * k.size + x) * k.channels + c) * k.filters + f;
}

/** The layer's one scale: the largest |weight| (never 0, so an all-zero kernel still draws). */
export function layerScale(values: Float32Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m > 0 && Number.isFinite(m) ? m : 1;
}

/** A weight as the view writes it: four significant digits, no trailing zeros. */
export function formatWeight(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = String(Number(v.toPrecision(4)));
  return s === '-0' ? '0' : s.replace('-', '−');
}

/**
 * The canvas of one layer, in CSS pixels. Each filter is a block: its input channels' k×k grids side by side
 * (a first layer has one). Blocks wrap into as many columns as fit `maxWidth`. Cells are big (16 px for 3×3,
 * 12 px for 5×5) where a filter has one channel; with many channels they shrink to fit a row, down to 4 px.
 */
export interface Geometry {
  cell: number;
  /** Gap between the channels of one filter, and between filters. */
  channelGap: number;
  blockGap: number;
  blockWidth: number;
  blockHeight: number;
  columns: number;
  rows: number;
  width: number;
  height: number;
}

export function layerGeometry(k: ConvKernels, maxWidth: number): Geometry {
  const channelGap = k.channels > 1 ? 3 : 0;
  const blockGap = 8;
  const big = k.size === 3 ? 16 : 12;
  const fit = Math.floor((maxWidth - (k.channels - 1) * channelGap) / (k.channels * k.size));
  const cell = k.channels === 1 ? big : Math.max(4, Math.min(big, fit));
  const blockWidth = k.channels * k.size * cell + (k.channels - 1) * channelGap;
  const blockHeight = k.size * cell;
  const columns = Math.max(
    1,
    Math.min(k.filters, Math.floor((maxWidth + blockGap) / (blockWidth + blockGap))),
  );
  const rows = Math.ceil(k.filters / columns);
  return {
    cell,
    channelGap,
    blockGap,
    blockWidth,
    blockHeight,
    columns,
    rows,
    width: columns * blockWidth + (columns - 1) * blockGap,
    height: rows * blockHeight + (rows - 1) * blockGap,
  };
}

/** The top-left corner of a cell on the canvas (CSS pixels). */
export function cellOrigin(k: ConvKernels, g: Geometry, { f, c, y, x }: Cell): { left: number; top: number } {
  const col = f % g.columns;
  const row = Math.floor(f / g.columns);
  return {
    left: col * (g.blockWidth + g.blockGap) + c * (k.size * g.cell + g.channelGap) + x * g.cell,
    top: row * (g.blockHeight + g.blockGap) + y * g.cell,
  };
}

/** The cell under a point of the canvas (CSS pixels), if any (gaps are none). */
export function cellAt(k: ConvKernels, g: Geometry, px: number, py: number): Cell | undefined {
  const col = Math.floor(px / (g.blockWidth + g.blockGap));
  const row = Math.floor(py / (g.blockHeight + g.blockGap));
  const f = row * g.columns + col;
  if (px < 0 || py < 0 || col >= g.columns || f >= k.filters) return undefined;
  const bx = px - col * (g.blockWidth + g.blockGap);
  const by = py - row * (g.blockHeight + g.blockGap);
  if (bx >= g.blockWidth || by >= g.blockHeight) return undefined;
  const span = k.size * g.cell + g.channelGap;
  const c = Math.floor(bx / span);
  const x = Math.floor((bx - c * span) / g.cell);
  if (c >= k.channels || x >= k.size) return undefined;
  return { f, c, y: Math.floor(by / g.cell), x };
}

/**
 * The next cell from the keyboard: left and right run along a row through the channels and on to the next
 * filter, up and down through the rows and on to the next filter, Page Up and Page Down a whole filter, Home
 * and End the first and last weight. Undefined for any other key.
 */
export function moveCell(k: ConvKernels, at: Cell, key: string): Cell | undefined {
  const clampF = (f: number) => Math.max(0, Math.min(k.filters - 1, f));
  let { f, y } = at;
  const { c, x } = at;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowLeft': {
      // Along the row: through this filter's channels, then on to the next (or previous) filter.
      const last = k.channels * k.size - 1;
      let p = c * k.size + x;
      if (key === 'ArrowRight') {
        if (p < last) p++;
        else if (f < k.filters - 1) [f, p] = [f + 1, 0];
      } else if (p > 0) p--;
      else if (f > 0) [f, p] = [f - 1, last];
      return { f, c: Math.floor(p / k.size), y, x: p % k.size };
    }
    case 'ArrowDown':
      if (++y === k.size) [y, f] = f < k.filters - 1 ? [0, f + 1] : [k.size - 1, f];
      return { f, c, y, x };
    case 'ArrowUp':
      if (--y < 0) [y, f] = f > 0 ? [k.size - 1, f - 1] : [0, 0];
      return { f, c, y, x };
    case 'PageDown':
      return { f: clampF(f + 1), c, y, x };
    case 'PageUp':
      return { f: clampF(f - 1), c, y, x };
    case 'Home':
      return { f: 0, c: 0, y: 0, x: 0 };
    case 'End':
      return { f: k.filters - 1, c: k.channels - 1, y: k.size - 1, x: k.size - 1 };
    default:
      return undefined;
  }
}
