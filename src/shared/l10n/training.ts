/**
 * Every user-facing string of the training panel, in English. The host translates each with `vscode.l10n.t`
 * (Chinese in l10n/bundle.l10n.zh-cn.json, keyed by the English text) and injects the result; the page falls
 * back to English for any id the host did not send. `{0}`-style placeholders are filled by `t`.
 */
import { translator } from './format';

export const STRINGS = {
  title: 'Train the article’s model on MNIST',
  /** `{0}`: what went wrong. */
  startFailed: 'AI Onramp: the training panel could not start: {0}',
  subtitle: 'Handwritten digits, 60,000 for training and 10,000 for testing, trained here on your machine.',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  learningRate: 'Learning rate',
  schedule: 'Learning-rate schedule',
  scheduleCosine: 'Cosine decay to 0',
  scheduleConstant: 'Constant (Keras default)',
  optimizer: 'Optimizer',
  backend: 'Backend',
  backendAuto: 'Automatic',
  backendWasm: 'WebAssembly (tfjs)',
  backendCpu: 'CPU (tfjs)',
  backendOnrampCpu: 'AI Onramp CPU engine',
  train: 'Train',
  pause: 'Pause',
  resume: 'Resume',
  stop: 'Stop',
  loadingData: 'Loading MNIST…',
  dataLoaded: 'MNIST loaded: {0} training and {1} test images.',
  preparing: 'Preparing the {0} backend…',
  training: 'Training on {0}',
  paused: 'Paused',
  stopped: 'Stopped. The run so far is kept.',
  finished: 'Finished: test accuracy {0}.',
  failed: 'Training stopped: {0}',
  nanLoss:
    'The loss became {0} (not a finite number): the run diverged, so training stopped. Try a smaller learning rate than {1}, such as {2}.',
  diverged:
    'The loss rose from {0} to {1} and stayed that high for {2} batches: the run diverged, so training stopped. Try a smaller learning rate than {3}, such as {4}.',
  contextLost: 'The WebGL context was lost; continuing on {0} from the last finished epoch.',
  dataError: 'The MNIST data file “{0}” could not be read: {1}. Reinstalling the extension restores it.',
  invalidInput: '{0} must be a number between {1} and {2}.',
  alreadyRunning: 'A run is already going; stop it before starting another.',
  epochOf: 'Epoch {0} of {1}',
  batchOf: 'batch {0} of {1}',
  samplesPerSec: '{0} samples/s',
  eta: 'about {0} left',
  batchLoss: 'Batch loss',
  batchAccuracy: 'Batch accuracy',
  valLoss: 'Validation loss',
  valAccuracy: 'Validation accuracy',
  testAccuracy: 'Test accuracy',
  speed: 'Speed',
  timeLeft: 'Time left',
  notYet: '—',
  backendChosen: '{0} runs the training.',
  backendWhy: 'Why not the others',
  backendMeasured: '{0} runs the training: measured {1} samples/s here, the fastest.',
  backendToMeasure: 'Automatic measures {0} when training starts and trains on the fastest.',
  measuring: 'Measuring which backend is fastest here…',
  measuringBackend: 'Measuring which backend is fastest here: {0}…',
  reasonNoWebGpu: 'WebGPU is not available in this webview.',
  reasonNoAdapter: 'WebGPU found no adapter (no usable GPU).',
  reasonAdapterLate: 'WebGPU gave no adapter within {0} s.',
  reasonSoftware: 'its adapter is a software renderer ({0}), slower than the CPU engine.',
  reasonNoWebGl: 'WebGL is not available in this webview.',
  reasonNoWasm: 'WebAssembly is not available.',
  reasonNoEngine: 'our CPU engine is not part of this build.',
  reasonInitFailed: 'it failed to start: {0}',
  reasonLowerPriority: 'a faster backend was available.',
  reasonMeasuredSlower: 'measured {0} samples/s here, slower than {1} samples/s.',
  reasonMeasureFailed: 'it failed while being measured: {0}',
  reasonNotChosen: 'you chose another backend.',
  reasonUnavailableChosen: '{0} was chosen but is not available here ({1}); using {2} instead.',
  hardware: 'hardware: {0}',
  software: 'software: {0}',
  modelSummary: 'Model summary',
  kerasCode: 'The same training in Keras',
  layer: 'Layer',
  outputShape: 'Output shape',
  params: 'Parameters',
  totalParams: 'Total parameters: {0}',
  model: 'Model',
  modelPreset: 'Start from',
  presetArticle: 'The article’s model',
  presetSimpleConvnet: 'Keras “Simple MNIST convnet”',
  presetMlp: 'Plain MLP (no convolution)',
  presetCustom: 'Your own (edited)',
  seed: 'Seed of the initial weights',
  fields: 'Settings',
  actions: 'Actions',
  filters: 'Filters',
  kernel: 'Kernel',
  padding: 'Padding',
  activation: 'Activation',
  rate: 'Rate',
  units: 'Units',
  poolSize: 'Pool size',
  outputLayer: '10 classes, softmax (fixed)',
  addLayer: 'Add layer',
  addLayerKind: 'Layer to add',
  moveUp: 'Move up',
  moveDown: 'Move down',
  removeLayer: 'Remove',
  /** `{0}`: a layer's Keras name, `{1}`: its position from 1 (for screen readers). */
  layerNamed: '{0}, layer {1}',
  /** `{0}`: a field, `{1}` and `{2}`: its bounds. */
  fieldRange: '{0}: {1} to {2}',
  /** Why Train is off: `{0}` the layer's position, `{1}` the sentence of its problem. */
  modelCannotTrain: 'The model cannot train: layer {0}: {1}',
  seedInvalid: 'The seed must be a whole number between {0} and {1}.',
  problemEmpty: 'The model has no layers.',
  problemLastLayerNotOutput: 'The last layer must be Dense(10, softmax), one output for each digit.',
  problemSoftmaxNotLast: 'Only the last layer may use softmax.',
  /** `{0}`: the field, `{1}` its value, `{2}` and `{3}`: the bounds. */
  problemOutOfRange: '{0} must be between {2} and {3}; it is {1}.',
  problemKernelSize: 'The kernel must be 3×3 or 5×5.',
  /** `{0}`: the field, `{1}` the value it has. */
  problemUnknownOption: '{0} cannot be “{1}”.',
  problemImageLayerAfterFlatten:
    'After Flatten there is no image left: Conv2D and MaxPooling2D must come before Flatten.',
  /** `{0}`×`{1}`×`{2}`: the image Dense gets. */
  problemDenseNeedsFlatten: 'Dense needs Flatten before it: its input is still a {0}×{1}×{2} image.',
  /** `{0}`×`{1}`: the image, `{2}`: the kernel's side. */
  problemImageSmallerThanKernel:
    'The image here is {0}×{1}, smaller than the {2}×{2} kernel: use padding “same”, or pool less before it.',
  /** `{0}`×`{1}`: the image after the pooling before. */
  problemImageTooSmallToPool: 'After the previous pooling the image is {0}×{1}: too small to pool again.',
  /** `{0}`: the model's parameters, `{1}`: the cap. */
  problemTooManyParameters:
    'The model has {0} parameters, more than the {1} the panel trains while staying responsive: use fewer units or filters, or pool before Flatten. This layer has the most.',
  curves: 'Curves',
  loss: 'Loss',
  accuracy: 'Accuracy',
  seriesTrain: 'train',
  seriesValidation: 'validation',
  liveRun: 'this run',
  historyRun: 'run {0}',
  /** A run in the charts' run list: `{0}` start time, `{1}` optimizer, `{2}` learning rate, `{3}` batch, `{4}` backend. */
  runLabel: '{0} {1} lr={2} batch={3} ({4})',
  /** A run in the charts' run list: `{0}` its model (a preset's name or its layers), `{1}` the run's `runLabel`. */
  runLabelModel: '{0} · {1}',
  /** `{0}`: the learning rate a cosine decay starts from. */
  runLabelCosine: '{0}→0 (cosine)',
  /** A fine-tune of Your examples in the run list: `{0}` the start time of the run it fine-tuned, `{1}` how many examples. */
  runLabelFineTuneOfRun: 'Fine-tune of the {0} run on {1} of your examples',
  /** `{0}`: the model file it fine-tuned, `{1}`: how many examples. */
  runLabelFineTuneOfFile: 'Fine-tune of {0} on {1} of your examples',
  /** `{0}`: how many examples (the model it started from is not known). */
  runLabelFineTune: 'Fine-tune on {0} of your examples',
  diffTitle: 'What changed between two runs',
  diffFrom: 'From run',
  diffTo: 'To run',
  diffOnly: 'Show only what differs',
  diffNeedTwo: 'Train two runs to see here what changed between them.',
  diffSameRun: 'Both sides are the same run: pick another one to compare.',
  diffNothing: 'The two runs trained the same model with the same settings.',
  /** `{0}`: changes to the model (layers and settings), `{1}`: other changes (backend, training images). */
  diffCount: 'Changes to the model: {0}. Other changes: {1}.',
  diffLayers: 'Layers',
  diffSettings: 'Settings that change the model',
  diffApart: 'Not a change to the model',
  diffSetting: 'Setting',
  diffTrainSamples: 'Training images',
  /** `{0}`: the layer's position in the second run, `{1}`: the layer in a few words (Conv2D 64). */
  diffLayerAdded: 'Added layer {0}: {1}',
  /** `{0}`: the layer's position in the first run, `{1}`: the layer in a few words. */
  diffLayerRemoved: 'Removed layer {0}: {1}',
  /** `{0}`: Keras's name of the layer, `{1}`: its position, `{2}`: its fields that changed (Filters 32 → 16). */
  diffLayerChanged: '{0} {1}: {2}',
  /** `{0}`: the layer's position, `{1}`: the layer in a few words. */
  diffLayerSame: 'Layer {0}: {1} (the same)',
} as const;

export type StringId = keyof typeof STRINGS;
export type Translate = (id: StringId, ...args: (string | number)[]) => string;

/** A translator over the host's strings, falling back to English. */
export function makeTranslate(translated: Readonly<Record<string, string>> = {}): Translate {
  return translator(STRINGS, translated);
}
