/**
 * What an architecture (./model.ts) works out to: each layer's output shape and parameter count as Keras's
 * `model.summary()` prints them, its weight shapes in Keras's `get_weights()` order, the arithmetic a training
 * sample costs, the problems that keep a stack from training (each on the layer at fault), the presets, and
 * seeded initial weights. Pure logic: the architecture editor, the CPU engine, the tfjs model and the code
 * generators all read it, so a number shown in the panel is the number every backend uses.
 */
import {
  ARTICLE_MODEL,
  type Architecture,
  IMAGE_CHANNELS,
  IMAGE_SIZE,
  type Layer,
  OUTPUT_LAYER,
} from './model';

/** The editor's range of every field (the limits); `validate` refuses values outside them. */
export const LIMITS = Object.freeze({
  filters: Object.freeze({ min: 1, max: 64 }),
  kernelSizes: Object.freeze([3, 5] as const),
  dropoutRate: Object.freeze({ min: 0, max: 0.7 }),
  units: Object.freeze({ min: 1, max: 512 }),
});

/**
 * The most trainable parameters a stack may have. Why 1,000,000: every engine worker holds four float32
 * copies of them (weights, gradients, Adam's two moments: 16 MB), two workers send each other the whole
 * gradient after every batch (4 MB per step, which at batch 32 would already dominate a step of a small
 * model), and the panel saves the weights with every epoch of the run history and in each export. Below the
 * cap the panel stays interactive; the largest plain MLP the editor allows with two hidden layers
 * (Flatten-Dense 512-Dense 512-Dense 10, 669,706 parameters) fits, while a Dense layer straight after an
 * unpooled 64-filter image (50,176 inputs) does not.
 */
export const MAX_PARAMETERS = 1_000_000;

/**
 * The most layers a stack may have (the output layer included). Far above what the presets use (7) and what
 * fits under MAX_PARAMETERS usefully; it bounds the editor's list and what a stored run may hold.
 */
export const MAX_LAYERS = 24;

/** A layer's output shape without the batch axis: [height, width, channels] for images, [n] after Flatten. */
export type Shape = readonly number[];

export interface LayerInfo {
  layer: Layer;
  /** Shape of the layer's input (the previous layer's output; the image [28, 28, 1] for the first). */
  input: Shape;
  /** Output shape, as `model.summary()` prints it (without the leading None). */
  output: Shape;
  /** Trainable parameters, as `model.summary()` counts them. */
  parameters: number;
  /** Shapes of this layer's weights in Keras's order: [kernel, bias] for Conv2D (kernel HWIO) and Dense. */
  weights: Shape[];
  /** Multiply-adds of one sample's forward pass through this layer's kernel (0 for layers without one). */
  macs: number;
}

export interface ShapeReport {
  layers: LayerInfo[];
  totalParameters: number;
  /** Every weight's shape in the order of tfjs's `model.getWeights()` (Keras's `get_weights()`). */
  weightShapes: Shape[];
  /** Whether every shape is defined (false when a layer does not fit its input; see `validate`). */
  complete: boolean;
}

export const INPUT_SHAPE: Shape = Object.freeze([IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS]);

/** How many values an array of this shape holds. */
export const sizeOf = (s: Shape): number => s.reduce((a, b) => a * b, 1);
const size = sizeOf;

/**
 * Each layer's input and output shape, parameter count and weight shapes, as Keras computes them:
 * a 'valid' convolution shrinks each side by kernelSize − 1 and 'same' keeps it (stride 1), max-pooling 2×2
 * (stride 2, 'valid') floors each side's half, Dropout keeps the shape, Flatten multiplies it out (HWC
 * order), Dense maps [n] to [units]. Conv2D has (k·k·cin + 1)·filters parameters, Dense (in + 1)·units.
 * A layer that does not fit (a Dense on an image, a too-small image) gets an empty output shape; `validate`
 * says why, and the layers after it are measured from its input as if it were absent.
 */
export function inferShapes(arch: Architecture): ShapeReport {
  const layers: LayerInfo[] = [];
  let shape: Shape = INPUT_SHAPE;
  let complete = true;
  for (const layer of arch.layers) {
    const input = shape;
    let output: Shape = [];
    let weights: Shape[] = [];
    let macs = 0;
    switch (layer.kind) {
      case 'conv2d': {
        if (input.length === 3) {
          const k = layer.kernelSize;
          const side = (n: number) => (layer.padding === 'same' ? n : n - k + 1);
          const [h, w, c] = input;
          if (side(h) >= 1 && side(w) >= 1) {
            output = [side(h), side(w), layer.filters];
            weights = [[k, k, c, layer.filters], [layer.filters]];
            macs = size(output) * k * k * c;
          }
        }
        break;
      }
      case 'maxPooling2d':
        if (input.length === 3 && input[0] >= 2 && input[1] >= 2)
          output = [Math.floor(input[0] / 2), Math.floor(input[1] / 2), input[2]];
        break;
      case 'dropout':
        output = input;
        break;
      case 'flatten':
        output = [size(input)];
        break;
      case 'dense':
        if (input.length === 1) {
          output = [layer.units];
          weights = [[input[0], layer.units], [layer.units]];
          macs = input[0] * layer.units;
        }
        break;
    }
    const fits = output.length > 0;
    if (!fits) complete = false;
    layers.push({
      layer,
      input,
      output,
      parameters: weights.reduce((s, w) => s + size(w), 0),
      weights,
      macs,
    });
    if (fits) shape = output;
  }
  return {
    layers,
    totalParameters: layers.reduce((s, l) => s + l.parameters, 0),
    weightShapes: layers.flatMap((l) => l.weights),
    complete,
  };
}

/** The article model's weights: conv kernel [3, 3, 1, 32] (HWIO), conv bias [32], dense kernel [5408, 10], bias [10]. */
export const ARTICLE_WEIGHT_SHAPES: readonly Shape[] = Object.freeze(inferShapes(ARTICLE_MODEL).weightShapes);

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

/**
 * Arithmetic of one training sample, in floating-point operations (a multiply-add counts 2). Counted: the
 * kernels' multiply-adds (convolutions and dense layers), forward once; backward twice (the weight gradient
 * and the input gradient), except for the first layer with weights, whose input gradient nobody needs.
 * Not counted: biases, activations, pooling, dropout, softmax and the optimizer step (each linear in the
 * activations or parameters, a few per cent of the total for these models).
 */
export function flopsPerSample(arch: Architecture): { forward: number; backward: number; total: number } {
  let forward = 0;
  let backward = 0;
  let first = true;
  for (const l of inferShapes(arch).layers) {
    if (l.macs === 0) continue;
    forward += 2 * l.macs;
    backward += (first ? 2 : 4) * l.macs;
    first = false;
  }
  return { forward, backward, total: forward + backward };
}

/** Why a stack cannot train; the editor turns the key and its arguments into a sentence in the UI language. */
export type ProblemKey =
  /** The architecture has no layers at all (args: none). */
  | 'empty'
  /** The last layer is not Dense(10, softmax) (args: units, activation of what is there). */
  | 'lastLayerNotOutput'
  /** Softmax on a layer before the last (args: none). */
  | 'softmaxNotLast'
  /** A field outside its range (args: field, value, min, max). */
  | 'outOfRange'
  /** A kernel size other than 3 or 5 (args: value). */
  | 'kernelSize'
  /** Padding or activation not one of the allowed names (args: field, value). */
  | 'unknownOption'
  /** Conv2D or MaxPooling2D after Flatten: there is no image left (args: none). */
  | 'imageLayerAfterFlatten'
  /** Dense on an image: it needs Flatten before it (args: height, width, channels of the image). */
  | 'denseNeedsFlatten'
  /** A 'valid' convolution whose kernel is larger than the image it gets (args: height, width, kernel). */
  | 'imageSmallerThanKernel'
  /** MaxPooling2D on an image under 2×2: after the previous pooling the image is 1×1 (args: height, width). */
  | 'imageTooSmallToPool'
  /** Total parameters over MAX_PARAMETERS; on the layer with the most (args: total, max). */
  | 'tooManyParameters';

export interface Problem {
  /** Index into `arch.layers` of the layer at fault. */
  layer: number;
  key: ProblemKey;
  args: Record<string, number | string>;
}

function integerIn(v: number, r: { min: number; max: number }) {
  return Number.isInteger(v) && v >= r.min && v <= r.max;
}

/** Every problem of the stack, in layer order; an empty list means every engine can train it. */
export function validate(arch: Architecture): Problem[] {
  const problems: Problem[] = [];
  const n = arch.layers.length;
  if (n === 0) return [{ layer: 0, key: 'empty', args: {} }];
  const add = (layer: number, key: ProblemKey, args: Problem['args'] = {}) =>
    problems.push({ layer, key, args });
  arch.layers.forEach((layer, i) => {
    switch (layer.kind) {
      case 'conv2d':
        if (!integerIn(layer.filters, LIMITS.filters))
          add(i, 'outOfRange', { field: 'filters', value: layer.filters, ...LIMITS.filters });
        if (!(LIMITS.kernelSizes as readonly number[]).includes(layer.kernelSize))
          add(i, 'kernelSize', { value: layer.kernelSize });
        if (layer.padding !== 'valid' && layer.padding !== 'same')
          add(i, 'unknownOption', { field: 'padding', value: String(layer.padding) });
        if (layer.activation !== 'relu' && layer.activation !== 'linear')
          add(i, 'unknownOption', { field: 'activation', value: String(layer.activation) });
        break;
      case 'maxPooling2d':
        if (layer.poolSize !== 2)
          add(i, 'outOfRange', { field: 'poolSize', value: layer.poolSize, min: 2, max: 2 });
        break;
      case 'dropout':
        if (!(layer.rate >= LIMITS.dropoutRate.min && layer.rate <= LIMITS.dropoutRate.max))
          add(i, 'outOfRange', { field: 'rate', value: layer.rate, ...LIMITS.dropoutRate });
        break;
      case 'flatten':
        break;
      case 'dense': {
        const last = i === n - 1;
        if (last) {
          if (layer.units !== OUTPUT_LAYER.units || layer.activation !== OUTPUT_LAYER.activation)
            add(i, 'lastLayerNotOutput', { units: layer.units, activation: layer.activation });
          break;
        }
        if (!integerIn(layer.units, LIMITS.units))
          add(i, 'outOfRange', { field: 'units', value: layer.units, ...LIMITS.units });
        if (layer.activation === 'softmax') add(i, 'softmaxNotLast');
        else if (layer.activation !== 'relu' && layer.activation !== 'linear')
          add(i, 'unknownOption', { field: 'activation', value: String(layer.activation) });
        break;
      }
    }
    if (i === n - 1 && layer.kind !== 'dense')
      add(i, 'lastLayerNotOutput', { units: 0, activation: layer.kind });
  });
  // Layers that do not fit the shape they get (inferShapes left their output empty), on the layer itself.
  const report = inferShapes(arch);
  report.layers.forEach((l, i) => {
    if (l.output.length > 0) return;
    const [h, w, c] = l.input;
    if (l.layer.kind === 'dense') add(i, 'denseNeedsFlatten', { height: h, width: w, channels: c });
    else if (l.input.length !== 3) add(i, 'imageLayerAfterFlatten');
    else if (l.layer.kind === 'conv2d')
      add(i, 'imageSmallerThanKernel', { height: h, width: w, kernel: l.layer.kernelSize });
    else add(i, 'imageTooSmallToPool', { height: h, width: w });
  });
  if (report.totalParameters > MAX_PARAMETERS) {
    let largest = 0;
    report.layers.forEach((l, i) => {
      if (l.parameters > report.layers[largest].parameters) largest = i;
    });
    add(largest, 'tooManyParameters', { total: report.totalParameters, max: MAX_PARAMETERS });
  }
  return problems.sort((a, b) => a.layer - b.layer);
}

/** Whether two architectures are the same stack (same layers, same fields). */
export function sameArchitecture(a: Architecture, b: Architecture): boolean {
  if (a.layers.length !== b.layers.length) return false;
  return a.layers.every((l, i) => {
    const m = b.layers[i] as unknown as Record<string, unknown>;
    const o = l as unknown as Record<string, unknown>;
    const keys = new Set([...Object.keys(o), ...Object.keys(m)]);
    return [...keys].every((k) => o[k] === m[k]);
  });
}

const freezeArch = (layers: Layer[]): Architecture =>
  Object.freeze({ layers: Object.freeze(layers.map((l) => Object.freeze({ ...l }))) });

/** Keras's "Simple MNIST convnet" example (keras.io/examples/vision/mnist_convnet): 34,826 parameters. */
export const SIMPLE_CONVNET: Architecture = freezeArch([
  { kind: 'conv2d', filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu' },
  { kind: 'maxPooling2d', poolSize: 2 },
  { kind: 'conv2d', filters: 64, kernelSize: 3, padding: 'valid', activation: 'relu' },
  { kind: 'maxPooling2d', poolSize: 2 },
  { kind: 'flatten' },
  { kind: 'dropout', rate: 0.5 },
  OUTPUT_LAYER,
]);

/** A plain multilayer perceptron, to show what convolution buys: 101,770 parameters. */
export const PLAIN_MLP: Architecture = freezeArch([
  { kind: 'flatten' },
  { kind: 'dense', units: 128, activation: 'relu' },
  OUTPUT_LAYER,
]);

export type PresetId = 'article' | 'simpleConvnet' | 'mlp';

/** The editor's presets, in the order it lists them. */
export const PRESETS: Readonly<Record<PresetId, Architecture>> = Object.freeze({
  article: ARTICLE_MODEL,
  simpleConvnet: SIMPLE_CONVNET,
  mlp: PLAIN_MLP,
});

/** A small, fast, seedable PRNG (mulberry32); the same seed gives the same stream on every side. */
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

/** The seed of `initialWeights`: an integer the editor's field takes (mulberry32 reads 32 bits). */
export const SEED = Object.freeze({ min: 0, max: 2 ** 31 - 1, default: 1 });

/**
 * Fresh weights as Keras initialises them, in `get_weights()` order: Glorot-uniform kernels (limit
 * sqrt(6 / (fanIn + fanOut)), conv fanIn k·k·cin and fanOut k·k·filters, dense fanIn in and fanOut units)
 * and zero biases. The values come from one mulberry32 stream of the seed, kernel after kernel, so the same
 * seed gives the same weights on every backend. Throws on an architecture whose shapes do not work out.
 */
export function initialWeights(arch: Architecture, seed: number): Float32Array[] {
  const report = inferShapes(arch);
  if (!report.complete)
    throw new Error('initialWeights: the architecture does not fit its input (validate it)');
  const random = mulberry32(seed);
  const out: Float32Array[] = [];
  for (const l of report.layers) {
    if (l.weights.length === 0) continue;
    const [kernel, bias] = l.weights;
    const receptive = kernel.length === 4 ? kernel[0] * kernel[1] : 1;
    const fanIn = receptive * kernel[kernel.length - 2];
    const fanOut = receptive * kernel[kernel.length - 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const k = new Float32Array(size(kernel));
    for (let i = 0; i < k.length; i++) k[i] = (random() * 2 - 1) * limit;
    out.push(k, new Float32Array(size(bias)));
  }
  return out;
}
