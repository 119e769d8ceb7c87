/**
 * Checks on saved-model files that need no editor (unit-tested in plain Node): which weight files a
 * TensorFlow.js `model.json` names, refusing anything but plain file names beside it, so that a crafted
 * model.json cannot make the host read files elsewhere.
 */
import { MODEL_FILE_NAME } from '../protocol';

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Largest model.json we read (the article's is about 3 KB). */
export const MAX_MODEL_JSON_BYTES = 5 * 1024 * 1024;
/** Largest total of weight files (the article's model is 218 KB). */
export const MAX_WEIGHT_BYTES = 48 * 1024 * 1024;

/** The weight files a model.json refers to, as plain names in the same folder, in manifest order. */
export function weightFilesOfModelJson(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`it is not JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFileError('it is not a TensorFlow.js model.json (not an object)');
  }
  const model = json as Record<string, unknown>;
  if (typeof model.modelTopology !== 'object' || model.modelTopology === null) {
    throw new ModelFileError('it is not a TensorFlow.js model.json (no modelTopology)');
  }
  if (!Array.isArray(model.weightsManifest) || model.weightsManifest.length === 0) {
    throw new ModelFileError('it has no weightsManifest');
  }
  const names: string[] = [];
  for (const group of model.weightsManifest as unknown[]) {
    const paths = (group as { paths?: unknown })?.paths;
    if (!Array.isArray(paths)) throw new ModelFileError('a weightsManifest group has no paths');
    for (const p of paths) {
      const name = typeof p === 'string' ? p.replace(/^\.\//, '') : '';
      if (!MODEL_FILE_NAME.test(name) || !name.endsWith('.bin')) {
        throw new ModelFileError(
          `its weights file ${JSON.stringify(p)} is not a plain .bin file name beside model.json`,
        );
      }
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}
