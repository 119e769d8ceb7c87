/**
 * Runs a training with our own CPU engine (src/webview/engine, issue 7) behind the same interface as the tfjs
 * trainer, so the panel's run, curves, pause/stop and history work the same on every backend. The engine trains
 * in workers; this side only forwards controls and turns its progress reports into curve points. At the end the
 * weights (in the tfjs layout) are loaded into a tfjs model, so prediction and export work whichever trained.
 */
import * as tf from '@tensorflow/tfjs';
import { createOnrampCpuEngine, type OnrampCpuEngine } from '../engine/engine';
import type { Hyperparameters } from '../../shared/protocol/training';
import { CLASSES, PIXELS, type Mnist } from './data';
import { DivergenceWatch, type Divergence } from './divergence';
import { buildModel } from './model';
import type { RunControl, TrainerEvents, TrainingSizes, TrainOutcome, Trainer } from './trainer';

export interface EngineAssets {
  wasmUrl: string;
  workerUrl: string;
}

const PROGRESS_EVERY_BATCHES = 25;

export class EngineTrainer implements Trainer {
  readonly backend = 'onramp-cpu' as const;
  epochsCompleted = 0;
  step = 0;
  snapshot?: Float32Array[];
  model?: tf.Sequential;
  divergence?: Divergence;
  private samplesDone = 0;
  private trainMs = 0;
  private readonly valImages: Uint8Array;
  private readonly valLabels: Uint8Array;

  static async create(
    assets: EngineAssets,
    data: Mnist,
    hyper: Hyperparameters,
    sizes: TrainingSizes,
    events: TrainerEvents,
    resume?: { epochsCompleted: number; step: number; weights?: Float32Array[] },
  ): Promise<EngineTrainer> {
    const engine = await createOnrampCpuEngine({ wasm: assets.wasmUrl, workerUrl: assets.workerUrl });
    const n = sizes.trainSamples;
    await engine.setData(data.train.images.subarray(0, n * PIXELS), data.train.labels.subarray(0, n));
    if (resume?.weights) {
      const [convKernel, convBias, denseKernel, denseBias] = resume.weights;
      await engine.setWeights({ convKernel, convBias, denseKernel, denseBias });
    } else {
      await engine.init(Math.floor(Math.random() * 2 ** 31));
    }
    const trainer = new EngineTrainer(engine, data, hyper, sizes, events);
    if (resume) {
      trainer.epochsCompleted = resume.epochsCompleted;
      trainer.step = resume.step;
    }
    return trainer;
  }

  private constructor(
    private readonly engine: OnrampCpuEngine,
    private readonly data: Mnist,
    private readonly hyper: Hyperparameters,
    readonly sizes: TrainingSizes,
    private readonly events: TrainerEvents,
  ) {
    const valStart = data.train.count - sizes.valSamples;
    this.valImages = data.train.images.subarray(valStart * PIXELS);
    this.valLabels = data.train.labels.subarray(valStart);
  }

  /** Which kernels the engine runs ('wasm-simd' or 'ts') and on how many workers. */
  get description(): string {
    return `${this.engine.kernel}, ${this.engine.threads} worker(s)`;
  }

  get samplesPerSec(): number {
    return this.trainMs > 0 ? (this.samplesDone / this.trainMs) * 1000 : 0;
  }

  async train(control: RunControl): Promise<TrainOutcome> {
    const { epochs, batchSize, learningRate } = this.hyper;
    const n = this.sizes.trainSamples;
    const totalSamples = epochs * n;
    const batchesPerEpoch = Math.ceil(n / batchSize);
    const unsubscribe = control.subscribe?.(() => {
      if (control.stopRequested) this.engine.stop();
      else if (control.paused) this.engine.pause();
      else this.engine.resume();
    });
    const watch = new DivergenceWatch(Math.log(CLASSES), this.step);
    try {
      for (let epoch = this.epochsCompleted + 1; epoch <= epochs; epoch++) {
        if (control.stopRequested) return 'stopped';
        const base = this.step;
        const doneBefore = this.samplesDone;
        const result = await this.engine.trainEpoch({
          batchSize,
          learningRate,
          // A resumed run restarts its unfinished epoch, so each epoch's place on the curve follows from its number.
          cosineDecay:
            this.hyper.schedule === 'cosine'
              ? { steps: epochs * batchesPerEpoch, offset: (epoch - 1) * batchesPerEpoch }
              : undefined,
          shuffleSeed: Math.floor(Math.random() * 2 ** 31),
          progressEvery: PROGRESS_EVERY_BATCHES,
          onProgress: (p) => {
            if (this.divergence) return;
            const verdict = watch.observe(base + p.batch, p.loss);
            if (verdict?.kind === 'notFinite') {
              this.divergence = verdict;
              this.engine.stop();
              return;
            }
            const rate = p.samplesPerSec;
            this.events.onBatch({
              epoch,
              batch: p.batch,
              batchesPerEpoch: p.batches,
              step: base + p.batch,
              loss: p.loss,
              accuracy: p.acc,
              samplesPerSec: rate,
              etaSec: rate > 0 ? (totalSamples - (doneBefore + p.samples)) / rate : NaN,
            });
            if (verdict) {
              this.divergence = verdict;
              this.engine.stop();
            }
          },
        });
        this.step = base + result.completedBatches;
        this.samplesDone += result.samples;
        this.trainMs += result.ms;
        if (this.divergence) return 'diverged';
        if (result.stopped) return 'stopped';
        const val = await this.engine.evaluate(this.valImages, this.valLabels);
        this.epochsCompleted = epoch;
        const w = await this.engine.getWeights();
        this.snapshot = [w.convKernel, w.convBias, w.denseKernel, w.denseBias];
        const mem = tf.memory();
        this.events.onEpoch({
          epoch,
          step: this.step,
          valLoss: val.loss,
          valAccuracy: val.acc,
          memory: { epoch, numTensors: mem.numTensors, numBytes: mem.numBytes },
        });
        this.divergence = watch.observeValidation(this.step, val.loss);
        if (this.divergence) return 'diverged';
      }
      return 'completed';
    } finally {
      unsubscribe?.();
      await this.loadModel();
    }
  }

  /** Puts the engine's weights into a tfjs model (on tfjs's CPU backend) for prediction and export. */
  private async loadModel(): Promise<void> {
    const w = await this.engine.getWeights().catch(() => undefined);
    if (!w) return;
    this.model?.dispose();
    this.model = buildModel();
    const shapes = this.model.getWeights().map((t) => t.shape);
    const tensors = [w.convKernel, w.convBias, w.denseKernel, w.denseBias].map((v, i) =>
      tf.tensor(v, shapes[i]),
    );
    this.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  async evaluateTest(): Promise<{ loss: number; accuracy: number }> {
    const n = this.sizes.testSamples;
    const r = await this.engine.evaluate(
      this.data.test.images.subarray(0, n * PIXELS),
      this.data.test.labels.subarray(0, n),
    );
    return { loss: r.loss, accuracy: r.acc };
  }

  releaseData(): void {
    // The engine's workers hold the data; they end with the run.
    this.engine.dispose();
  }

  dispose(): void {
    this.engine.dispose();
    this.model?.dispose();
    this.model = undefined;
  }
}
