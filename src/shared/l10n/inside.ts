/**
 * The "look inside" views' user-facing strings in English (the live filter view, src/webview/inside/, and the
 * views that show what the network does with a digit). As for the playground, the host translates each with
 * `vscode.l10n.t` (Chinese in l10n/bundle.l10n.zh-cn.json, keyed by the English text) and injects them,
 * prefixed `inside.`; the page falls back to English for any id it did not get.
 */
import { format } from './format';

export const INSIDE_STRINGS = {
  filtersTitle: 'Filters: what each Conv2D layer has learned',
  filtersHint:
    'Every kernel as a grid of its weights: red above 0, blue below, the background colour at 0, one scale per layer. While training they are read a few times a second. Point at a cell, or focus a layer and use the arrow keys, to read a weight.',
  filtersNoModel: 'Train the model to see its filters here.',
  filtersNoConv: 'This model has no Conv2D layer, so it has no filters to show.',
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
} as const;

export type InsideStringId = keyof typeof INSIDE_STRINGS;
export type InsideTranslate = (id: InsideStringId, ...args: (string | number)[]) => string;

export const INSIDE_STRING_PREFIX = 'inside.';

/** A translator over the host's strings (keyed `inside.<id>`), falling back to English. */
export function makeInsideTranslate(translated: Readonly<Record<string, string>> = {}): InsideTranslate {
  return (id, ...args) => {
    const own = translated[INSIDE_STRING_PREFIX + id];
    return format(typeof own === 'string' ? own : INSIDE_STRINGS[id], ...args);
  };
}
