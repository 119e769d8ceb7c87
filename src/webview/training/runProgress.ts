/**
 * A run's record as it goes: the sizes of a run, a new record, and the trainer's events turned into curve
 * points, the view's figures and the periodic update the host persists (so a closed panel keeps the run).
 */
import type { BackendName, Hyperparameters, RunLimits, RunRecord } from '../../shared/protocol/training';
import type { Architecture } from '../../shared/model';
import type { Translate } from '../../shared/l10n/training';
import type { Curves } from './curves';
import { TEST_COUNT, TRAIN_COUNT, VALIDATION_COUNT } from './data';
import type { BatchMetrics, EpochMetrics, TrainerEvents, TrainingSizes } from './runner';
import { backendLabel, type TrainingView } from './view';

/** How often the run so far is sent to the host (it persists it, so a closed panel keeps it). */
export const UPDATE_EVERY_MS = 5_000;

export function trainingSizes(limits: RunLimits = {}): TrainingSizes {
  const fullTrain = TRAIN_COUNT - VALIDATION_COUNT;
  const trainSamples = Math.min(limits.trainSamples ?? fullTrain, fullTrain);
  // A short run validates on proportionally fewer images, so that validation does not dominate it.
  const valSamples =
    trainSamples >= fullTrain
      ? VALIDATION_COUNT
      : Math.min(VALIDATION_COUNT, Math.max(256, Math.round((trainSamples * VALIDATION_COUNT) / fullTrain)));
  const testSamples = Math.min(limits.testSamples ?? TEST_COUNT, TEST_COUNT);
  return { trainSamples, valSamples, testSamples };
}

export function newRunRecord(
  hyper: Hyperparameters,
  backend: BackendName,
  sizes: TrainingSizes,
  model?: { architecture: Architecture; seed: number },
): RunRecord {
  return {
    id: `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
    startedAt: Date.now(),
    durationMs: 0,
    status: 'running',
    hyperparameters: hyper,
    backend,
    trainSamples: sizes.trainSamples,
    testSamples: sizes.testSamples,
    epochsCompleted: 0,
    samplesPerSec: 0,
    curves: { trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [] },
    memory: [],
    ...(model && { architecture: model.architecture, seed: model.seed }),
  };
}

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

/** A batch's figures into the run's record; returns the wall time (s) they were recorded at. */
export function recordBatch(run: RunRecord, m: BatchMetrics): number {
  const wallTime = Date.now() / 1000;
  run.curves.trainLoss.push({ step: m.step, wallTime, value: m.loss });
  run.curves.trainAccuracy.push({ step: m.step, wallTime, value: m.accuracy });
  run.samplesPerSec = m.samplesPerSec;
  return wallTime;
}

/** An epoch's validation and memory into the run's record; returns the wall time (s) they were recorded at. */
export function recordEpoch(run: RunRecord, m: EpochMetrics): number {
  const wallTime = Date.now() / 1000;
  run.curves.valLoss.push({ step: m.step, wallTime, value: m.valLoss });
  run.curves.valAccuracy.push({ step: m.step, wallTime, value: m.valAccuracy });
  if (m.memory) run.memory.push(m.memory);
  run.epochsCompleted = m.epoch;
  return wallTime;
}

export interface RunProgressHooks {
  view: TrainingView;
  curves: Curves;
  t: Translate;
  /** Whether the panel shows a training in progress (not paused), so the status line may follow the batches. */
  isTraining(): boolean;
  /** Sends the run so far to the host. */
  update(run: RunRecord): void;
}

/** The trainer's events for one run: each goes into the record, the curves and the view. */
export class RunProgress implements TrainerEvents {
  private lastUpdate = 0;
  private readonly totalBatches: number;

  constructor(
    private readonly run: RunRecord,
    private readonly hyper: Hyperparameters,
    sizes: TrainingSizes,
    private readonly hooks: RunProgressHooks,
  ) {
    this.totalBatches = hyper.epochs * Math.ceil(sizes.trainSamples / hyper.batchSize);
  }

  onBatch(m: BatchMetrics): void {
    const { run, hooks } = this;
    const { view, t } = hooks;
    const wallTime = recordBatch(run, m);
    hooks.curves.appendTrain(m.step, wallTime, m.loss, m.accuracy);
    view.setMetric('batch-loss', m.loss.toFixed(4));
    view.setMetric('batch-accuracy', pct(m.accuracy));
    view.setMetric('speed', t('samplesPerSec', Math.round(m.samplesPerSec).toLocaleString('en-US')));
    view.setMetric('eta', formatDuration(m.etaSec));
    view.setProgress(m.step / this.totalBatches);
    if (hooks.isTraining()) {
      view.setStatus(
        `${t('training', backendLabel(run.backend, t))} · ${t('epochOf', m.epoch, this.hyper.epochs)}, ${t('batchOf', m.batch, m.batchesPerEpoch)}`,
      );
    }
    this.maybeUpdate();
  }

  onEpoch(m: EpochMetrics): void {
    const { run, hooks } = this;
    const wallTime = recordEpoch(run, m);
    hooks.curves.appendValidation(m.step, wallTime, m.valLoss, m.valAccuracy);
    hooks.view.setMetric('val-loss', m.valLoss.toFixed(4));
    hooks.view.setMetric('val-accuracy', pct(m.valAccuracy));
    this.maybeUpdate(true);
  }

  private maybeUpdate(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastUpdate < UPDATE_EVERY_MS) return;
    this.lastUpdate = now;
    this.run.durationMs = Date.now() - this.run.startedAt;
    this.hooks.update(this.run);
  }
}
