// The training panel's runs (RunRecord, kept by src/training/history.ts) as the TensorBoard-logs page
// draws log runs: shaped as Keras's TensorBoard callback writes a run, so that the panel's run and a
// Python run of the same model land in the same cards with the same x meaning. Pure (no vscode, no DOM).
import type { RunRecord } from '../protocol/training';
import type { RunSummary } from '../protocol/tensorboard';
import type { ScalarPoint } from '../series';
import { architectureSummary, runArchitecture } from '../runDiff';

/**
 * Panel runs are named under this root. Log runs are folder paths relative to the log folder, which never
 * start with `/`, so no log run can take a panel run's name.
 */
export const PANEL_RUN_ROOT = '/ai-onramp-panel';

/** The hyperparameter names a panel run has in the runs table (Python's spelling, as hparams logs use). */
export const PANEL_HPARAMS = [
  'epochs',
  'batch_size',
  'learning_rate',
  'schedule',
  'optimizer',
  'model',
  'seed',
  'backend',
  'train_samples',
] as const;

/** The final metrics of a panel run that no chart draws (the test set is scored once, after training). */
export const PANEL_METRICS = ['test_accuracy', 'test_loss'] as const;

export function isPanelRun(name: string): boolean {
  return name === PANEL_RUN_ROOT || name.startsWith(`${PANEL_RUN_ROOT}/`);
}

export interface PanelSeries {
  readonly run: string;
  readonly tag: string;
  readonly points: ScalarPoint[];
}

export interface PanelRunLogs {
  /** The run itself (hyperparameters, final metrics), then its `train` and `validation` runs. */
  readonly runs: RunSummary[];
  readonly series: PanelSeries[];
}

/** The run's start in local time, `YYYY-MM-DD HH:MM:SS`: the same in every language. */
export function panelRunLabel(startedAt: number): string {
  const d = new Date(startedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/**
 * Points in step order with restarts resolved as TensorBoard does: a point whose step is not after the
 * last one kept drops the kept points it supersedes (a run moved to another backend redoes its epoch).
 */
function increasing(curve: readonly ScalarPoint[]): ScalarPoint[] {
  const kept: ScalarPoint[] = [];
  for (const p of curve) {
    while (kept.length > 0 && kept[kept.length - 1].step >= p.step) kept.pop();
    kept.push(p);
  }
  return kept;
}

/**
 * A training curve of the panel (each point the sample-weighted mean over the batches since the point
 * before, the last batch of every epoch always read) as Keras logs training:
 * - `batch`: at each point, the running mean over the epoch so far, at step = batches done (what Keras's
 *   `batch_*` scalars hold with `update_freq='batch'`: its metrics reset each epoch);
 * - `epoch`: for each finished epoch, the mean over all its samples, at step = epoch index from 0 (what
 *   `epoch_*` in `train/` holds).
 */
function trainingAsKeras(
  curve: readonly ScalarPoint[],
  samplesPerEpoch: number,
  batchSize: number,
): { batch: ScalarPoint[]; epoch: ScalarPoint[] } {
  const batch: ScalarPoint[] = [];
  const epoch: ScalarPoint[] = [];
  if (samplesPerEpoch <= 0 || batchSize <= 0) return { batch, epoch };
  const batchesPerEpoch = Math.ceil(samplesPerEpoch / batchSize);
  const samplesBefore = (batchesInEpoch: number) => Math.min(batchesInEpoch * batchSize, samplesPerEpoch);
  let current = 0;
  let sum = 0;
  let samples = 0;
  let previous = 0;
  for (const p of increasing(curve)) {
    if (p.step < 1) continue;
    const index = Math.ceil(p.step / batchesPerEpoch);
    const start = (index - 1) * batchesPerEpoch;
    if (index !== current) {
      current = index;
      sum = samples = 0;
      previous = start;
    }
    const window = samplesBefore(p.step - start) - samplesBefore(previous - start);
    previous = p.step;
    sum += p.value * window;
    samples += window;
    const mean = samples > 0 ? sum / samples : p.value;
    batch.push({ step: p.step, wallTime: p.wallTime, value: mean });
    if (p.step === index * batchesPerEpoch && samples === samplesPerEpoch) {
      epoch.push({ step: index - 1, wallTime: p.wallTime, value: mean });
    }
  }
  return { batch, epoch };
}

/**
 * A validation curve of the panel (one point per finished epoch, at step = batches done) as Keras logs
 * validation in `validation/`: `epoch_*` at step = epoch index from 0, and `evaluation_*_vs_iterations`
 * at step = optimizer iterations (batches done), the same values.
 */
function validationAsKeras(
  curve: readonly ScalarPoint[],
  batchesPerEpoch: number,
): { epoch: ScalarPoint[]; iterations: ScalarPoint[] } {
  const epoch: ScalarPoint[] = [];
  const iterations: ScalarPoint[] = [];
  for (const p of increasing(curve)) {
    iterations.push({ step: p.step, wallTime: p.wallTime, value: p.value });
    const index = p.step / batchesPerEpoch;
    if (Number.isInteger(index) && index >= 1)
      epoch.push({ step: index - 1, wallTime: p.wallTime, value: p.value });
  }
  return { epoch, iterations };
}

/**
 * A panel run as the runs and series of a Keras log: `<root>/<id>` holds its hyperparameters and test
 * metrics; `<root>/<id>/train` and `<root>/<id>/validation` hold `epoch_loss` and `epoch_accuracy` (x = epoch
 * from 0, as the scaffolded Keras and PyTorch projects log), `batch_*` in train and
 * `evaluation_*_vs_iterations` in validation (x = batches done). Only series with points are listed.
 * The panel validates on images held out of the training set; the scaffolded scripts validate on the test
 * set: both are the data the run did not train on, drawn as `validation`.
 */
export function panelRunLogs(record: RunRecord, label: string): PanelRunLogs {
  const name = `${PANEL_RUN_ROOT}/${record.id}`;
  const { batchSize } = record.hyperparameters;
  const batchesPerEpoch = Math.max(1, Math.ceil(record.trainSamples / batchSize));
  const loss = trainingAsKeras(record.curves.trainLoss, record.trainSamples, batchSize);
  const accuracy = trainingAsKeras(record.curves.trainAccuracy, record.trainSamples, batchSize);
  const valLoss = validationAsKeras(record.curves.valLoss, batchesPerEpoch);
  const valAccuracy = validationAsKeras(record.curves.valAccuracy, batchesPerEpoch);
  const series: PanelSeries[] = [
    { run: `${name}/train`, tag: 'batch_accuracy', points: accuracy.batch },
    { run: `${name}/train`, tag: 'batch_loss', points: loss.batch },
    { run: `${name}/train`, tag: 'epoch_accuracy', points: accuracy.epoch },
    { run: `${name}/train`, tag: 'epoch_loss', points: loss.epoch },
    { run: `${name}/validation`, tag: 'epoch_accuracy', points: valAccuracy.epoch },
    { run: `${name}/validation`, tag: 'epoch_loss', points: valLoss.epoch },
    { run: `${name}/validation`, tag: 'evaluation_accuracy_vs_iterations', points: valAccuracy.iterations },
    { run: `${name}/validation`, tag: 'evaluation_loss_vs_iterations', points: valLoss.iterations },
  ].filter((s) => s.points.length > 0);
  const h = record.hyperparameters;
  const metrics: Record<string, number> = {};
  if (Number.isFinite(record.testAccuracy)) metrics.test_accuracy = record.testAccuracy as number;
  if (Number.isFinite(record.testLoss)) metrics.test_loss = record.testLoss as number;
  const summary = (run: string, tags: string[]): RunSummary => ({ name: run, tags, source: 'panel', label });
  const runs: RunSummary[] = [
    {
      ...summary(name, []),
      hparams: {
        epochs: h.epochs,
        batch_size: h.batchSize,
        learning_rate: h.learningRate,
        schedule: h.schedule,
        optimizer: h.optimizer,
        // The layers in Keras's names (the same in every language); the seed only where the run recorded one.
        model: architectureSummary(runArchitecture(record)),
        ...(record.seed !== undefined && { seed: record.seed }),
        backend: record.backend,
        train_samples: record.trainSamples,
      },
      ...(Object.keys(metrics).length > 0 && { metrics }),
    },
  ];
  for (const run of [`${name}/train`, `${name}/validation`]) {
    const tags = series.filter((s) => s.run === run).map((s) => s.tag);
    if (tags.length > 0) runs.push(summary(run, tags));
  }
  return { runs, series };
}
