/**
 * The article's model's forward pass in plain TypeScript, from weights in the tfjs/Keras layout (the layout
 * the training panel's tfjs model and the onramp CPU engine both give): conv kernel [3,3,1,32] (HWIO), conv
 * bias [32], dense kernel [5408,10] over the NHWC flatten of 13x13x32, dense bias [10].
 * Drawing and evaluating need no tfjs backend: one digit takes well under a millisecond on one core, the
 * 10,000 test images a few seconds, no tensor is ever allocated (so none can leak), and it does not matter
 * which backend the trainer holds or whether it is training right now. It skips zero pixels and zero
 * activations, as MNIST is mostly background.
 */
import { inferShapes } from '../../shared/architecture';
import { ARTICLE_MODEL, CLASSES, type TrainedModel } from '../../shared/model';
import { MODEL_WEIGHT_NAMES, modelWeightsProblem, type ModelWeights } from '../engine/layout';
import { MNIST_PIXELS, MNIST_SIZE } from './preprocess';

export type { ModelWeights } from '../engine/layout';
export { CLASSES };

// The article model's shapes, from its description: conv output 26×26×32, pooled 13×13×32 = 5,408 features.
const [convShapes, poolShapes] = inferShapes(ARTICLE_MODEL).layers;
const CONV = convShapes.output[0];
const FILTERS = convShapes.output[2];
const POOL = poolShapes.output[0];
const FEATURES = POOL * POOL * FILTERS;
const KERNEL = convShapes.weights[0][0];

/** Throws a clear error unless `w` holds the article's model's weights, all finite. */
export function checkModelWeights(w: ModelWeights): void {
  const problem = modelWeightsProblem(w);
  if (problem?.kind === 'length') {
    const name = MODEL_WEIGHT_NAMES[problem.index];
    throw new Error(`${name} must hold ${problem.expected} float32 values, found ${problem.found ?? 'none'}`);
  }
  if (problem?.kind === 'notFinite') {
    throw new Error(`${MODEL_WEIGHT_NAMES[problem.index]}[${problem.at}] is not a finite number`);
  }
}

export interface Classifier {
  /** The article model's weights (what export writes); absent for another architecture (./modelClassifier.ts). */
  readonly weights?: ModelWeights;
  /** Class probabilities (softmax) for one 28x28 image of values in [0, 1]. */
  predict(input: Float32Array, out?: Float32Array): Float32Array;
  /** The same for a stored MNIST image (bytes 0–255, 784 of them from `offset`), scaled by 1/255. */
  predictBytes(images: Uint8Array, offset: number, out?: Float32Array): Float32Array;
  /**
   * The model's layers and weights in getWeights() order (what export writes for another architecture, what
   * the look-inside view computes with); read back from a tfjs model only when first asked for.
   */
  readModel?(): Promise<TrainedModel>;
  /** Frees what the classifier holds (a tfjs model), once another one replaces it. */
  dispose?(): void;
}

export function createClassifier(weights: ModelWeights): Classifier {
  checkModelWeights(weights);
  const { convKernel, convBias, denseKernel, denseBias } = weights;
  const conv = new Float32Array(CONV * CONV * FILTERS);
  const pooled = new Float32Array(FEATURES);
  const logits = new Float64Array(CLASSES);
  const scratch = new Float32Array(MNIST_PIXELS);

  function predict(input: Float32Array, out: Float32Array = new Float32Array(CLASSES)): Float32Array {
    if (input.length !== MNIST_PIXELS)
      throw new Error(`an input holds ${MNIST_PIXELS} values, not ${input.length}`);
    for (let p = 0; p < CONV * CONV; p++) conv.set(convBias, p * FILTERS);
    // Each non-zero pixel adds its share to the (up to 9) outputs whose 3x3 window covers it.
    for (let iy = 0; iy < MNIST_SIZE; iy++) {
      for (let ix = 0; ix < MNIST_SIZE; ix++) {
        const v = input[iy * MNIST_SIZE + ix];
        if (v === 0) continue;
        for (let ky = 0; ky < KERNEL; ky++) {
          const oy = iy - ky;
          if (oy < 0 || oy >= CONV) continue;
          for (let kx = 0; kx < KERNEL; kx++) {
            const ox = ix - kx;
            if (ox < 0 || ox >= CONV) continue;
            const o = (oy * CONV + ox) * FILTERS;
            const k = (ky * KERNEL + kx) * FILTERS;
            for (let f = 0; f < FILTERS; f++) conv[o + f] += v * convKernel[k + f];
          }
        }
      }
    }
    // ReLU then 2x2 max-pool (they commute: max(0, max(a..d)) = max of the ReLUs).
    for (let py = 0; py < POOL; py++) {
      for (let px = 0; px < POOL; px++) {
        const a = (2 * py * CONV + 2 * px) * FILTERS;
        const b = a + FILTERS;
        const c = a + CONV * FILTERS;
        const d = c + FILTERS;
        const o = (py * POOL + px) * FILTERS;
        for (let f = 0; f < FILTERS; f++) {
          pooled[o + f] = Math.max(0, conv[a + f], conv[b + f], conv[c + f], conv[d + f]);
        }
      }
    }
    for (let c = 0; c < CLASSES; c++) logits[c] = denseBias[c];
    for (let i = 0; i < FEATURES; i++) {
      const v = pooled[i];
      if (v === 0) continue;
      const k = i * CLASSES;
      for (let c = 0; c < CLASSES; c++) logits[c] += v * denseKernel[k + c];
    }
    let max = -Infinity;
    for (let c = 0; c < CLASSES; c++) max = Math.max(max, logits[c]);
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += logits[c] = Math.exp(logits[c] - max);
    for (let c = 0; c < CLASSES; c++) out[c] = logits[c] / sum;
    return out;
  }

  const trained: TrainedModel = {
    architecture: ARTICLE_MODEL,
    weights: [convKernel, convBias, denseKernel, denseBias],
  };
  return {
    weights,
    readModel: () => Promise.resolve(trained),
    predict,
    predictBytes(images, offset, out) {
      for (let i = 0; i < MNIST_PIXELS; i++) scratch[i] = images[offset + i] / 255;
      return predict(scratch, out);
    },
  };
}

/** Index of the largest value. */
export function argMax(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[start + i] > values[start + best]) best = i;
  return best;
}
