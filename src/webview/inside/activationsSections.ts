/**
 * The activations view's sections, built once per model: one per layer (the input first) with its heading in
 * the UI language and what the view paints into: a map grid (a canvas, its pixels and a receptive-field outline
 * per map) for the input, Conv2D and MaxPooling2D layers, bars for hidden Dense layers, the ten probabilities
 * for the softmax, words alone for Dropout and Flatten.
 */
import { sizeOf, type LayerInfo } from '../../shared/architecture';
import type { InsideTranslate } from '../../shared/l10n/inside';
import { IMAGE_SIZE } from '../../shared/model';
import { el } from '../common/dom';

/** One map of an image-shaped layer: its canvas, its pixels, the outline of a receptive field on it. */
export interface MapView {
  readonly box: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly image: ImageData;
  readonly field: HTMLElement;
}

export interface Section {
  /** -1 for the input image. */
  readonly layer: number;
  readonly element: HTMLElement;
  readonly name: string;
  /** "1. Conv2D": what the arithmetic's title calls the layer. */
  readonly short: string;
  readonly shape: readonly number[];
  readonly maps?: MapView[];
  readonly scale?: HTMLElement;
  readonly bars?: { canvas: HTMLCanvasElement; largest: HTMLElement };
  readonly probabilities?: { fill: HTMLElement; value: HTMLElement }[];
}

/** Pixels per map cell on screen: large enough to point at one cell. */
const cellPixels = (side: number) => Math.max(3, Math.ceil(60 / side));

/** The input's section, then one per layer. */
export function buildSections(layers: readonly LayerInfo[], t: InsideTranslate): Section[] {
  const sections: Section[] = [mapsSection(layers, t, -1, [IMAGE_SIZE, IMAGE_SIZE, 1])];
  layers.forEach((info, i) => {
    const kind = info.layer.kind;
    if (kind === 'conv2d' || kind === 'maxPooling2d') sections.push(mapsSection(layers, t, i, info.output));
    else if (kind === 'dense' && info.layer.activation === 'softmax')
      sections.push(outputSection(layers, t, i));
    else if (kind === 'dense') sections.push(barsSection(layers, t, i));
    else sections.push(textSection(layers, t, i));
  });
  return sections;
}

function layerName(layers: readonly LayerInfo[], t: InsideTranslate, index: number): string {
  if (index < 0) return t('inputLayer');
  const info = layers[index];
  const l = info.layer;
  const shape = info.output.join('×');
  switch (l.kind) {
    case 'conv2d':
      return t(
        'convLayer',
        l.filters,
        l.kernelSize,
        l.padding,
        l.activation === 'relu' ? 'ReLU' : 'linear',
        shape,
      );
    case 'maxPooling2d':
      return t('poolLayer', shape);
    case 'dropout':
      return t('dropoutLayer', l.rate, shape);
    case 'flatten':
      return t('flattenLayer', sizeOf(info.output).toLocaleString('en-US'));
    case 'dense':
      return l.activation === 'softmax'
        ? t('outputLayer')
        : t('denseLayer', l.units, l.activation === 'relu' ? 'ReLU' : 'linear');
  }
}

function header(layer: number, name: string): HTMLElement {
  return el('h4', {}, layer < 0 ? name : `${layer + 1}. ${name}`);
}

function shortName(layers: readonly LayerInfo[], layer: number): string {
  const kind = layers[layer]?.layer.kind;
  return kind === 'conv2d' ? `${layer + 1}. Conv2D` : `${layer + 1}. MaxPooling2D`;
}

function mapsSection(
  layers: readonly LayerInfo[],
  t: InsideTranslate,
  layer: number,
  shape: readonly number[],
): Section {
  const [H, W, C] = shape;
  const name = layerName(layers, t, layer);
  // The input larger than the maps: receptive fields are outlined on it.
  const px = layer < 0 ? 5 : cellPixels(W);
  const grid = el('div', 'inside-maps');
  const maps: MapView[] = [];
  for (let c = 0; c < C; c++) {
    const canvas = el('canvas', { width: String(W), height: String(H) });
    canvas.style.width = `${W * px}px`;
    canvas.style.height = `${H * px}px`;
    const field = el('div', { class: 'inside-field', hidden: '' });
    const box = el(
      'div',
      {
        class: 'inside-map',
        'data-layer': String(layer),
        'data-channel': String(c),
        role: 'img',
        'aria-label': `${t('mapLabel', layer < 0 ? name : `${layer + 1}`, c + 1, C, H, W)}`,
      },
      canvas,
      field,
    );
    maps.push({ box, canvas, image: new ImageData(W, H), field });
    grid.append(box);
  }
  const scale = el('span', 'inside-scale');
  const element = el(
    'section',
    { class: 'inside-layer', 'data-layer': String(layer), 'data-kind': layer < 0 ? 'input' : 'maps' },
    header(layer, name),
    scale,
    grid,
  );
  return { layer, element, name, short: layer < 0 ? name : shortName(layers, layer), shape, maps, scale };
}

function barsSection(layers: readonly LayerInfo[], t: InsideTranslate, layer: number): Section {
  const units = layers[layer].output[0];
  const name = layerName(layers, t, layer);
  const bar = Math.max(1, Math.floor(512 / units));
  const canvas = el('canvas', {
    class: 'inside-bars',
    width: String(units * bar),
    height: '48',
    role: 'img',
  });
  const largest = el('span', 'inside-scale');
  const element = el(
    'section',
    { class: 'inside-layer', 'data-layer': String(layer), 'data-kind': 'dense' },
    header(layer, name),
    canvas,
    largest,
  );
  canvas.setAttribute('aria-label', name);
  return { layer, element, name, short: name, shape: [units], bars: { canvas, largest } };
}

function outputSection(layers: readonly LayerInfo[], t: InsideTranslate, layer: number): Section {
  const name = layerName(layers, t, layer);
  const list = el('ol', { class: 'playground-bars inside-softmax', 'aria-label': name });
  const probabilities = [];
  for (let d = 0; d < 10; d++) {
    const fill = el('div', { class: 'fill' });
    const value = el('span', { class: 'value' }, '—');
    list.append(
      el(
        'li',
        { 'data-digit': String(d) },
        el('span', { class: 'digit' }, String(d)),
        el('div', { class: 'track' }, fill),
        value,
      ),
    );
    probabilities.push({ fill, value });
  }
  const element = el(
    'section',
    { class: 'inside-layer', 'data-layer': String(layer), 'data-kind': 'softmax' },
    header(layer, name),
    list,
  );
  return { layer, element, name, short: name, shape: [10], probabilities };
}

function textSection(layers: readonly LayerInfo[], t: InsideTranslate, layer: number): Section {
  const name = layerName(layers, t, layer);
  const kind = layers[layer].layer.kind;
  const element = el(
    'section',
    { class: 'inside-layer', 'data-layer': String(layer), 'data-kind': kind },
    header(layer, name),
  );
  return { layer, element, name, short: name, shape: layers[layer].output };
}
