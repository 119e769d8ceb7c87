/**
 * The model description: what the network is, written once. The tfjs model, the CPU engine, the playground's
 * forward pass, the exporters and the Keras/PyTorch code generators all read it, so that "the article's model"
 * and (in the model lab) any model the learner builds mean the same thing on every side.
 *
 * An architecture is a list of layers between a fixed input (28×28×1 MNIST images, pixels / 255) and a fixed
 * output (Dense(10, softmax)); the output layer is part of the list, as Keras's `model.summary()` shows it.
 * Shapes are Keras's (images HWC, conv kernels HWIO, dense kernels [in, out]); what a list works out to (shapes,
 * parameter counts, weight shapes, problems, presets, seeded weights) is ./architecture.ts's.
 */

/** MNIST images: 28×28 pixels, one channel. */
export const IMAGE_SIZE = 28;
export const IMAGE_CHANNELS = 1;
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS;
/** The ten digits. */
export const CLASSES = 10;

export type Activation = 'relu' | 'linear';
export type Padding = 'valid' | 'same';

export interface Conv2DLayer {
  kind: 'conv2d';
  filters: number;
  /** Square kernels only: 3 (3×3) or 5 (5×5). */
  kernelSize: number;
  padding: Padding;
  activation: Activation;
}
export interface MaxPooling2DLayer {
  kind: 'maxPooling2d';
  /** 2×2, stride 2, as Keras's default. */
  poolSize: 2;
}
export interface DropoutLayer {
  kind: 'dropout';
  rate: number;
}
export interface FlattenLayer {
  kind: 'flatten';
}
export interface DenseLayer {
  kind: 'dense';
  units: number;
  activation: Activation | 'softmax';
}
export type Layer = Conv2DLayer | MaxPooling2DLayer | DropoutLayer | FlattenLayer | DenseLayer;
export type LayerKind = Layer['kind'];

export interface Architecture {
  layers: readonly Layer[];
}

/** A model with its weights, in tfjs's getWeights() order (Keras's get_weights()): what export writes. */
export interface TrainedModel {
  readonly architecture: Architecture;
  readonly weights: readonly Float32Array[];
}

/** The last layer of every architecture: ten classes, softmax. */
export const OUTPUT_LAYER: DenseLayer = Object.freeze({
  kind: 'dense',
  units: CLASSES,
  activation: 'softmax',
});

/** The article's model (the shared `G`): Conv2D(32, 3×3, relu) → MaxPooling2D(2×2) → Flatten → Dense(10, softmax). */
export const ARTICLE_MODEL: Architecture = Object.freeze({
  layers: Object.freeze([
    Object.freeze({ kind: 'conv2d', filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu' }),
    Object.freeze({ kind: 'maxPooling2d', poolSize: 2 }),
    Object.freeze({ kind: 'flatten' }),
    OUTPUT_LAYER,
  ] as Layer[]),
});

/** The article model's parameter count as Keras's summary prints it: 320 + 54,090. */
export const ARTICLE_MODEL_PARAMETERS = 54410;

/**
 * Keras's optimiser defaults, which tfjs, the CPU engine and the generated Python code all use. `learningRate`
 * is Keras's own default (`keras.optimizers.Adam()`), not the panel's: that one is in the hyperparameter
 * schema (src/shared/hyperparameters.ts).
 */
export const ADAM = Object.freeze({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
export const RMSPROP = Object.freeze({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 });
export const SGD = Object.freeze({ learningRate: 0.01 });
/** Keras clips softmax outputs to [ε, 1 − ε] before the log in sparse categorical cross-entropy. */
export const CROSS_ENTROPY_EPSILON = 1e-7;

/**
 * The learning rate of update number `step` (0-based, counted over the whole run) when it decays along a
 * half cosine from `learningRate` to 0 over `decaySteps` updates: lr · ½(1 + cos(π · step / decaySteps)).
 * The same as Keras's `CosineDecay(learningRate, decaySteps)` read at `optimizer.iterations`; steps past
 * the end stay at 0. The tfjs trainer and the engine's workers both call it, so every backend follows one curve.
 */
export function cosineDecayedRate(learningRate: number, step: number, decaySteps: number): number {
  const progress = Math.min(Math.max(step, 0), decaySteps) / decaySteps;
  return learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
}
