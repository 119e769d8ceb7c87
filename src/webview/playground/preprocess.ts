/**
 * Turns a drawing into the input MNIST's digits were: the ink's bounding box scaled (aspect kept) into a
 * 20x20 box with area averaging (so edges get grey, anti-aliased values, as MNIST's did), then placed in a
 * 28x28 field so that its centre of mass falls on the centre. MNIST moved its digits by whole pixels: the
 * centre of mass of its test images lies within half a pixel of (14, 14) in pixel-index coordinates, so a
 * whole-pixel shift that rounds to it reproduces their placement. Output: float32 in [0, 1] (pixels / 255).
 * Pure: no DOM, so it runs in unit tests as it does in the page.
 */
import { IMAGE_PIXELS, IMAGE_SIZE } from '../../shared/model';

/** The model's input: the model description's image size. */
export const MNIST_SIZE = IMAGE_SIZE;
export const MNIST_PIXELS = IMAGE_PIXELS;
/** The box the ink's longer side is scaled to. */
export const DIGIT_BOX = 20;
/** Where MNIST's centre of mass sits, in pixel-index coordinates (pixel i spans [i, i+1)): the middle. */
export const CENTRE = IMAGE_SIZE / 2;

/** Ink coverage per pixel, 0 (none) to 255 (full), row-major. */
export interface InkBitmap {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Preprocessed {
  /** 784 values in [0, 1], row-major 28x28: the model's input. */
  readonly input: Float32Array;
  /** The ink's bounding box in the source bitmap. */
  readonly bbox: Rect;
  /** Centre of mass of the scaled digit in the 28x28 field, after the shift (pixel-index coordinates). */
  readonly centreOfMass: { x: number; y: number };
}

/** The alpha channel (ink coverage) of RGBA pixels, e.g. `ImageData.data` from a canvas drawn in one colour. */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): InkBitmap {
  if (rgba.length !== width * height * 4) {
    throw new Error(`expected ${width * height * 4} RGBA values for ${width}x${height}, got ${rgba.length}`);
  }
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3];
  return { width, height, data };
}

/** The bounding box of pixels above `threshold`, or undefined when there is no ink. */
export function inkBounds(ink: InkBitmap, threshold = 0): Rect | undefined {
  const { width, height, data } = ink;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Source-pixel weights for area-averaging `length` source pixels into `cells` output pixels of `1/scale`
 * source pixels each: output j covers source [j/scale, (j+1)/scale), clipped to the source's end, so the last
 * cell is partly empty (grey) when the length does not divide evenly.
 */
function areaWeights(length: number, scale: number, cells: number): { index: number[]; weight: number[] }[] {
  const out: { index: number[]; weight: number[] }[] = [];
  for (let j = 0; j < cells; j++) {
    const a = j / scale;
    const b = Math.min((j + 1) / scale, length);
    const index: number[] = [];
    const weight: number[] = [];
    for (let i = Math.floor(a); i < b; i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 1e-9) {
        index.push(i);
        weight.push(overlap * scale);
      }
    }
    out.push({ index, weight });
  }
  return out;
}

/** The MNIST-style 28x28 input for a drawing, or undefined for a blank one. */
export function preprocessDigit(
  ink: InkBitmap,
  options: { threshold?: number } = {},
): Preprocessed | undefined {
  if (ink.data.length !== ink.width * ink.height) {
    throw new Error(`an ${ink.width}x${ink.height} bitmap needs ${ink.width * ink.height} values`);
  }
  const bbox = inkBounds(ink, options.threshold ?? 0);
  if (!bbox) return undefined;
  const scale = DIGIT_BOX / Math.max(bbox.width, bbox.height);
  // 1e-9: 200 source pixels at scale 0.1 make 20 cells, not 21 from rounding.
  const cellsX = Math.min(DIGIT_BOX, Math.ceil(bbox.width * scale - 1e-9));
  const cellsY = Math.min(DIGIT_BOX, Math.ceil(bbox.height * scale - 1e-9));
  const colWeights = areaWeights(bbox.width, scale, cellsX);
  const rowWeights = areaWeights(bbox.height, scale, cellsY);

  // Separable area average: rows of the box first, then columns.
  const rows = new Float64Array(bbox.height * cellsX);
  for (let y = 0; y < bbox.height; y++) {
    const src = (bbox.y + y) * ink.width + bbox.x;
    for (let j = 0; j < cellsX; j++) {
      const { index, weight } = colWeights[j];
      let sum = 0;
      for (let k = 0; k < index.length; k++) sum += ink.data[src + index[k]] * weight[k];
      rows[y * cellsX + j] = sum;
    }
  }
  const box = new Float64Array(cellsY * cellsX);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < cellsY; i++) {
    const { index, weight } = rowWeights[i];
    for (let j = 0; j < cellsX; j++) {
      let sum = 0;
      for (let k = 0; k < index.length; k++) sum += rows[index[k] * cellsX + j] * weight[k];
      const v = Math.min(1, sum / 255);
      box[i * cellsX + j] = v;
      mass += v;
      mx += v * j;
      my += v * i;
    }
  }
  if (mass === 0) return undefined;
  const shiftX = Math.round(CENTRE - mx / mass);
  const shiftY = Math.round(CENTRE - my / mass);
  const input = new Float32Array(MNIST_PIXELS);
  for (let i = 0; i < cellsY; i++) {
    const y = i + shiftY;
    if (y < 0 || y >= MNIST_SIZE) continue;
    for (let j = 0; j < cellsX; j++) {
      const x = j + shiftX;
      if (x >= 0 && x < MNIST_SIZE) input[y * MNIST_SIZE + x] = box[i * cellsX + j];
    }
  }
  return { input, bbox, centreOfMass: { x: mx / mass + shiftX, y: my / mass + shiftY } };
}
