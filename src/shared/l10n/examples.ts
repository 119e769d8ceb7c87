/**
 * "Your examples" (src/webview/examples): its user-facing strings in English. As for the playground, the host
 * translates each with `vscode.l10n.t` (Chinese in l10n/bundle.l10n.zh-cn.json) and injects them prefixed
 * `examples.`; the page falls back to English for any id it did not get.
 */
import { translator } from './format';

export const EXAMPLES_STRINGS = {
  tabExamples: 'Your examples',
  title: 'Your own handwriting',
  hint: 'Draw a digit, pick the label it should have (any digit you like), and add it. Your examples are kept across reloads; see how the model reads them, and teach it with a short fine-tune.',
  padLabel: 'Drawing pad for your example. Arrow keys move the pen, Space lifts or lowers it, Delete clears.',
  labelGroup: 'Label of the example',
  labelButton: '{0}: {1} so far',
  add: 'Add as a {0}',
  clear: 'Clear',
  added: 'Added a {0} ({1} examples of it).',
  drawFirst: 'Draw something first.',
  listTitle: 'Your examples ({0})',
  listEmpty: 'No examples yet: draw one above.',
  thumbnail: 'Example {0}, labelled {1}',
  thumbnailRead: 'Example {0}, labelled {1}, read as {2}',
  deleteOne: 'Delete example {0} (a {1})',
  deleteAll: 'Delete all…',
  export: 'Export as MNIST IDX files…',
  exportHint:
    'Writes my-digits-images-idx3-ubyte and my-digits-labels-idx1-ubyte (the MNIST format) to a folder you pick; my_digits.py in a new Keras or PyTorch project loads them.',
  exported: 'Saved {0} to {1}.',
  exportFailed: 'Could not export: {0}',
  cancelled: 'Cancelled.',
  modelTitle: 'How the model reads them',
  noModel: 'Train a model first (Train tab), or load one (Try it tab).',
  noExamples: 'Add some examples to see how the model reads them.',
  summary: 'The current model reads {0} of your {1} examples right ({2}).',
  yours: 'Your examples',
  wrongTitle: 'The ones it gets wrong',
  noneWrong: 'It reads every one of them right.',
  fineTuneTitle: 'Teach the model your handwriting',
  fineTuneHint:
    'Fine-tune: starting from the current model’s weights, one short pass over {0} MNIST training images plus your examples, each repeated so that about one image in {1} is yours (a few dozen examples then count; the MNIST images keep it from forgetting the digits you did not draw).',
  fineTune: 'Fine-tune on MNIST + your examples',
  fineTuning: 'Fine-tuning on {0}: {1} MNIST images and {2} examples × {3}…',
  fineTuneEvaluating: 'Checking the model before and after on your examples and the test set…',
  fineTuned: 'Fine-tuned on {0} in {1} s: your examples {2} → {3}, test set {4} → {5}.',
  fineTuneFailed: 'The fine-tune did not run: {0}',
  stopFineTune: 'Stop',
  stopFineTuneHint:
    'Stops the fine-tune. The model keeps its weights from before it: nothing of a stopped fine-tune is applied.',
  fineTuneStopping: 'Stopping the fine-tune…',
  fineTuneStopped:
    'Fine-tune stopped. The model keeps its weights from before it: nothing of the fine-tune was applied.',
  fineTuneBusy: 'A run is going; wait until it ends.',
  beforeAfterTitle: 'Before and after the fine-tune',
  yoursBefore: 'Yours, before',
  yoursAfter: 'Yours, after',
  testBefore: 'Test set, before',
  testAfter: 'Test set, after',
} as const;

export type ExamplesStringId = keyof typeof EXAMPLES_STRINGS;
export type ExamplesTranslate = (id: ExamplesStringId, ...args: (string | number)[]) => string;

export const EXAMPLES_STRING_PREFIX = 'examples.';

export function makeExamplesTranslate(translated: Readonly<Record<string, string>> = {}): ExamplesTranslate {
  return translator(EXAMPLES_STRINGS, translated, EXAMPLES_STRING_PREFIX);
}
