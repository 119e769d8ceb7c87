/**
 * Export and reload of the trained model:
 * - TensorFlow.js format: the article's model built with tfjs, given the weights, saved through
 *   `tf.io.withSaveHandler` into `model.json` (topology + weights manifest) and `model.weights.bin`, the files
 *   `tf.io.browserDownloads` would write, so `tf.loadLayersModel('…/model.json')` reads them anywhere;
 * - `weights.npz` for NumPy/Keras (see the keras-mnist template's load_weights.py);
 * - reload: `tf.loadLayersModel` over the files the host read back, checked to be the article's model.
 */
import * as tf from '@tensorflow/tfjs';
import { ARTICLE_WEIGHT_SHAPES, INPUT_SHAPE, type Shape } from '../../shared/architecture';
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
/** Names in weights.npz; load_weights.py reads these. */
export const NPZ_NAMES = ['conv2d_kernel', 'conv2d_bias', 'dense_kernel', 'dense_bias'] as const;

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
  const model = buildModel();
  const tensors = weightsToArrays(w).map((a, i) => tf.tensor(a, WEIGHT_SHAPES[i] as number[], 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
  return model;
}

/** model.json and model.weights.bin, as tfjs's own browser downloads would write them. */
export async function tfjsFiles(w: ModelWeights): Promise<ModelFile[]> {
  const model = modelFromWeights(w);
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
  const arrays: NamedArray[] = weightsToArrays(w).map((data, i) => ({
    name: NPZ_NAMES[i],
    shape: WEIGHT_SHAPES[i],
    data,
  }));
  return { name: WEIGHTS_NPZ, bytes: npzBytes(arrays) };
}

/** Everything the export writes: model.json, model.weights.bin, weights.npz. */
export async function exportFiles(w: ModelWeights): Promise<ModelFile[]> {
  return [...(await tfjsFiles(w)), npzFile(w)];
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

/** Reads a saved model back into the article's weights (checking it is that model). */
export async function loadWeightsFromFiles(files: readonly ModelFile[]): Promise<ModelWeights> {
  const model = await loadLayersModelFromFiles(files);
  try {
    const inputShape = JSON.stringify(model.inputs[0]?.shape);
    const expected = JSON.stringify([null, ...INPUT_SHAPE]);
    if (inputShape !== expected) {
      throw new ModelFormatError(`its input is ${inputShape}, the article's model takes ${expected}`);
    }
    return await weightsOfModel(model);
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
