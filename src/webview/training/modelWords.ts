/**
 * What the model editor (./modelEditor.ts) says about layers: Keras's class names, shapes as
 * `model.summary()` prints them, the presets' labels, the layer each "Add" makes, and the sentence of each
 * problem `validate` finds (the string table's, in the panel's language).
 */
import { PRESETS, type PresetId, type Problem, type Shape } from '../../shared/architecture';
import type { Architecture, Layer, LayerKind } from '../../shared/model';
import { architectureSummary, presetOf } from '../../shared/runDiff';
import type { StringId, Translate } from '../../shared/l10n/training';

/** Keras's class name of each layer kind, as `model.summary()` prints it. */
export const KERAS_NAMES: Readonly<Record<LayerKind, string>> = {
  conv2d: 'Conv2D',
  maxPooling2d: 'MaxPooling2D',
  dropout: 'Dropout',
  flatten: 'Flatten',
  dense: 'Dense',
};

/** The presets in the picker's order. */
export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];
/** The picker's label of each preset. */
export const PRESET_LABELS: Readonly<Record<PresetId, StringId>> = {
  article: 'presetArticle',
  simpleConvnet: 'presetSimpleConvnet',
  mlp: 'presetMlp',
};
/** A model as run lists and charts name it: its preset's label, else a Keras-like line ("Conv2D 16 · MaxPool · …"). */
export function architectureName(t: Translate, arch: Architecture): string {
  const preset = presetOf(arch);
  return preset ? t(PRESET_LABELS[preset]) : architectureSummary(arch);
}

/** The picker's value for a stack that matches no preset. */
export const CUSTOM = 'custom';

/** What "Add layer" inserts of each kind: Keras's example values. */
export const NEW_LAYERS: Readonly<Record<LayerKind, Layer>> = {
  conv2d: { kind: 'conv2d', filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu' },
  maxPooling2d: { kind: 'maxPooling2d', poolSize: 2 },
  dropout: { kind: 'dropout', rate: 0.25 },
  flatten: { kind: 'flatten' },
  dense: { kind: 'dense', units: 128, activation: 'relu' },
};

/** A shape as `model.summary()` prints it, batch axis first: "(None, 26, 26, 32)"; "—" for a layer that does not fit. */
export function kerasShape(shape: Shape): string {
  return shape.length === 0 ? '—' : `(None, ${shape.join(', ')})`;
}

/** A parameter count as Keras prints it: 54,410. */
export const count = (n: number) => n.toLocaleString('en-US');

/** The sentence of a problem `validate` found, in the panel's language. */
export function problemSentence(t: Translate, p: Problem): string {
  const a = p.args;
  const field = (name: unknown) => t(String(name) as StringId);
  switch (p.key) {
    case 'empty':
      return t('problemEmpty');
    case 'lastLayerNotOutput':
      return t('problemLastLayerNotOutput');
    case 'softmaxNotLast':
      return t('problemSoftmaxNotLast');
    case 'outOfRange':
      return t('problemOutOfRange', field(a.field), String(a.value), a.min, a.max);
    case 'kernelSize':
      return t('problemKernelSize');
    case 'unknownOption':
      return t('problemUnknownOption', field(a.field), a.value);
    case 'imageLayerAfterFlatten':
      return t('problemImageLayerAfterFlatten');
    case 'denseNeedsFlatten':
      return t('problemDenseNeedsFlatten', a.height, a.width, a.channels);
    case 'imageSmallerThanKernel':
      return t('problemImageSmallerThanKernel', a.height, a.width, a.kernel);
    case 'imageTooSmallToPool':
      return t('problemImageTooSmallToPool', a.height, a.width);
    case 'tooManyParameters':
      return t('problemTooManyParameters', count(Number(a.total)), count(Number(a.max)));
  }
}
