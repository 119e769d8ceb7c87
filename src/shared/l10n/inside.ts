/**
 * The "look inside" views' user-facing strings in English (the live filter view, src/webview/inside/, and the
 * views that show what the network does with a digit). As for the playground, the host translates each with
 * `vscode.l10n.t` (Chinese in l10n/bundle.l10n.zh-cn.json, keyed by the English text) and injects them,
 * prefixed `inside.`; the page falls back to English for any id it did not get.
 */
import { translator } from './format';

export const INSIDE_STRINGS = {
  filtersTitle: 'Filters: what each Conv2D layer has learned',
  filtersHint:
    'Every kernel as a grid of its weights: red above 0, blue below, the background colour at 0, one scale per layer. While training they are read a few times a second. Point at a cell, or focus a layer and use the arrow keys, to read a weight.',
  filtersNoModel: 'Train the model to see its filters here.',
  filtersNoConv: 'This model has no Conv2D layer, so it has no filters to show.',
  /** Which model the filters are of; `{0}` its name (a preset's, or its layers). */
  filtersShowsTraining: 'Showing the model being trained: {0}.',
  filtersShowsRun: 'Showing the last run’s model: {0}.',
  filtersShowsFineTune: 'Showing the model fine-tuned on your examples: {0}.',
  /** `{0}`: the model.json loaded in “Try it”; `{1}` the model's name. */
  filtersShowsFile: 'Showing the model loaded in “Try it” from {0}: {1}.',
  /** `{0}`: the layer's number in the stack; `{1}` filters; `{2}` the kernel's side; `{3}` its input channels. */
  filtersLayer: 'Layer {0}: Conv2D, {1} filters of {2}×{2}×{3}',
  filtersFirstLayer:
    'One grid per filter: the weights it multiplies each 3×3 or 5×5 patch of the image with.',
  filtersDeepLayer:
    'One row per filter: its {0} input channels side by side, one grid each (channel 1 on the left).',
  filtersCanvas:
    'Kernels of layer {0}. Arrow keys move between weights, Page Up and Page Down between filters.',
  /** `{0}` filter, `{1}` input channel, `{2}` row, `{3}` column (all from 1), `{4}` the weight. */
  filtersCell: 'Filter {0}, channel {1}, row {2}, column {3}: {4}',
  filtersScale: 'Scale of layer {0}: from −{1} (blue) through 0 to +{1} (red)',
  filtersReadFailed: 'Could not read the weights: {0}',
  // ---- the activations view ("Try it") ----
  activationsTitle: 'Look inside: every layer for this digit',
  activationsHint:
    'Each layer’s output for the digit on the pad, updated as you draw. Point at a cell of a feature map (or focus a map and use the arrow keys; Page Up and Page Down go to the previous or next map) to see the part of the previous layer it looks at and the arithmetic that made it.',
  activationsEmpty: 'Draw a digit (or take a random test digit) to see each layer’s output.',
  activationsNoModel: 'Train the model first (or load a saved one) to look inside it.',
  activationsFailed: 'Cannot show the layers of this model: {0}',
  inputLayer: 'Input: 28×28 pixels, values 0–1',
  convLayer: 'Conv2D: {0} filters of {1}×{1}, padding “{2}”, {3} → {4}',
  poolLayer: 'MaxPooling2D 2×2 → {0}: the largest of each 2×2 window',
  dropoutLayer:
    'Dropout ({0}) → {1}: the identity when predicting (what you see here); it only drops values while training',
  flattenLayer: 'Flatten → {0} values: the maps above in one row (row by row, channel by channel)',
  denseLayer: 'Dense: {0} units, {1} → {0} values',
  outputLayer: 'Dense: 10 units, softmax → the probabilities of the ten digits',
  scale: 'shared scale: {0} to {1}',
  mapLabel: '{0}, map {1} of {2}, {3}×{4}',
  unitsLargest: 'largest: unit {0} = {1}',
  cellTitle: '{0}, map {1}, row {2}, column {3}',
  convField: 'Receptive field: rows {0} to {1}, columns {2} to {3} of {4} (outlined).',
  fieldOutside: 'Cells outside the image count as 0 (“same” padding).',
  theInput: 'the input',
  theMapsAbove: 'the maps of the layer above',
  patch: 'Input patch',
  patchOfChannel: 'Input patch (channel {0})',
  kernel: 'Kernel (filter {0})',
  kernelOfChannel: 'Kernel (filter {0}, channel {1})',
  products: 'Products',
  channel: 'Channel',
  channelSums: 'Sum of the products, per input channel:',
  sumLine: 'Σ products = {0}',
  biasLine: '{0} + bias {1} = {2} (before the activation)',
  reluLine: 'ReLU: max(0, {0}) = {1}',
  linearLine: 'linear: {0} = {1}',
  poolTitle: '{0}, map {1}, row {2}, column {3}',
  poolField: 'Window: rows {0} to {1}, columns {2} to {3} of the map above (outlined).',
  poolLine: 'max({0}) = {1}',
} as const;

export type InsideStringId = keyof typeof INSIDE_STRINGS;
export type InsideTranslate = (id: InsideStringId, ...args: (string | number)[]) => string;

export const INSIDE_STRING_PREFIX = 'inside.';

/** A translator over the host's strings (keyed `inside.<id>`), falling back to English. */
export function makeInsideTranslate(translated: Readonly<Record<string, string>> = {}): InsideTranslate {
  return translator(INSIDE_STRINGS, translated, INSIDE_STRING_PREFIX);
}
