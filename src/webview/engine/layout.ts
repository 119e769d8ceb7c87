/**
 * The onramp CPU engine's parameter layout, and its conversion to and from the layout of the tfjs model
 * `Conv2D(32, 3x3) -> MaxPooling2D(2x2) -> Flatten -> Dense(10)`.
 *
 * Internally all parameters live in one Float32Array (so that one Adam loop and one message cover them):
 * conv kernel HWIO [3][3][1][32] as tfjs stores it, conv bias [32], the dense kernel transposed to
 * [10][5408] (so both dense passes vectorise over the 5408 features), dense bias [10], zero padding.
 */

import {
  ADAM,
  ARTICLE_MODEL_PARAMETERS,
  ARTICLE_WEIGHT_SHAPES,
  CLASSES,
  findWeightProblem,
  type WeightProblem,
} from '../../shared/model';

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
  const problem = modelWeightsProblem(w);
  if (problem?.kind === 'length') {
    const name = MODEL_WEIGHT_NAMES[problem.index];
    throw new Error(`onramp-cpu: ${name} must be a Float32Array of ${problem.expected} values`);
  }
  if (problem?.kind === 'notFinite') {
    throw new Error(`onramp-cpu: ${MODEL_WEIGHT_NAMES[problem.index]}[${problem.at}] is not a finite number`);
  }
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

/** A small, fast, seedable PRNG (mulberry32); the same seed gives the same stream everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fresh weights as Keras and tfjs initialise this model: Glorot-uniform kernels
 * (limit sqrt(6 / (fanIn + fanOut)); conv fanIn 3*3*1, fanOut 3*3*32) and zero biases.
 */
export function glorotWeights(seed: number): ModelWeights {
  const random = mulberry32(seed);
  const uniform = (n: number, fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (random() * 2 - 1) * limit;
    return a;
  };
  return {
    convKernel: uniform(288, 9, 9 * FILTERS),
    convBias: new Float32Array(FILTERS),
    denseKernel: uniform(FEATURES * CLASSES, FEATURES, CLASSES),
    denseBias: new Float32Array(CLASSES),
  };
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

/** Adam hyperparameters; defaults are tfjs's and Keras' (src/shared/model.ts). */
export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: AdamConfig = { ...ADAM };
