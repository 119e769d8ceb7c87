/**
 * The backend of the epoch runner (runner.ts) for our own CPU engine (src/webview/engine, issue 7), so the
 * panel's run, curves, pause/stop and history work the same on every backend. The engine trains in workers;
 * this side forwards controls and hands its progress reports to the runner. At the end the weights (in the
 * tfjs layout) are loaded into a tfjs model, so prediction and export work whichever trained. It reports no
 * memory figure: tfjs's `tf.memory()` does not see the engine, and the engine keeps no count of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { createOnrampCpuEngine, type OnrampCpuEngine } from '../engine/engine';
import type { Hyperparameters, OptimizerName } from '../../shared/protocol/training';
import type { Architecture } from '../../shared/model';
import { PIXELS, type Mnist } from './data';
import { buildModel } from '../common/tfjsModel';
import {
  EpochRunner,
  type EpochContext,
  type EpochDone,
  type EpochPlan,
  type Resume,
  type RunControl,
  type TrainerEvents,
  type TrainingBackend,
  type TrainingSizes,
  defaultModelChoice,
  type ModelChoice,
} from './runner';

export interface EngineAssets {
  wasmUrl: string;
  relaxedWasmUrl?: string;
  workerUrl: string;
}

const PROGRESS_EVERY_BATCHES = 25;

/** A run on our CPU engine, driven by the epoch runner. */
export async function engineTrainer(
  assets: EngineAssets,
  data: Mnist,
  hyper: Hyperparameters,
  sizes: TrainingSizes,
  events: TrainerEvents,
  resume?: Resume,
  model: ModelChoice = defaultModelChoice(),
): Promise<EpochRunner> {
  const backend = await EngineBackend.create(
    assets,
    data,
    model,
    sizes,
    hyper.optimizer,
    resume?.weights ?? model.weights,
  );
  return new EpochRunner(backend, hyper, sizes, events, resume);
}

export class EngineBackend implements TrainingBackend {
  readonly name = 'onramp-cpu' as const;
  get detail(): string {
    const { kernel, relaxedSimd, threads } = this.engine;
    const build = kernel.startsWith('wasm')
      ? relaxedSimd
        ? 'relaxed SIMD build (fused multiply-adds), '
        : 'SIMD build, '
      : '';
    return `onramp CPU engine: ${kernel} kernels, ${build}${threads} worker(s)`;
  }
  model?: tf.Sequential;
  private readonly valImages: Uint8Array;
  private readonly valLabels: Uint8Array;
  /** The workers are gone (after the run): the weights are the model's. */
  private released = false;

  static async create(
    assets: EngineAssets,
    data: Mnist,
    { architecture, seed }: ModelChoice,
    sizes: TrainingSizes,
    optimizer: OptimizerName,
    weights?: Float32Array[],
  ): Promise<EngineBackend> {
    const engine = await createOnrampCpuEngine({
      wasm: assets.wasmUrl,
      relaxedWasm: assets.relaxedWasmUrl,
      workerUrl: assets.workerUrl,
    });
    const n = sizes.trainSamples;
    await engine.setData(data.train.images.subarray(0, n * PIXELS), data.train.labels.subarray(0, n));
    // A resumed run's weights (tfjs order), else the seed's: the same ones the tfjs backends start from.
    if (weights) await engine.setWeights(weights, { architecture });
    else await engine.init(seed, architecture);
    return new EngineBackend(engine, data, architecture, sizes, optimizer);
  }

  private constructor(
    private readonly engine: OnrampCpuEngine,
    private readonly data: Mnist,
    private readonly architecture: Architecture,
    private readonly sizes: TrainingSizes,
    /** Adam, SGD or RMSprop, with Keras's constants (the engine's optimizers.ts). */
    private readonly optimizer: OptimizerName,
  ) {
    const valStart = data.train.count - sizes.valSamples;
    this.valImages = data.train.images.subarray(valStart * PIXELS);
    this.valLabels = data.train.labels.subarray(valStart);
  }

  follow(control: RunControl): (() => void) | undefined {
    return control.subscribe?.(() => {
      if (control.stopRequested) this.engine.stop();
      else if (control.paused) this.engine.pause();
      else this.engine.resume();
    });
  }

  async trainEpoch(plan: EpochPlan, context: EpochContext): Promise<EpochDone> {
    const result = await this.engine.trainEpoch({
      batchSize: plan.batchSize,
      learningRate: plan.schedule.learningRate,
      optimizer: this.optimizer,
      cosineDecay: plan.schedule.cosineDecay,
      shuffleSeed: Math.floor(Math.random() * 2 ** 31),
      progressEvery: PROGRESS_EVERY_BATCHES,
      onProgress: (p) => {
        // The engine reports its rate over the epoch so far; the runner keeps its own over the whole run.
        const ms = p.samplesPerSec > 0 ? (p.samples / p.samplesPerSec) * 1000 : 0;
        const going = context.report({
          batch: p.batch,
          samples: p.samples,
          ms,
          loss: p.loss,
          accuracy: p.acc,
        });
        if (!going) this.engine.stop();
      },
    });
    return {
      batches: result.completedBatches,
      samples: result.samples,
      ms: result.ms,
      stopped: result.stopped,
    };
  }

  async evaluate(set: 'validation' | 'test'): Promise<{ loss: number; accuracy: number }> {
    const n = this.sizes.testSamples;
    const r =
      set === 'validation'
        ? await this.engine.evaluate(this.valImages, this.valLabels)
        : await this.engine.evaluate(
            this.data.test.images.subarray(0, n * PIXELS),
            this.data.test.labels.subarray(0, n),
          );
    return { loss: r.loss, accuracy: r.acc };
  }

  /** From the engine's leading worker (between batches while an epoch trains); once it is gone, from the model. */
  async weights(only?: readonly number[]): Promise<Float32Array[]> {
    if (this.released && this.model) {
      const all = this.model.getWeights();
      return Promise.all(
        (only ? only.map((i) => all[i]) : all).map((w) => w.data() as Promise<Float32Array>),
      );
    }
    return this.engine.getWeightArrays(only);
  }

  memory(): undefined {
    return undefined;
  }

  /** Puts the engine's weights into a tfjs model (on tfjs's CPU backend) for prediction and export. */
  async finish(): Promise<void> {
    const w = await this.engine.getWeightArrays().catch(() => undefined);
    if (!w) return;
    this.model?.dispose();
    this.model = buildModel(this.architecture);
    const shapes = this.model.getWeights().map((t) => t.shape);
    const tensors = w.map((v, i) => tf.tensor(v, shapes[i]));
    this.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  releaseData(): void {
    // The engine's workers hold the data; they end with the run.
    this.released = true;
    this.engine.dispose();
  }

  dispose(): void {
    this.engine.dispose();
    this.model?.dispose();
    this.model = undefined;
  }
}
