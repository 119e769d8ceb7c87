/**
 * The onramp CPU engine's parameter layouts, and their conversion to and from tfjs's `getWeights()` order.
 *
 * Internally all parameters live in one Float32Array (so that one optimizer loop and one message cover them).
 * For the article's model `Conv2D(32, 3x3) -> MaxPooling2D(2x2) -> Flatten -> Dense(10)`, which its own
 * specialised kernels train: conv kernel HWIO [3][3][1][32] as tfjs stores it, conv bias [32], the dense
 * kernel transposed to [10][5408] (so both dense passes vectorise over the 5408 features), dense bias [10],
 * zero padding. For every other architecture (./layerKernels.ts): the weights in `getWeights()` order and
 * layout, one after the other (`layerLayout`).
 */
import {
  ARTICLE_WEIGHT_SHAPES,
  findWeightProblem,
  inferShapes,
  initialWeights,
  mulberry32,
  sameArchitecture,
  type WeightProblem,
} from '../../shared/architecture';
import {
  ADAM,
  ARTICLE_MODEL,
  ARTICLE_MODEL_PARAMETERS,
  type Architecture,
  CLASSES,
  IMAGE_PIXELS,
  IMAGE_SIZE,
} from '../../shared/model';

export { CLASSES, IMAGE_PIXELS, IMAGE_SIZE, mulberry32 };
export const FILTERS = 32;
export const FEATURES = 13 * 13 * FILTERS;

export const CONV_KERNEL_OFFSET = 0;
export const CONV_BIAS_OFFSET = 288;
export const DENSE_KERNEL_OFFSET = 320;
export const DENSE_BIAS_OFFSET = DENSE_KERNEL_OFFSET + FEATURES * CLASSES;
/** Length of the internal parameter array (54,410 parameters + 2 floats of padding). */
export const PARAM_FLOATS = 54412;
/** The model's trainable parameter count, as Keras' summary shows it. */
export const PARAMETER_COUNT = ARTICLE_MODEL_PARAMETERS;

/** Weights in exactly the layout of the tfjs model's `getWeights()` (and Keras' `get_weights()`). */
export interface ModelWeights {
  /** Conv2D kernel, shape [3, 3, 1, 32] (HWIO), 288 floats. */
  convKernel: Float32Array;
  /** Conv2D bias, shape [32]. */
  convBias: Float32Array;
  /** Dense kernel, shape [5408, 10] (input-major; inputs in NHWC flatten order 13x13x32). */
  denseKernel: Float32Array;
  /** Dense bias, shape [10]. */
  denseBias: Float32Array;
}

/** The arrays of ModelWeights in Keras's `get_weights()` order (ARTICLE_WEIGHT_SHAPES's). */
export const MODEL_WEIGHT_NAMES: readonly (keyof ModelWeights)[] = [
  'convKernel',
  'convBias',
  'denseKernel',
  'denseBias',
];

/** What is wrong with `w` against the article model's weight shapes (the one check, in src/shared/model.ts). */
export function modelWeightsProblem(w: ModelWeights): WeightProblem | undefined {
  return findWeightProblem(
    MODEL_WEIGHT_NAMES.map((name) => w[name]),
    ARTICLE_WEIGHT_SHAPES,
  );
}

/** Throws a clear error when a weight array has the wrong length or non-finite values. */
export function checkWeights(w: ModelWeights): void {
  throwWeightProblem(modelWeightsProblem(w), (i) => MODEL_WEIGHT_NAMES[i]);
}

/** The engine's wording of a weight problem: `name(i)` names weight number i. */
function throwWeightProblem(problem: WeightProblem | undefined, name: (index: number) => string): void {
  if (problem?.kind === 'count')
    throw new Error(
      `onramp-cpu: this architecture has ${problem.expected} weight arrays, got ${problem.found}`,
    );
  if (problem?.kind === 'length')
    throw new Error(
      `onramp-cpu: ${name(problem.index)} must be a Float32Array of ${problem.expected} values`,
    );
  if (problem?.kind === 'notFinite')
    throw new Error(`onramp-cpu: ${name(problem.index)}[${problem.at}] is not a finite number`);
}

/** Packs tfjs-layout weights into the engine's parameter array. */
export function packWeights(w: ModelWeights, out = new Float32Array(PARAM_FLOATS)): Float32Array {
  checkWeights(w);
  out.fill(0);
  out.set(w.convKernel, CONV_KERNEL_OFFSET);
  out.set(w.convBias, CONV_BIAS_OFFSET);
  for (let i = 0; i < FEATURES; i++) {
    for (let j = 0; j < CLASSES; j++)
      out[DENSE_KERNEL_OFFSET + j * FEATURES + i] = w.denseKernel[i * CLASSES + j];
  }
  out.set(w.denseBias, DENSE_BIAS_OFFSET);
  return out;
}

/** Unpacks the engine's parameter array into tfjs-layout weights (copies). */
export function unpackWeights(params: Float32Array): ModelWeights {
  const denseKernel = new Float32Array(FEATURES * CLASSES);
  for (let i = 0; i < FEATURES; i++) {
    for (let j = 0; j < CLASSES; j++)
      denseKernel[i * CLASSES + j] = params[DENSE_KERNEL_OFFSET + j * FEATURES + i];
  }
  return {
    convKernel: params.slice(CONV_KERNEL_OFFSET, CONV_KERNEL_OFFSET + 288),
    convBias: params.slice(CONV_BIAS_OFFSET, CONV_BIAS_OFFSET + FILTERS),
    denseKernel,
    denseBias: params.slice(DENSE_BIAS_OFFSET, DENSE_BIAS_OFFSET + CLASSES),
  };
}

/**
 * Fresh weights as Keras and tfjs initialise this model: Glorot-uniform kernels
 * (limit sqrt(6 / (fanIn + fanOut)); conv fanIn 3*3*1, fanOut 3*3*32) and zero biases.
 */
export function glorotWeights(seed: number): ModelWeights {
  const [convKernel, convBias, denseKernel, denseBias] = initialWeights(ARTICLE_MODEL, seed);
  return { convKernel, convBias, denseKernel, denseBias };
}

/** The sample order of one epoch: a Fisher–Yates shuffle of 0..n-1 driven by the seed. */
export function shuffledOrder(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Adam hyperparameters; defaults are tfjs's and Keras' (epsilon 1e-7, ../../shared/model.ts). */
export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: AdamConfig = { ...ADAM };

/** Whether an architecture is the article's model, which the specialised kernels and layout serve. */
export function isArticleModel(arch: Architecture): boolean {
  return sameArchitecture(arch, ARTICLE_MODEL);
}

/** Where each weight (in `getWeights()` order) starts in the parameter array of ./layerKernels.ts. */
export interface LayerLayout {
  offsets: number[];
  lengths: number[];
  /** Length of the parameter array: every weight, then zeros to a multiple of 4. */
  floats: number;
}

export function layerLayout(arch: Architecture): LayerLayout {
  const lengths = inferShapes(arch).weightShapes.map((s) => s.reduce((a, b) => a * b, 1));
  const offsets: number[] = [];
  let at = 0;
  for (const n of lengths) {
    offsets.push(at);
    at += n;
  }
  return { offsets, lengths, floats: Math.ceil(at / 4) * 4 };
}

/** Throws a clear error unless `arrays` are an architecture's weights: its shapes, finite values. */
export function checkWeightArrays(arch: Architecture, arrays: readonly Float32Array[]): void {
  if (!Array.isArray(arrays))
    throw new Error('onramp-cpu: the weights must be an array of Float32Arrays in getWeights() order');
  throwWeightProblem(findWeightProblem(arrays, inferShapes(arch).weightShapes), (i) => `weight ${i}`);
}

/** Packs weights in `getWeights()` order into the parameter array of the kernels that train `arch`. */
export function packArrays(arch: Architecture, arrays: readonly Float32Array[]): Float32Array {
  if (!isArticleModel(arch)) return packLayerArrays(arch, arrays);
  checkWeightArrays(arch, arrays);
  const [convKernel, convBias, denseKernel, denseBias] = arrays;
  return packWeights({ convKernel, convBias, denseKernel, denseBias });
}

/** The weights of a parameter array (of the kernels that train `arch`) in `getWeights()` order (copies). */
export function unpackArrays(arch: Architecture, params: Float32Array): Float32Array[] {
  if (!isArticleModel(arch)) return unpackLayerArrays(arch, params);
  const w = unpackWeights(params);
  return [w.convKernel, w.convBias, w.denseKernel, w.denseBias];
}

/**
 * Where weights `indices` (in `getWeights()` order) lie in the parameter array of the kernels that train `arch`,
 * as [offset, length] pairs, when each is stored as tfjs lays it out (every weight but the article model's
 * transposed dense kernel); undefined otherwise. Lets a reader take a few weights without copying them all.
 */
export function weightRanges(arch: Architecture, indices: readonly number[]): number[] | undefined {
  const article = isArticleModel(arch);
  const layout = article
    ? {
        offsets: [CONV_KERNEL_OFFSET, CONV_BIAS_OFFSET, -1, DENSE_BIAS_OFFSET],
        lengths: [288, FILTERS, 0, CLASSES],
      }
    : layerLayout(arch);
  const ranges: number[] = [];
  for (const i of indices) {
    if (!(i >= 0 && i < layout.offsets.length) || layout.offsets[i] < 0) return undefined;
    ranges.push(layout.offsets[i], layout.lengths[i]);
  }
  return ranges;
}

/** Packs weights into ./layerKernels.ts's layout (whatever the architecture, the article's included). */
export function packLayerArrays(arch: Architecture, arrays: readonly Float32Array[]): Float32Array {
  checkWeightArrays(arch, arrays);
  const layout = layerLayout(arch);
  const out = new Float32Array(layout.floats);
  arrays.forEach((a, w) => out.set(a, layout.offsets[w]));
  return out;
}

export function unpackLayerArrays(arch: Architecture, params: Float32Array): Float32Array[] {
  const layout = layerLayout(arch);
  return layout.offsets.map((o, w) => params.slice(o, o + layout.lengths[w]));
}

/**
 * The inverted-dropout multiplier of one sample at one Dropout layer: 0 where a value is dropped (with
 * probability `rate`), 1 / (1 − rate) where it is kept, as tfjs's dropout (`floor(u + keep) / keep`). The
 * mask follows from (seed, sample index in the batch, layer index) alone, so a batch split across workers
 * draws the same masks as one worker, and a test can rebuild the mask a training step used. The SIMD engine
 * draws the same mask from the same `dropoutStream` (./assembly/dropout.ts).
 */
export function dropoutMask(
  rate: number,
  length: number,
  seed: number,
  sample: number,
  layer: number,
  out?: Float32Array,
): Float32Array {
  const mask = out && out.length === length ? out : new Float32Array(length);
  const random = mulberry32(dropoutStream(seed, sample, layer));
  const scale = dropoutScale(rate);
  for (let i = 0; i < length; i++) mask[i] = random() >= rate ? scale : 0;
  return mask;
}

/** The mulberry32 state a dropout mask is drawn from: (seed, sample, layer) hashed. */
export function dropoutStream(seed: number, sample: number, layer: number): number {
  const h = (seed ^ Math.imul(sample + 1, 0x9e3779b1) ^ Math.imul(layer + 1, 0x85ebca6b)) >>> 0;
  return Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
}

/** What a kept value is multiplied by: 1 / (1 − rate), as an f32. */
export const dropoutScale = (rate: number) => Math.fround(1 / (1 - rate));

/**
 * The draws the SIMD engine keeps, as an i32 holding a u32: a draw r / 2^32 is >= rate exactly when the
 * integer r >= ceil(rate · 2^32).
 */
export const dropoutThreshold = (rate: number) => Math.ceil(rate * 2 ** 32) | 0;

/** The dropout seed of one training step: the same on every worker, different for every step and epoch. */
export function stepSeed(shuffleSeed: number, step: number): number {
  return (Math.imul(shuffleSeed ^ 0x5bd1e995, 0x01000193) + Math.imul(step + 1, 0x27d4eb2d)) >>> 0;
}
