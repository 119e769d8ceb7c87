/**
 * The training loop for tfjs backends, built for speed:
 * - the data set is uploaded to the backend once (float32, pixels / 255);
 * - each epoch shuffles an index tensor, and every batch is gathered on the device;
 * - the step runs inside `tf.tidy`; loss and correct-count sums stay on the device and are read back with
 *   `await data()` only about four times a second (and at most one read in flight), never per batch;
 * - validation and test sums are computed in chunks on the device and read once.
 * `tf.memory().numTensors` is recorded after every epoch: the same after epoch 1 and epoch 5.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, EpochMemory, Hyperparameters } from '../../shared/protocol/training';
import { CLASSES, IMAGE_SIZE, labelsInt32, normalizedImages, type Mnist } from './data';
import { cosineDecayedRate } from '../../shared/model';
import { DivergenceWatch, type Divergence } from './divergence';
import {
  buildModel,
  countCorrect,
  makeOptimizer,
  setLearningRate,
  sparseCategoricalCrossentropy,
} from './model';

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
  memory: EpochMemory;
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

/** What the panel needs from a trainer: the tfjs loop below, or our CPU engine (engineTrainer.ts). */
export interface Trainer {
  readonly backend: BackendName;
  readonly sizes: TrainingSizes;
  epochsCompleted: number;
  step: number;
  /** Weights after the last finished epoch, in the tfjs model's order. */
  snapshot?: Float32Array[];
  /** The trained model (tfjs), for prediction and export. */
  readonly model?: tf.LayersModel;
  readonly samplesPerSec: number;
  /** Why the run diverged, when `train` returned 'diverged'. */
  readonly divergence?: Divergence;
  train(control: RunControl): Promise<TrainOutcome>;
  evaluateTest(): Promise<{ loss: number; accuracy: number }>;
  releaseData(): void;
  dispose(): void;
}

const READ_EVERY_MS = 250;
/** Even on a slow backend (a batch per second on tfjs CPU), a read covers several batches. */
const MIN_BATCHES_PER_READ = 4;
const YIELD_EVERY_MS = 40;
const EVAL_CHUNK = 1000;

const yieldChannel = typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
const yieldQueue: (() => void)[] = [];
if (yieldChannel) yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();

/** Lets input events and rendering run (a macrotask, not throttled like setTimeout in hidden frames). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (!yieldChannel) return void setTimeout(resolve, 0);
    yieldQueue.push(resolve);
    yieldChannel.port2.postMessage(0);
  });
}

function shuffledIndices(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

class ContextLost extends Error {}

export class TfjsTrainer implements Trainer {
  readonly model: tf.Sequential;
  private readonly optimizer: tf.Optimizer;
  private trainX!: tf.Tensor4D;
  private trainY!: tf.Tensor1D;
  private valX!: tf.Tensor4D;
  private valY!: tf.Tensor1D;
  /** Epochs finished so far (also where a resumed run starts). */
  epochsCompleted = 0;
  /** Global batch count: the x of every curve point. */
  step = 0;
  /** Samples trained and time spent training (excluding validation and pauses), for samples/s. */
  private samplesDone = 0;
  private trainMs = 0;
  private contextLost = false;
  /** Resolves when the WebGL context is lost: reads pending on a lost context never settle, so every read races it. */
  private readonly lost: Promise<'lost'>;
  private signalLost: () => void = () => undefined;
  private lostListener?: { canvas: EventTarget; handler: () => void };
  /** Weights after the last finished epoch, read back to the CPU so a lost GPU context loses at most an epoch. */
  snapshot?: Float32Array[];
  divergence?: Divergence;

  constructor(
    readonly backend: BackendName,
    private readonly data: Mnist,
    private readonly hyper: Hyperparameters,
    readonly sizes: TrainingSizes,
    private readonly events: TrainerEvents,
    resume?: { epochsCompleted: number; step: number; weights?: Float32Array[] },
  ) {
    this.lost = new Promise((resolve) => (this.signalLost = () => resolve('lost')));
    this.model = buildModel();
    this.optimizer = makeOptimizer(hyper.optimizer, hyper.learningRate);
    if (resume) {
      this.epochsCompleted = resume.epochsCompleted;
      this.step = resume.step;
      if (resume.weights) {
        const tensors = resume.weights.map((w, i) => tf.tensor(w, this.model.getWeights()[i].shape));
        this.model.setWeights(tensors);
        tensors.forEach((t) => t.dispose());
      }
    }
    this.upload();
    this.watchContext();
  }

  private upload(): void {
    const { train } = this.data;
    const { trainSamples, valSamples } = this.sizes;
    const valStart = train.count - valSamples;
    const shape = (n: number): [number, number, number, number] => [n, IMAGE_SIZE, IMAGE_SIZE, 1];
    this.trainX = tf.tensor4d(normalizedImages(train, 0, trainSamples), shape(trainSamples));
    this.trainY = tf.tensor1d(labelsInt32(train, 0, trainSamples), 'int32');
    this.valX = tf.tensor4d(normalizedImages(train, valStart, valSamples), shape(valSamples));
    this.valY = tf.tensor1d(labelsInt32(train, valStart, valSamples), 'int32');
  }

  private watchContext(): void {
    if (this.backend !== 'webgl') return;
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    const canvas = gl?.canvas as EventTarget | undefined;
    if (!canvas) return;
    const handler = () => {
      this.contextLost = true;
      this.signalLost();
    };
    canvas.addEventListener('webglcontextlost', handler);
    this.lostListener = { canvas, handler };
  }

  private isContextLost(): boolean {
    if (this.contextLost) return true;
    if (this.backend !== 'webgl') return false;
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    this.contextLost = gl?.isContextLost() ?? false;
    if (this.contextLost) this.signalLost();
    return this.contextLost;
  }

  /** Awaits a read-back unless the context is lost first (then throws ContextLost). */
  private async settle<T>(p: Promise<T>): Promise<T> {
    const r = await Promise.race([p, this.lost]);
    if (r === 'lost') throw new ContextLost();
    return r as T;
  }

  get samplesPerSec(): number {
    return this.trainMs > 0 ? (this.samplesDone / this.trainMs) * 1000 : 0;
  }

  /** Trains the remaining epochs. Never throws for a lost WebGL context: returns 'contextLost' instead. */
  async train(control: RunControl): Promise<TrainOutcome> {
    try {
      return await this.trainEpochs(control);
    } catch (e) {
      if (e instanceof ContextLost || this.isContextLost()) return 'contextLost';
      throw e;
    }
  }

  private async trainEpochs(control: RunControl): Promise<TrainOutcome> {
    const { epochs, batchSize } = this.hyper;
    const n = this.sizes.trainSamples;
    const batchesPerEpoch = Math.ceil(n / batchSize);
    const totalBatches = epochs * batchesPerEpoch;
    const totalSamples = epochs * n;
    const watch = new DivergenceWatch(Math.log(CLASSES), this.step);
    for (let epoch = this.epochsCompleted + 1; epoch <= epochs; epoch++) {
      const order = tf.tensor1d(shuffledIndices(n), 'int32');
      let lossSum: tf.Scalar = tf.scalar(0);
      let correctSum: tf.Scalar = tf.scalar(0);
      let windowSamples = 0;
      let windowBatches = 0;
      let lastRead = -Infinity;
      let lastYield = performance.now();
      let pending: Promise<void> | undefined;
      const read = (batch: number) => {
        const [l, c, count, step] = [lossSum, correctSum, windowSamples, this.step];
        lossSum = tf.scalar(0);
        correctSum = tf.scalar(0);
        windowSamples = 0;
        windowBatches = 0;
        return Promise.all([l.data(), c.data()]).then(([lv, cv]) => {
          l.dispose();
          c.dispose();
          if (this.isContextLost()) return;
          const loss = lv[0] / count;
          const verdict = watch.observe(step, loss);
          if (verdict?.kind === 'notFinite') {
            this.divergence = verdict;
            return;
          }
          const rate = this.samplesPerSec;
          this.events.onBatch({
            epoch,
            batch,
            batchesPerEpoch,
            step,
            loss,
            accuracy: cv[0] / count,
            samplesPerSec: rate,
            etaSec: rate > 0 ? (totalSamples - ((epoch - 1) * n + batch * batchSize)) / rate : NaN,
          });
          this.divergence = verdict;
        });
      };
      try {
        let segmentStart = performance.now();
        for (let b = 0; b < batchesPerEpoch; b++) {
          if (control.stopRequested || this.isContextLost() || this.divergence) break;
          const now = performance.now();
          if (now - lastYield > YIELD_EVERY_MS) {
            this.trainMs += now - segmentStart;
            await yieldToEventLoop();
            await control.waitWhilePaused();
            if (control.stopRequested) break;
            lastYield = segmentStart = performance.now();
          }
          if (this.hyper.schedule === 'cosine') {
            const step = (epoch - 1) * batchesPerEpoch + b;
            setLearningRate(this.optimizer, cosineDecayedRate(this.hyper.learningRate, step, totalBatches));
          }
          const start = b * batchSize;
          const size = Math.min(batchSize, n - start);
          const [newLoss, newCorrect] = tf.tidy(() => {
            const ids = order.slice(start, size);
            const xb = tf.gather(this.trainX, ids);
            const yb = tf.gather(this.trainY, ids);
            let correct: tf.Scalar | undefined;
            const cost = this.optimizer.minimize(() => {
              const probs = this.model.apply(xb, { training: true }) as tf.Tensor;
              // Computed inside the step (so no second forward pass); kept past the gradient tape's tidy.
              correct = tf.keep(countCorrect(probs, yb));
              return sparseCategoricalCrossentropy(probs, yb);
            }, true)!;
            const sums = [tf.add(lossSum, tf.mul(cost, size)), tf.add(correctSum, correct!)] as tf.Scalar[];
            correct!.dispose();
            return sums;
          });
          lossSum.dispose();
          correctSum.dispose();
          lossSum = newLoss;
          correctSum = newCorrect;
          windowSamples += size;
          windowBatches++;
          this.samplesDone += size;
          this.step++;
          const last = b === batchesPerEpoch - 1;
          const first = this.step === 1 && b === 0;
          if (
            first ||
            last ||
            (performance.now() - lastRead >= READ_EVERY_MS && windowBatches >= MIN_BATCHES_PER_READ)
          ) {
            // At most one read in flight: this keeps the GPU queue short without stalling on every read.
            if (pending) await this.settle(pending);
            lastRead = performance.now();
            pending = read(b + 1);
          }
        }
        const end = performance.now();
        this.trainMs += end - segmentStart;
        if (pending) await this.settle(pending);
      } finally {
        order.dispose();
        lossSum.dispose();
        correctSum.dispose();
      }
      if (this.isContextLost()) return 'contextLost';
      if (this.divergence) return 'diverged';
      if (control.stopRequested) return 'stopped';
      const val = await this.evaluate(this.valX, this.valY);
      if (this.isContextLost()) return 'contextLost';
      this.epochsCompleted = epoch;
      this.snapshot = await this.settle(
        Promise.all(this.model.getWeights().map((w) => w.data() as Promise<Float32Array>)),
      );
      const mem = tf.memory();
      this.events.onEpoch({
        epoch,
        step: this.step,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        memory: { epoch, numTensors: mem.numTensors, numBytes: mem.numBytes },
      });
      this.divergence = watch.observeValidation(this.step, val.loss);
      if (this.divergence) return 'diverged';
    }
    return 'completed';
  }

  /** Mean loss and accuracy over `x`/`y`, summed on the device in chunks and read back once. */
  async evaluate(x: tf.Tensor4D, y: tf.Tensor1D): Promise<{ loss: number; accuracy: number }> {
    const n = x.shape[0];
    let lossSum: tf.Scalar = tf.scalar(0);
    let correctSum: tf.Scalar = tf.scalar(0);
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const [l, c] = tf.tidy(() => {
        const xb = tf.slice(x, [start, 0, 0, 0], [size, IMAGE_SIZE, IMAGE_SIZE, 1]);
        const yb = tf.slice(y, [start], [size]);
        const probs = this.model.predict(xb) as tf.Tensor;
        return [
          tf.add(lossSum, tf.mul(sparseCategoricalCrossentropy(probs, yb), size)),
          tf.add(correctSum, countCorrect(probs, yb)),
        ] as tf.Scalar[];
      });
      lossSum.dispose();
      correctSum.dispose();
      lossSum = l;
      correctSum = c;
      await yieldToEventLoop();
    }
    const [lv, cv] = await this.settle(Promise.all([lossSum.data(), correctSum.data()]));
    lossSum.dispose();
    correctSum.dispose();
    return { loss: lv[0] / n, accuracy: cv[0] / n };
  }

  /** Accuracy and loss on the first `testSamples` test images. */
  async evaluateTest(): Promise<{ loss: number; accuracy: number }> {
    const n = this.sizes.testSamples;
    const x = tf.tensor4d(normalizedImages(this.data.test, 0, n), [n, IMAGE_SIZE, IMAGE_SIZE, 1]);
    const y = tf.tensor1d(labelsInt32(this.data.test, 0, n), 'int32');
    try {
      return await this.evaluate(x, y);
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  /** Class probabilities for images (count × 784 floats in [0, 1]); for drawing and inspection later. */
  predict(pixels: Float32Array): Float32Array {
    const count = pixels.length / (IMAGE_SIZE * IMAGE_SIZE);
    return tf
      .tidy(() => {
        const probs = this.model.predict(
          tf.tensor4d(pixels, [count, IMAGE_SIZE, IMAGE_SIZE, 1]),
        ) as tf.Tensor;
        return probs.dataSync() as Float32Array;
      })
      .slice(0, count * CLASSES);
  }

  /** Frees the data set on the device, keeping the trained model for prediction and export. */
  releaseData(): void {
    for (const t of [this.trainX, this.trainY, this.valX, this.valY]) {
      try {
        t?.dispose();
      } catch {
        // A lost WebGL context can refuse to free its textures; the backend is abandoned anyway.
      }
    }
  }

  dispose(): void {
    this.releaseData();
    if (this.lostListener)
      this.lostListener.canvas.removeEventListener('webglcontextlost', this.lostListener.handler);
    try {
      this.optimizer.dispose();
      this.model.dispose();
    } catch {
      // As above.
    }
  }
}
