/**
 * Checks on saved-model files that need no editor (unit-tested in plain Node): which weight files a
 * TensorFlow.js `model.json` names, refusing anything but plain file names beside it, so that a crafted
 * model.json cannot make the host read files elsewhere; and how many bytes its declared shapes take, so that
 * the host can measure each weights file before it reads a byte of it.
 * Messages are English templates with `{0}` placeholders: the host translates them with `vscode.l10n.t`.
 */
import { isModelFileName } from '../../shared/protocol/training';
import { declaredWeightBytes, ModelFileError } from '../../shared/weightsManifest';

export { ModelFileError };

/** Largest model.json we read (the article's is about 3 KB). */
export const MAX_MODEL_JSON_BYTES = 5 * 1024 * 1024;
/** Largest total of weight files (the article's model is 218 KB). */
export const MAX_WEIGHT_BYTES = 48 * 1024 * 1024;

/** One group of a weights manifest: its files, concatenated in order, hold exactly `bytes` bytes. */
export interface WeightGroup {
  files: string[];
  bytes: number;
}

export interface WeightsManifest {
  /** Each weights file once, in manifest order. */
  files: string[];
  groups: WeightGroup[];
}

/** The weights manifest of a model.json: its files (plain names in the same folder) and what they must hold. */
export function weightsManifestOfModelJson(text: string): WeightsManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError('it is not JSON ({0})', (e as Error).message);
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
  const files: string[] = [];
  const groups: WeightGroup[] = [];
  let declared = 0;
  for (const group of model.weightsManifest as unknown[]) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths)) throw new ModelFileError('a weightsManifest group has no paths');
    if (!Array.isArray(weights)) throw new ModelFileError('a weightsManifest group has no weights');
    const groupFiles: string[] = [];
    for (const p of paths) {
      const name = typeof p === 'string' ? p.replace(/^\.\//, '') : '';
      if (!isModelFileName(name) || !name.endsWith('.bin')) {
        throw new ModelFileError(
          'its weights file {0} is not a plain .bin file name beside model.json',
          JSON.stringify(p) ?? String(p),
        );
      }
      // Two names that differ only in case are one file on Windows and macOS, and the page refuses such a pair.
      const other = files.find((f) => f !== name && f.toLowerCase() === name.toLowerCase());
      if (other) {
        throw new ModelFileError(
          'its weightsManifest names {0} and {1}, one file where case does not count',
          other,
          name,
        );
      }
      groupFiles.push(name);
      if (!files.includes(name)) files.push(name);
    }
    const bytes = declaredWeightBytes(weights);
    declared += bytes;
    groups.push({ files: groupFiles, bytes });
  }
  if (declared > MAX_WEIGHT_BYTES) {
    throw new ModelFileError(
      'its weightsManifest declares {0} bytes of weights, more than the {1} bytes a model here can have',
      declared,
      MAX_WEIGHT_BYTES,
    );
  }
  return { files, groups };
}

/** The weight files a model.json refers to, as plain names in the same folder, in manifest order. */
export function weightFilesOfModelJson(text: string): string[] {
  return weightsManifestOfModelJson(text).files;
}

/**
 * Checks measured file sizes against the manifest before anything is read: each group's files, concatenated
 * as tfjs reads them, must hold exactly what its shapes take.
 */
export function checkWeightSizes(manifest: WeightsManifest, sizeOf: (file: string) => number): void {
  for (const group of manifest.groups) {
    const held = group.files.reduce((sum, f) => sum + sizeOf(f), 0);
    if (held !== group.bytes) {
      throw new ModelFileError(
        group.files.length === 1
          ? 'its weights file {0} holds {1} bytes, but the shapes in its weightsManifest take {2}'
          : 'its weights files {0} hold {1} bytes, but the shapes in its weightsManifest take {2}',
        group.files.join(', '),
        held,
        group.bytes,
      );
    }
  }
}
