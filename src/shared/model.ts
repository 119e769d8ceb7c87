/**
 * The model description: what the network is, written once. The tfjs model, the CPU engine, the playground's
 * forward pass, the exporters and the Keras/PyTorch code generators all read it, so that "the article's model"
 * and (in the model lab) any model the learner builds mean the same thing on every side.
 *
 * An architecture is a list of layers between a fixed input (28×28×1 MNIST images, pixels / 255) and a fixed
 * output (Dense(10, softmax)); the output layer is part of the list, as Keras's `model.summary()` shows it.
 * Shapes are Keras's: images are HWC (channels last), conv kernels HWIO, dense kernels [in, out].
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

// ---- shapes ---------------------------------------------------------------------------------------------

/** An activation's shape without the batch axis: [height, width, channels] before Flatten, [features] after. */
export type Shape = readonly number[];

/** The input of every architecture: one HWC image. */
export const INPUT_SHAPE: Shape = Object.freeze([IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS]);

/** One layer's output shape and the shapes of its weights (kernel, then bias), in Keras's order. */
export interface LayerShapes {
  layer: Layer;
  output: Shape;
  weights: Shape[];
}

/** Each layer's output and weight shapes, from the input through the list; throws on a list that cannot run. */
export function layerShapes(architecture: Architecture): LayerShapes[] {
  let shape: Shape = INPUT_SHAPE;
  return architecture.layers.map((layer): LayerShapes => {
    const image = shape.length === 3;
    switch (layer.kind) {
      case 'conv2d': {
        if (!image) throw new Error('a Conv2D layer needs an image (put it before Flatten)');
        const [h, w, c] = shape;
        const shrink = layer.padding === 'valid' ? layer.kernelSize - 1 : 0;
        if (h - shrink < 1)
          throw new Error(`a ${layer.kernelSize}×${layer.kernelSize} kernel does not fit ${h}×${w}`);
        shape = [h - shrink, w - shrink, layer.filters];
        const kernel = [layer.kernelSize, layer.kernelSize, c, layer.filters];
        return { layer, output: shape, weights: [kernel, [layer.filters]] };
      }
      case 'maxPooling2d': {
        if (!image) throw new Error('a MaxPooling2D layer needs an image (put it before Flatten)');
        const [h, w, c] = shape;
        if (h < layer.poolSize)
          throw new Error(`a ${layer.poolSize}×${layer.poolSize} pool does not fit ${h}×${w}`);
        shape = [Math.floor(h / layer.poolSize), Math.floor(w / layer.poolSize), c];
        return { layer, output: shape, weights: [] };
      }
      case 'dropout':
        return { layer, output: shape, weights: [] };
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        return { layer, output: shape, weights: [] };
      case 'dense': {
        if (image) throw new Error('a Dense layer needs features (put Flatten before it)');
        const inputs = shape[0];
        shape = [layer.units];
        return { layer, output: shape, weights: [[inputs, layer.units], [layer.units]] };
      }
    }
  });
}

/** Every weight's shape in Keras's `get_weights()` order (tfjs's `getWeights()` too). */
export function weightShapes(architecture: Architecture): Shape[] {
  return layerShapes(architecture).flatMap((l) => l.weights);
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** The article model's weights: conv kernel [3, 3, 1, 32] (HWIO), conv bias [32], dense kernel [5408, 10], bias [10]. */
export const ARTICLE_WEIGHT_SHAPES: readonly Shape[] = Object.freeze(weightShapes(ARTICLE_MODEL));

/**
 * What is wrong with a model's weight arrays against the shapes they must have, or undefined when nothing is:
 * one check for every side that takes weights (the engine, the playground's classifier, export and reload),
 * each of which words the problem for its reader.
 */
export type WeightProblem =
  | { kind: 'count'; expected: number; found: number }
  | { kind: 'length'; index: number; expected: number; found: number | undefined }
  | { kind: 'notFinite'; index: number; at: number };

export function findWeightProblem(
  arrays: readonly unknown[],
  shapes: readonly Shape[],
): WeightProblem | undefined {
  if (arrays.length !== shapes.length)
    return { kind: 'count', expected: shapes.length, found: arrays.length };
  for (let index = 0; index < shapes.length; index++) {
    const a = arrays[index];
    const expected = sizeOf(shapes[index]);
    if (!(a instanceof Float32Array) || a.length !== expected) {
      const found = (a as { length?: unknown } | undefined)?.length;
      return { kind: 'length', index, expected, found: typeof found === 'number' ? found : undefined };
    }
    for (let at = 0; at < a.length; at++)
      if (!Number.isFinite(a[at])) return { kind: 'notFinite', index, at };
  }
  return undefined;
}
