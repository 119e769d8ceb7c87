/**
 * The playground's user-facing strings in English. As in the training panel, the host translates each with
 * `vscode.l10n.t` (Chinese in l10n/bundle.l10n.zh-cn.json, keyed by the English text) and injects them,
 * prefixed `playground.`; the page falls back to English for any id it did not get.
 */
import { translator } from './format';

export const PLAYGROUND_STRINGS = {
  tabTrain: 'Train',
  tabTry: 'Try it',
  tabEvaluate: 'Evaluate',
  drawTitle: 'Draw a digit',
  drawHint:
    'Draw a digit from 0 to 9 with the mouse, a finger or a pen. With the keyboard: arrow keys move the pen, Space lifts or lowers it, Delete clears.',
  padLabel: 'Drawing pad. Arrow keys move the pen, Space lifts or lowers it, Delete clears.',
  clear: 'Clear',
  sampleDigit: 'Random test digit',
  modelInput: 'What the model sees (28×28)',
  probabilities: 'Probabilities',
  prediction: 'It looks like a {0} ({1} sure).',
  drawSomething: 'Draw a digit to see what the model thinks it is.',
  noModel: 'Train the model first (or load a saved one), then draw here.',
  modelFromRun: 'Model: the last training run.',
  modelFromFile: 'Model: loaded from {0}.',
  useLatestRun: 'Use the last run',
  evaluate: 'Evaluate on the test set',
  evaluating: 'Evaluating… {0} of {1}',
  accuracy: 'Test accuracy: {0} ({1} of {2} right).',
  confusionTitle: 'Confusion matrix',
  confusionHint: 'Rows: the true digit. Columns: what the model said. Select a cell to see its images.',
  trueLabel: 'True',
  predictedLabel: 'Predicted',
  cellLabel: '{0} images of a {1} read as {2}',
  cellImages: 'Images of a {0} read as {1} ({2})',
  showingFirst: 'showing the first {0}',
  perClassTitle: 'Accuracy per digit',
  perClassDigit: 'Digit',
  perClassTest: 'Test set',
  perClassCell: '{0} ({1}/{2})',
  perClassNone: '—',
  mistakesTitle: 'The most confidently wrong',
  mistakesHint: 'Test images the model got wrong while being most sure of itself.',
  mistakeCaption: 'true {0}, said {1} ({2})',
  noMistakes: 'No mistakes on these images.',
  exportTitle: 'Take the model with you',
  exportHint:
    'Saves model.json and model.weights.bin (TensorFlow.js) and weights.npz (NumPy, for Keras: see load_weights.py in a new Keras project) to a folder you pick.',
  exportButton: 'Save model to a folder…',
  loadButton: 'Load a saved model…',
  saving: 'Preparing the files…',
  saved: 'Saved {0} to {1}.',
  loaded: 'Loaded the model from {0}.',
  cancelled: 'Cancelled.',
  saveFailed: 'Could not save the model: {0}',
  loadFailed: 'Could not load the model: {0}',
  pythonButton: 'Open as a Python project…',
  pythonOpening: 'New AI Project: Keras and PyTorch scripts of this model…',
  pythonCreated: 'Made the Python project in {0}.',
  pythonFailed: 'Could not make the Python project: {0}',
} as const;

export type PlaygroundStringId = keyof typeof PLAYGROUND_STRINGS;
export type PlaygroundTranslate = (id: PlaygroundStringId, ...args: (string | number)[]) => string;

export const STRING_PREFIX = 'playground.';

/**
 * A translator over the host's strings (keyed `playground.<id>`, so the training panel can pass its whole
 * string map), falling back to English.
 */
export function makePlaygroundTranslate(
  translated: Readonly<Record<string, string>> = {},
): PlaygroundTranslate {
  return translator(PLAYGROUND_STRINGS, translated, STRING_PREFIX);
}
