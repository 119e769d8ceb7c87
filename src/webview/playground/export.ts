/**
 * Export and reload of the trained model, for any architecture (src/shared/model.ts):
 * - TensorFlow.js format: the architecture built with tfjs, given the weights, saved through
 *   `tf.io.withSaveHandler` into `model.json` (topology + weights manifest) and `model.weights.bin`, the files
 *   `tf.io.browserDownloads` would write, so `tf.loadLayersModel('…/model.json')` reads them anywhere;
 * - `weights.npz` for NumPy/Keras/PyTorch, its arrays named as src/shared/pythonCode.ts's load_weights scripts
 *   read them (Keras's layer names in `get_weights()` order; the article's model: the keras-mnist template's);
 * - reload: `tf.loadLayersModel` over the files the host read back, its layers read back into an architecture
 *   that `validate` accepts (`loadModelFromFiles`, what Try it's "Load a saved model" takes), or checked to be the
 *   article's model (`loadWeightsFromFiles`).
 * The `ModelWeights` functions are the article's model's; the `…Model…(architecture, arrays)` ones any model's.
 */
import * as tf from '@tensorflow/tfjs';
import {
  ARTICLE_WEIGHT_SHAPES,
  findWeightProblem,
  INPUT_SHAPE,
  inferShapes,
  validate,
  type Shape,
} from '../../shared/architecture';
import { ARTICLE_MODEL, type Architecture, type Layer, type TrainedModel } from '../../shared/model';
import { npzWeightNames } from '../../shared/pythonCode';
import { declaredWeightBytes } from '../../shared/weightsManifest';
import { MODEL_WEIGHT_NAMES } from '../engine/layout';
import { buildModel } from '../common/tfjsModel';
import { checkModelWeights, type ModelWeights } from './forward';
import { npzBytes, type NamedArray } from './npz';

export interface ModelFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'model.weights.bin';
export const WEIGHTS_NPZ = 'weights.npz';

/** The tfjs/Keras order and shapes of the model's weights (the model description's). */
export const WEIGHT_SHAPES: readonly Shape[] = ARTICLE_WEIGHT_SHAPES;
const ORDER = MODEL_WEIGHT_NAMES;
/** The article model's names in weights.npz; the keras-mnist template's load_weights.py reads these. */
export const NPZ_NAMES = npzWeightNames(ARTICLE_MODEL) as readonly string[];

/** A model of any architecture: its layers and its weights in `get_weights()` order and layout. */
/** A model and its weights as export writes them (src/shared/model.ts's TrainedModel). */
export type ExportedModel = TrainedModel;

/** Throws a clear error unless the arrays are the architecture's weights (count, sizes), all finite. */
export function checkArchitectureWeights(model: ExportedModel): readonly Shape[] {
  const report = inferShapes(model.architecture);
  if (!report.complete) throw new Error('the architecture does not fit its input');
  const problem = findWeightProblem(model.weights, report.weightShapes);
  if (problem?.kind === 'count')
    throw new Error(`the model has ${problem.expected} weight arrays, not ${problem.found}`);
  if (problem?.kind === 'length')
    throw new Error(
      `weight array ${problem.index} must hold ${problem.expected} float32 values, found ${problem.found ?? 'none'}`,
    );
  if (problem?.kind === 'notFinite')
    throw new Error(`weight array ${problem.index}[${problem.at}] is not a finite number`);
  return report.weightShapes;
}

export function weightsToArrays(w: ModelWeights): Float32Array[] {
  return ORDER.map((k) => w[k]);
}

export function arraysToWeights(arrays: readonly Float32Array[]): ModelWeights {
  if (arrays.length !== ORDER.length)
    throw new Error(`the model has ${ORDER.length} weight arrays, not ${arrays.length}`);
  const w: ModelWeights = {
    convKernel: arrays[0],
    convBias: arrays[1],
    denseKernel: arrays[2],
    denseBias: arrays[3],
  };
  checkModelWeights(w);
  return w;
}

/** The weights of a tfjs model of the article's architecture (e.g. the training panel's), read back once. */
export async function weightsOfModel(model: tf.LayersModel): Promise<ModelWeights> {
  const tensors = model.getWeights();
  const shapes = tensors.map((t) => t.shape);
  const matches =
    shapes.length === WEIGHT_SHAPES.length &&
    shapes.every(
      (s, i) => s.length === WEIGHT_SHAPES[i].length && s.every((d, j) => d === WEIGHT_SHAPES[i][j]),
    );
  if (!matches) {
    throw new ModelFormatError(
      `its weights have shapes ${JSON.stringify(shapes)}, the article's model ${JSON.stringify(WEIGHT_SHAPES)}`,
    );
  }
  const data = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  return arraysToWeights(data.map((d) => Float32Array.from(d)));
}

/** The article's model in tfjs with these weights; the caller disposes it. */
export function modelFromWeights(w: ModelWeights): tf.Sequential {
  checkModelWeights(w);
  return modelFromArrays({ architecture: ARTICLE_MODEL, weights: weightsToArrays(w) });
}

/** Any architecture in tfjs with these weights; the caller disposes it. */
export function modelFromArrays(m: ExportedModel): tf.Sequential {
  const shapes = checkArchitectureWeights(m);
  const model = buildModel(m.architecture);
  const tensors = m.weights.map((a, i) => tf.tensor(a, shapes[i] as number[], 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
  return model;
}

/** model.json and model.weights.bin, as tfjs's own browser downloads would write them. */
export async function tfjsFiles(w: ModelWeights): Promise<ModelFile[]> {
  checkModelWeights(w);
  return tfjsModelFiles({ architecture: ARTICLE_MODEL, weights: weightsToArrays(w) });
}

/** The same for any architecture. */
export async function tfjsModelFiles(m: ExportedModel): Promise<ModelFile[]> {
  const model = modelFromArrays(m);
  let files: ModelFile[] = [];
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightData = new tf.io.CompositeArrayBuffer(artifacts.weightData).slice();
        const modelJson = {
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
        };
        files = [
          { name: MODEL_JSON, bytes: new TextEncoder().encode(JSON.stringify(modelJson, null, 2)) },
          { name: WEIGHTS_BIN, bytes: new Uint8Array(weightData) },
        ];
        return {
          modelArtifactsInfo: {
            dateSaved: new Date(),
            modelTopologyType: 'JSON',
            weightDataBytes: weightData.byteLength,
          },
        };
      }),
    );
  } finally {
    model.dispose();
  }
  return files;
}

export function npzFile(w: ModelWeights): ModelFile {
  checkModelWeights(w);
  return npzModelFile({ architecture: ARTICLE_MODEL, weights: weightsToArrays(w) });
}

/** weights.npz of any architecture: names from npzWeightNames, shapes from inferShapes. */
export function npzModelFile(m: ExportedModel): ModelFile {
  const shapes = checkArchitectureWeights(m);
  const names = npzWeightNames(m.architecture);
  const arrays: NamedArray[] = m.weights.map((data, i) => ({ name: names[i], shape: shapes[i], data }));
  return { name: WEIGHTS_NPZ, bytes: npzBytes(arrays) };
}

/** Everything the export writes: model.json, model.weights.bin, weights.npz. */
export async function exportFiles(w: ModelWeights): Promise<ModelFile[]> {
  return [...(await tfjsFiles(w)), npzFile(w)];
}

/** The same for any architecture. */
export async function exportModelFiles(m: ExportedModel): Promise<ModelFile[]> {
  return [...(await tfjsModelFiles(m)), npzModelFile(m)];
}

/** A saved model that is not the article's model, or whose files do not fit together. */
export class ModelFormatError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ModelFormatError';
  }
}

const baseName = (p: string) => p.replace(/^\.\//, '');

/**
 * Loads a tfjs model from model.json and its weight files with `tf.loadLayersModel`; the caller disposes it.
 * Weight files are matched by the paths in the manifest (`./x.bin` and `x.bin` alike).
 */
export async function loadLayersModelFromFiles(files: readonly ModelFile[]): Promise<tf.LayersModel> {
  const jsonFile = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!jsonFile) throw new ModelFormatError('there is no model.json');
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(jsonFile.bytes)) as tf.io.ModelJSON;
  } catch (e) {
    throw new ModelFormatError(`${jsonFile.name} is not JSON (${(e as Error).message})`);
  }
  if (typeof modelJson !== 'object' || modelJson === null || typeof modelJson.modelTopology !== 'object') {
    throw new ModelFormatError(`${jsonFile.name} has no modelTopology: it is not a TensorFlow.js model`);
  }
  if (!Array.isArray(modelJson.weightsManifest)) {
    throw new ModelFormatError(`${jsonFile.name} has no weightsManifest`);
  }
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const parts: ArrayBuffer[] = [];
    for (const group of manifest) {
      if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) {
        throw new ModelFormatError('a weightsManifest group lacks paths or weights');
      }
      for (const p of group.paths) {
        const bytes = byName.get(baseName(String(p)));
        if (!bytes) throw new ModelFormatError(`the weights file ${String(p)} is missing`);
        parts.push(bytes.slice().buffer);
      }
      specs.push(...group.weights);
    }
    return [specs, tf.io.concatenateArrayBuffers(parts)];
  });
  const specs = artifacts.weightSpecs ?? [];
  // The host measured the files against the same reckoning; the page checks what it was given too.
  let expected: number;
  try {
    expected = declaredWeightBytes(specs);
  } catch (e) {
    throw new ModelFormatError((e as Error).message);
  }
  const got = new tf.io.CompositeArrayBuffer(artifacts.weightData).byteLength;
  if (expected !== got) {
    throw new ModelFormatError(`the weights files hold ${got} bytes, the manifest describes ${expected}`);
  }
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

function checkInputShape(model: tf.LayersModel, whose: string): void {
  const inputShape = JSON.stringify(model.inputs[0]?.shape);
  const expected = JSON.stringify([null, ...INPUT_SHAPE]);
  if (inputShape !== expected) throw new ModelFormatError(`its input is ${inputShape}, ${whose} ${expected}`);
}

/** Reads a saved model back into the article's weights (checking it is that model). */
export async function loadWeightsFromFiles(files: readonly ModelFile[]): Promise<ModelWeights> {
  const model = await loadLayersModelFromFiles(files);
  try {
    checkInputShape(model, "the article's model takes");
    return await weightsOfModel(model);
  } finally {
    model.dispose();
  }
}

const same = (a: unknown, b: readonly number[]) =>
  Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The architecture a tfjs model's layers describe, or a ModelFormatError naming the first layer the panel
 * cannot build (another class, strides, dilation, no bias, another activation); `validate` then checks the stack.
 */
export function architectureOfModel(model: tf.LayersModel): Architecture {
  const layers = model.layers.map((l, i): Layer => {
    const c = l.getConfig() as Record<string, unknown>;
    const cls = l.getClassName();
    const at = `layer ${i + 1} (${cls})`;
    const fail = (what: string): never => {
      throw new ModelFormatError(`${at}: ${what}, which the panel's models do not have`);
    };
    const activation = (allowed: readonly string[]) => {
      const a = String(c.activation);
      if (!allowed.includes(a)) fail(`activation ${a}`);
      return a;
    };
    switch (cls) {
      case 'Conv2D': {
        const k = c.kernelSize as number[];
        if (!Array.isArray(k) || k[0] !== k[1]) fail(`kernel ${JSON.stringify(k)}`);
        if (!same(c.strides, [1, 1])) fail(`strides ${JSON.stringify(c.strides)}`);
        if (!same(c.dilationRate, [1, 1]) && c.dilationRate !== 1)
          fail(`dilation ${JSON.stringify(c.dilationRate)}`);
        if (c.useBias === false) fail('no bias');
        if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast')
          fail(`data format ${String(c.dataFormat)}`);
        return {
          kind: 'conv2d',
          filters: c.filters as number,
          kernelSize: k[0],
          padding: c.padding as 'valid' | 'same',
          activation: activation(['relu', 'linear']) as 'relu' | 'linear',
        };
      }
      case 'MaxPooling2D':
        if (!same(c.poolSize, [2, 2]) || !same(c.strides, [2, 2]) || c.padding !== 'valid')
          fail(
            `pool ${JSON.stringify(c.poolSize)}, strides ${JSON.stringify(c.strides)}, padding ${String(c.padding)}`,
          );
        return { kind: 'maxPooling2d', poolSize: 2 };
      case 'Dropout':
        if (c.noiseShape != null) fail('a noise shape');
        return { kind: 'dropout', rate: c.rate as number };
      case 'Flatten':
        return { kind: 'flatten' };
      case 'Dense':
        if (c.useBias === false) fail('no bias');
        return {
          kind: 'dense',
          units: c.units as number,
          activation: activation(['relu', 'linear', 'softmax']) as 'relu' | 'linear' | 'softmax',
        };
      default:
        return fail('a layer class');
    }
  });
  const architecture: Architecture = { layers };
  const problems = validate(architecture);
  if (problems.length > 0) {
    const p = problems[0];
    throw new ModelFormatError(
      `layer ${p.layer + 1} (${p.key}${Object.keys(p.args).length ? ` ${JSON.stringify(p.args)}` : ''}) is not a stack the panel trains`,
    );
  }
  return architecture;
}

/** Reads a saved model of any architecture the panel can build: its layers and weights, checked. */
export async function loadModelFromFiles(files: readonly ModelFile[]): Promise<ExportedModel> {
  const model = await loadLayersModelFromFiles(files);
  try {
    checkInputShape(model, "the panel's models take");
    const architecture = architectureOfModel(model);
    const data = await Promise.all(model.getWeights().map((t) => t.data() as Promise<Float32Array>));
    const exported = { architecture, weights: data.map((d) => Float32Array.from(d)) };
    try {
      checkArchitectureWeights(exported);
    } catch (e) {
      throw new ModelFormatError((e as Error).message);
    }
    return exported;
  } finally {
    model.dispose();
  }
}

/** Base64 of binary data (messages to the host are JSON). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
