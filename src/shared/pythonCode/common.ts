/**
 * The Python code of an architecture (./model.ts) and the panel's hyperparameters, written once: the layer
 * lines the panel's Keras code view shows, and the files "Open as a Python project" writes (a Keras training
 * script, a PyTorch training script with the same layers, optimizer and constants, and a load_weights script
 * for each that reads the panel's weights.npz). Pure text generation: the page and the host both import it.
 *
 * Layout across the two frameworks. Keras holds images HWC, conv kernels HWIO and dense kernels [in, out];
 * PyTorch holds images CHW, conv weights OIHW and linear weights [out, in]. Keras's Flatten reads an image in
 * HWC order, PyTorch's in CHW order, so the first dense kernel after a Flatten would see its inputs permuted.
 * The PyTorch model here puts `ChannelsLast` (a permute to NHWC) right before each Flatten, so the flattened
 * vector is in Keras's order; loading weights is then a plain transpose of every array (conv HWIO → OIHW,
 * dense [in, out] → [out, in]), the same rule for every layer and every architecture, and a model trained in
 * PyTorch saves back to Keras's layout by the inverse transposes. (The other way, permuting the rows of the
 * first dense kernel when loading, needs the image shape at that Flatten in the loader and breaks as soon as
 * the architecture changes.)
 */
import { INPUT_SHAPE, inferShapes } from '../architecture';
import type { Hyperparameters, OptimizerName } from '../hyperparameters';
import type { Architecture, Layer } from '../model';

/** The images the panel trains on per epoch: it holds out the last 5,000 of 60,000 for validation. */
export const PANEL_TRAIN_SAMPLES = 55_000;

/** Python's spelling of a float as a learner would type it (0.003, 1e-05, 1.0). */
export function pythonFloat(v: number): string {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export const KERAS_OPTIMIZER_CLASSES: Readonly<Record<OptimizerName, string>> = Object.freeze({
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSprop',
});

/**
 * One layer as Keras's Sequential list writes it (`layers.Conv2D(32, (3, 3), activation="relu")`);
 * `inputShape` adds Keras 2's `input_shape=(28, 28, 1)` (the panel's code view names it on the first layer).
 */
export function kerasLayer(layer: Layer, inputShape = false): string {
  const input = inputShape ? `,\n                  input_shape=(${INPUT_SHAPE.join(', ')})` : '';
  switch (layer.kind) {
    case 'conv2d': {
      const k = layer.kernelSize;
      const padding = layer.padding === 'valid' ? '' : `, padding="${layer.padding}"`;
      return `layers.Conv2D(${layer.filters}, (${k}, ${k}), activation="${layer.activation}"${padding}${input})`;
    }
    case 'maxPooling2d':
      return `layers.MaxPooling2D((${layer.poolSize}, ${layer.poolSize})${input})`;
    case 'dropout':
      return `layers.Dropout(${pythonFloat(layer.rate)}${input})`;
    case 'flatten':
      return `layers.Flatten(${input.replace(/^,/, '')})`;
    case 'dense':
      return `layers.Dense(${layer.units}, activation="${layer.activation}"${input})`;
  }
}

/**
 * The names of the arrays in weights.npz, in `get_weights()` order: `<layer>_kernel`, `<layer>_bias` with
 * Keras's default layer names (conv2d, conv2d_1, …, dense, dense_1, …). The article's model gives
 * conv2d_kernel, conv2d_bias, dense_kernel, dense_bias, as the Keras template's load_weights.py reads them.
 */
export function npzWeightNames(arch: Architecture): string[] {
  const seen: Record<string, number> = {};
  const names: string[] = [];
  for (const layer of arch.layers) {
    if (layer.kind !== 'conv2d' && layer.kind !== 'dense') continue;
    const base = layer.kind === 'conv2d' ? 'conv2d' : 'dense';
    const n = seen[base] ?? 0;
    seen[base] = n + 1;
    const name = n === 0 ? base : `${base}_${n}`;
    names.push(`${name}_kernel`, `${name}_bias`);
  }
  return names;
}

/** One line a layer, as the docstrings list them: "Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) -> …". */
export function architectureLine(arch: Architecture): string {
  return arch.layers
    .map((l) => {
      switch (l.kind) {
        case 'conv2d':
          return `Conv2D(${l.filters}, ${l.kernelSize}x${l.kernelSize}, ${l.padding}, ${l.activation})`;
        case 'maxPooling2d':
          return 'MaxPooling2D(2x2)';
        case 'dropout':
          return `Dropout(${pythonFloat(l.rate)})`;
        case 'flatten':
          return 'Flatten';
        case 'dense':
          return `Dense(${l.units}, ${l.activation})`;
      }
    })
    .join(' -> ');
}

export class ArchitectureNotComplete extends Error {}

export function shapesOf(arch: Architecture) {
  const report = inferShapes(arch);
  if (!report.complete) throw new ArchitectureNotComplete('the architecture does not fit its input');
  return report;
}

export function docHeader(title: string, arch: Architecture, h: Hyperparameters, run: string): string {
  const parameters = shapesOf(arch).totalParameters.toLocaleString('en-US');
  return `"""${title}

Model (from AI Onramp's training panel), ${parameters} parameters:
  ${architectureLine(arch).split(' -> ').join(' ->\n  ')}
${h.optimizer === 'adam' ? 'Adam' : h.optimizer === 'sgd' ? 'SGD' : 'RMSprop'}, learning rate ${pythonFloat(h.learningRate)}${h.schedule === 'cosine' ? ' decaying along a cosine to 0' : ''}, batch size ${h.batchSize}, ${h.epochs} epochs,
pixels / 255, the last 5,000 training images held out for validation, as the panel trains it.

Run: ${run}
"""`;
}

export function namesTuple(arch: Architecture): string {
  return `(\n${npzWeightNames(arch)
    .map((n) => `    "${n}",\n`)
    .join('')})`;
}

export function shapesComment(arch: Architecture): string {
  const names = npzWeightNames(arch);
  return shapesOf(arch)
    .weightShapes.map((s, i) => `${names[i]} (${s.join(', ')}${s.length === 1 ? ',' : ''})`)
    .join(', ');
}

export const LOAD_NPZ = (arch: Architecture) => `WEIGHT_NAMES = ${namesTuple(arch)}


def load_npz_weights(path="weights.npz"):
    """The weight arrays in Keras's get_weights() order, checked against the model's names."""
    with np.load(path, allow_pickle=False) as npz:
        missing = [name for name in WEIGHT_NAMES if name not in npz.files]
        if missing or len(npz.files) != len(WEIGHT_NAMES):
            sys.exit(
                f"{path} holds {sorted(npz.files)}, this model needs {list(WEIGHT_NAMES)}: "
                "was it saved from the same architecture?"
            )
        return [npz[name] for name in WEIGHT_NAMES]`;
