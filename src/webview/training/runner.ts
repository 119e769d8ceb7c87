/**
 * The epoch runner: one training loop for every backend. It owns what a run is (epochs after the finished ones of
 * a resumed run, the global step, samples/s over the training time, the ETA, the learning-rate schedule, stop,
 * and divergence by the one rule in divergence.ts) and asks a small `TrainingBackend` for what differs: one
 * epoch of batches, an evaluation, the weights, and its memory. Two backends implement it: tfjs's
 * (tfjsBackend.ts, any tfjs backend) and our CPU engine's (engineBackend.ts, which trains in workers).
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendName, EpochMemory, Hyperparameters } from '../../shared/protocol/training';
import { SEED } from '../../shared/architecture';
import { ARTICLE_MODEL, cosineDecayedRate, type Architecture } from '../../shared/model';
import { CLASSES } from './data';
import { DivergenceWatch, type Divergence } from './divergence';

/** What a run trains: the architecture, and the seed of its initial weights (`initialWeights`). */
export interface ModelChoice {
  architecture: Architecture;
  seed: number;
  /** Start from these weights (tfjs order) instead of the seed's: a fine-tune of a trained model. */
  weights?: Float32Array[];
}

/** The article's model from a fresh random seed: what a caller that chooses no model trains (the benches). */
export function defaultModelChoice(): ModelChoice {
  return { architecture: ARTICLE_MODEL, seed: Math.floor(Math.random() * (SEED.max + 1)) };
}

export interface TrainingSizes {
  /** Training images used (the first n of the 55,000 before the validation split). */
  trainSamples: number;
  /** Validation images (taken from the end of the 60,000). */
  valSamples: number;
  testSamples: number;
}

export interface BatchMetrics {
  epoch: number;
  /** Batches done in this epoch, and in total (the curve's step). */
  batch: number;
  batchesPerEpoch: number;
  step: number;
  /** Mean loss and accuracy over the batches since the previous read. */
  loss: number;
  accuracy: number;
  samplesPerSec: number;
  etaSec: number;
}

export interface EpochMetrics {
  epoch: number;
  step: number;
  valLoss: number;
  valAccuracy: number;
  /** The backend's memory after the epoch; absent for a backend that has no such figure (our CPU engine). */
  memory?: EpochMemory;
}

export interface TrainerEvents {
  onBatch(m: BatchMetrics): void;
  onEpoch(m: EpochMetrics): void;
}

export interface RunControl {
  readonly stopRequested: boolean;
  readonly paused: boolean;
  /** Calls `listener` on pause, resume and stop (for trainers that run elsewhere); returns an unsubscribe. */
  subscribe?(listener: () => void): () => void;
  /** Resolves at once unless paused; while paused, when resumed or stopped. */
  waitWhilePaused(): Promise<void>;
}

/** 'diverged': the loss stopped being finite or climbed and stayed far above its start (see `divergence`). */
export type TrainOutcome = 'completed' | 'stopped' | 'diverged' | 'contextLost';

/** Where a run continues: after its finished epochs, from their weights (in the tfjs model's order). */
export interface Resume {
  epochsCompleted: number;
  step: number;
  weights?: Float32Array[];
}

/** What the panel needs from a trainer: the runner below, whichever backend it drives. */
export interface Trainer {
  readonly backend: BackendName;
  readonly sizes: TrainingSizes;
  readonly epochsCompleted: number;
  readonly step: number;
  /** Weights after the last finished epoch, in the tfjs model's order. */
  readonly snapshot?: Float32Array[];
  /** The trained model (tfjs), for prediction and export. */
  readonly model?: tf.LayersModel;
  readonly samplesPerSec: number;
  /** How the backend runs, for the log (the CPU engine: its kernels, build and workers). */
  readonly detail?: string;
  /**
   * The current weights in the tfjs model's order, on the CPU (with `only`, just those indices): between
   * batches while training (the live filter view), from the trained model after.
   */
  weights(only?: readonly number[]): Promise<Float32Array[]>;
  /** Why the run diverged, when `train` returned 'diverged'. */
  readonly divergence?: Divergence;
  train(control: RunControl): Promise<TrainOutcome>;
  evaluateTest(): Promise<{ loss: number; accuracy: number }>;
  releaseData(): void;
  dispose(): void;
}

/** One epoch, as the runner asks a backend for it. */
export interface EpochPlan {
  /** 1-based. */
  epoch: number;
  /** The global step before this epoch's first batch (0: the run's very first batch comes now). */
  startStep: number;
  batchSize: number;
  batchesPerEpoch: number;
  /** The schedule: the learning rate of this epoch's batch `batch` (0-based). */
  learningRate(batch: number): number;
  /** The same schedule as our engine takes it (its workers compute the rate per batch). */
  schedule: { learningRate: number; cosineDecay?: { steps: number; offset: number } };
}

/** A reading within an epoch: batches and samples done so far, training time so far (pauses excluded). */
export interface EpochProgress {
  batch: number;
  samples: number;
  ms: number;
  /** Mean loss and accuracy over the batches since the previous reading. */
  loss: number;
  accuracy: number;
}

export interface EpochDone {
  batches: number;
  samples: number;
  /** Training time of the epoch, pauses excluded. */
  ms: number;
  /** The epoch ended early because a stop was asked. */
  stopped: boolean;
}

/** The runner's side of an epoch, for the backend. */
export interface EpochContext {
  readonly control: RunControl;
  /** True once the epoch must end: a stop was asked or the run diverged. */
  readonly halted: boolean;
  /** Hands over a reading; false when the run has diverged and the epoch must end now. */
  report(progress: EpochProgress): boolean;
}

/** What differs between backends: where the batches run, how the loss is read back, where the weights are. */
export interface TrainingBackend {
  readonly name: BackendName;
  /** The trained model (tfjs), for prediction and export. */
  readonly model?: tf.LayersModel;
  /** How it runs, for the log. */
  readonly detail?: string;
  trainEpoch(plan: EpochPlan, context: EpochContext): Promise<EpochDone>;
  evaluate(set: 'validation' | 'test'): Promise<{ loss: number; accuracy: number }>;
  /** The weights in the tfjs model's order, on the CPU; with `only`, just those (by index in that order). */
  weights(only?: readonly number[]): Promise<Float32Array[]>;
  /** Live tensors and bytes after an epoch, or nothing where the backend has no such figure. */
  memory(): Omit<EpochMemory, 'epoch'> | undefined;
  /** For a backend that trains elsewhere: follows pause, resume and stop for the whole run; returns the unfollow. */
  follow?(control: RunControl): (() => void) | undefined;
  /** Whether the device is gone (a lost WebGL context), given the error a step threw, if one did. */
  isLost?(error?: unknown): boolean;
  /** After the last epoch, whatever the outcome. */
  finish?(): Promise<void>;
  releaseData(): void;
  dispose(): void;
}

export class EpochRunner implements Trainer {
  /** Epochs finished so far (also where a resumed run starts). */
  epochsCompleted = 0;
  /** Global batch count: the x of every curve point. */
  step = 0;
  snapshot?: Float32Array[];
  divergence?: Divergence;
  /** Samples trained and time spent training (excluding validation and pauses), for samples/s. */
  private samplesDone = 0;
  private trainMs = 0;

  constructor(
    private readonly trainingBackend: TrainingBackend,
    private readonly hyper: Hyperparameters,
    readonly sizes: TrainingSizes,
    private readonly events: TrainerEvents,
    resume?: Resume,
  ) {
    if (resume) {
      this.epochsCompleted = resume.epochsCompleted;
      this.step = resume.step;
    }
  }

  get detail(): string | undefined {
    return this.trainingBackend.detail;
  }

  get backend(): BackendName {
    return this.trainingBackend.name;
  }

  get model(): tf.LayersModel | undefined {
    return this.trainingBackend.model;
  }

  get samplesPerSec(): number {
    return this.trainMs > 0 ? (this.samplesDone / this.trainMs) * 1000 : 0;
  }

  /** Trains the remaining epochs. Never throws for a lost device: returns 'contextLost' instead. */
  async train(control: RunControl): Promise<TrainOutcome> {
    const unfollow = this.trainingBackend.follow?.(control);
    try {
      return await this.trainEpochs(control);
    } catch (e) {
      if (this.trainingBackend.isLost?.(e)) return 'contextLost';
      throw e;
    } finally {
      unfollow?.();
      await this.trainingBackend.finish?.();
    }
  }

  private async trainEpochs(control: RunControl): Promise<TrainOutcome> {
    const backend = this.trainingBackend;
    const lost = () => backend.isLost?.() ?? false;
    const { epochs, batchSize, learningRate } = this.hyper;
    const n = this.sizes.trainSamples;
    const batchesPerEpoch = Math.ceil(n / batchSize);
    const totalBatches = epochs * batchesPerEpoch;
    const totalSamples = epochs * n;
    const watch = new DivergenceWatch(Math.log(CLASSES), this.step);
    for (let epoch = this.epochsCompleted + 1; epoch <= epochs; epoch++) {
      if (control.stopRequested) return 'stopped';
      // A resumed run restarts its unfinished epoch, so each epoch's place in the schedule follows from its number.
      const offset = (epoch - 1) * batchesPerEpoch;
      const cosine = this.hyper.schedule === 'cosine';
      const startStep = this.step;
      const samplesBefore = this.samplesDone;
      const msBefore = this.trainMs;
      const diverged = () => this.divergence !== undefined;
      const context: EpochContext = {
        control,
        get halted() {
          return control.stopRequested || diverged();
        },
        report: (p) => {
          if (diverged()) return false;
          const step = startStep + p.batch;
          const verdict = watch.observe(step, p.loss);
          if (verdict?.kind === 'notFinite') {
            this.divergence = verdict;
            return false;
          }
          const ms = msBefore + p.ms;
          const rate = ms > 0 ? ((samplesBefore + p.samples) / ms) * 1000 : 0;
          this.events.onBatch({
            epoch,
            batch: p.batch,
            batchesPerEpoch,
            step,
            loss: p.loss,
            accuracy: p.accuracy,
            samplesPerSec: rate,
            etaSec: rate > 0 ? (totalSamples - ((epoch - 1) * n + p.samples)) / rate : NaN,
          });
          this.divergence = verdict;
          return verdict === undefined;
        },
      };
      const done = await backend.trainEpoch(
        {
          epoch,
          startStep,
          batchSize,
          batchesPerEpoch,
          learningRate: (b) =>
            cosine ? cosineDecayedRate(learningRate, offset + b, totalBatches) : learningRate,
          schedule: {
            learningRate,
            cosineDecay: cosine ? { steps: totalBatches, offset } : undefined,
          },
        },
        context,
      );
      this.step = startStep + done.batches;
      this.samplesDone += done.samples;
      this.trainMs += done.ms;
      if (lost()) return 'contextLost';
      if (this.divergence) return 'diverged';
      if (done.stopped) return 'stopped';
      const val = await backend.evaluate('validation');
      if (lost()) return 'contextLost';
      this.epochsCompleted = epoch;
      this.snapshot = await backend.weights();
      const memory = backend.memory();
      this.events.onEpoch({
        epoch,
        step: this.step,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        memory: memory && { epoch, ...memory },
      });
      this.divergence = watch.observeValidation(this.step, val.loss);
      if (this.divergence) return 'diverged';
    }
    return 'completed';
  }

  evaluateTest(): Promise<{ loss: number; accuracy: number }> {
    return this.trainingBackend.evaluate('test');
  }

  weights(only?: readonly number[]): Promise<Float32Array[]> {
    return this.trainingBackend.weights(only);
  }

  releaseData(): void {
    this.trainingBackend.releaseData();
  }

  dispose(): void {
    this.trainingBackend.dispose();
  }
}
