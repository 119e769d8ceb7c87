/**
 * How the activations view turns numbers into pixels, in the theme's colours: feature maps as small images
 * (non-negative values from the editor background to its foreground, signed ones diverging from red through
 * the background to blue), dense layers as bars. One scale per layer, so the maps of a layer compare.
 */

export type Rgb = readonly [number, number, number];

export interface Palette {
  background: Rgb;
  foreground: Rgb;
  negative: Rgb;
  positive: Rgb;
}

let probe: CanvasRenderingContext2D | undefined;

/** Any CSS colour as RGB, through a 1×1 canvas (so every syntax the theme may use works). */
function toRgb(colour: string, fallback: Rgb): Rgb {
  if (!colour) return fallback;
  probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true }) ?? undefined;
  if (!probe) return fallback;
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = colour;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

/** The theme's colours as the element sees them (VS Code sets them on the body and changes them with the theme). */
export function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  const v = (name: string) => style.getPropertyValue(name).trim();
  const foreground = toRgb(v('--vscode-editor-foreground') || style.color, [204, 204, 204]);
  return {
    background: toRgb(v('--vscode-editor-background'), [30, 30, 30]),
    foreground,
    negative: toRgb(v('--vscode-charts-red'), [241, 76, 76]),
    positive: toRgb(v('--vscode-charts-blue') || v('--vscode-focusBorder'), [55, 148, 255]),
  };
}

/** The smallest and largest of `values` (0 and 0 for none). */
export function range(values: Float32Array): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Paints channel `channel` of an H×W×C map into `image` (W×H): 0 is the background; with `min` ≥ 0 a value
 * goes to the foreground as it nears `max`, otherwise to blue (positive) or red (negative) as it nears ±extent.
 */
export function paintMap(
  image: ImageData,
  values: Float32Array,
  channel: number,
  channels: number,
  scale: { min: number; max: number },
  palette: Palette,
): void {
  const data = image.data;
  const signed = scale.min < 0;
  const extent = Math.max(Math.abs(scale.min), Math.abs(scale.max)) || 1;
  const bg = palette.background;
  for (let i = 0, n = image.width * image.height; i < n; i++) {
    const v = values[i * channels + channel];
    const t = Math.min(1, Math.abs(v) / extent);
    const to = !signed ? palette.foreground : v < 0 ? palette.negative : palette.positive;
    const o = i * 4;
    data[o] = bg[0] + (to[0] - bg[0]) * t;
    data[o + 1] = bg[1] + (to[1] - bg[1]) * t;
    data[o + 2] = bg[2] + (to[2] - bg[2]) * t;
    data[o + 3] = 255;
  }
}

/** Bars of a dense layer's units on `canvas` (one to a few pixels each); negative ones hang below the axis. */
export function paintBars(canvas: HTMLCanvasElement, values: Float32Array, palette: Palette): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const { min, max } = range(values);
  const extent = Math.max(-min, max) || 1;
  const axis = min < 0 ? height / 2 : height;
  const span = min < 0 ? height / 2 : height;
  const bar = width / values.length;
  const css = (c: Rgb) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  ctx.fillStyle = css(palette.background);
  ctx.fillRect(0, 0, width, height);
  for (let u = 0; u < values.length; u++) {
    const v = values[u];
    const h = (Math.abs(v) / extent) * span;
    ctx.fillStyle = css(v < 0 ? palette.negative : palette.foreground);
    ctx.fillRect(u * bar, v < 0 ? axis : axis - h, Math.max(1, bar - (bar > 2 ? 1 : 0)), h);
  }
}

/** A number as the view prints it: fixed decimals, no "-0". */
export function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}
