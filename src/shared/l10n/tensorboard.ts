/**
 * Every user-facing string of the TensorBoard-logs page, in English. The host translates each with
 * `vscode.l10n.t` (Chinese in l10n/bundle.l10n.zh-cn.json, keyed by the English text) and embeds the
 * result in the page; ids the host did not send fall back to English. Pure: the host imports it too.
 */
export const TENSORBOARD_STRINGS = {
  heading: 'TensorBoard logs',
  /** `{0}`: the log folder. */
  folder: 'Log folder: {0}',
  /** `{0}`: runs, `{1}`: tags. */
  summary: '{0} runs, {1} tags',
  waiting: 'No scalars in this folder yet. Charts appear as soon as a training run writes its first values.',
  tagGroups: 'Tag groups',
  warnings: 'Warnings from reading the log folder:',
  /** `{0}`: bytes read, `{1}`: bytes in all. */
  reading: 'Reading the event files: {0} of {1}…',
  whyEmpty: 'Why nothing is drawn',
  /** `{0}`: folders searched. */
  noEventFiles:
    'No event files here: {0} folders searched (8 levels deep) for files whose name contains “tfevents”.',
  eventFilesHint:
    'Keras writes them when keras.callbacks.TensorBoard(log_dir=…) is passed to fit(); PyTorch when a torch.utils.tensorboard.SummaryWriter logs a value. Open the folder given as log_dir.',
  /** `{0}`: event files, `{1}`: their size. */
  noScalars: '{0} event files ({1}) hold no scalars yet.',
  onlyHeaders:
    'They hold only their first record: the program has not written values yet. Keras writes at the end of each epoch; PyTorch’s SummaryWriter every 2 minutes, or when flush() or close() is called.',
  /** `{0}`: a list such as “histograms: 4 tags (dense/kernel_0, …)”. */
  otherTags: 'Values seen that are not scalars (this view draws scalars only): {0}.',
  /** `{0}`: a list such as “graph: 1”. */
  otherRecords: 'Other records: {0}.',
  /** `{0}`: links. */
  skippedLinks: '{0} symbolic links were skipped; the warnings above say why.',
  /** `{0}`: count, `{1}`: examples. */
  tagCount: '{0} tags ({1})',
  hparams: 'Hyperparameters',
  hparamsRun: 'Run',
  onlyDiffering: 'Only hyperparameters that differ',
  bestBy: 'Best run by',
  bestMarker: 'best',
  noMetric: '(no metric)',
  /** A training-panel run in the run list and the runs table; `{0}`: when it started. */
  panelRun: 'AI Onramp panel: {0}',
  hpEpochs: 'Epochs',
  hpBatchSize: 'Batch size',
  hpLearningRate: 'Learning rate',
  hpSchedule: 'Learning-rate schedule',
  hpOptimizer: 'Optimizer',
  /** A panel run's layers in a short Keras-like line (src/shared/runDiff.ts). */
  hpModel: 'Model',
  hpSeed: 'Seed',
  hpBackend: 'Backend',
  hpTrainSamples: 'Training images',
  scheduleCosine: 'Cosine decay',
  scheduleConstant: 'Constant',
  testAccuracy: 'Test accuracy',
  testLoss: 'Test loss',
} as const;

export type TensorBoardStrings = { [K in keyof typeof TENSORBOARD_STRINGS]: string };
