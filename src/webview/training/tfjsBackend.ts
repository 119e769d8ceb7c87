/**
 * The tfjs backend of the epoch runner (runner.ts), for any tfjs backend (webgpu, webgl, wasm, cpu), built for
 * speed:
 * - the data set is uploaded to the backend once (float32, pixels / 255);
 * - each epoch shuffles an index tensor, and every batch is gathered on the device;
 * - the step runs inside `tf.tidy`; loss and correct-count sums stay on the device and are read back with
 *   `await data()` only about four times a second (and at most one read in flight), never per batch;
 * - validation and test sums are computed in chunks on the device and read once.
 * `tf.memory()` is what it reports after every epoch: the same after epoch 1 and epoch 5.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, Hyperparameters } from '../../shared/protocol/training';
import { initialWeights } from '../../shared/architecture';
import { IMAGE_SIZE, labelsInt32, normalizedImages, type Mnist } from './data';
import {
  buildModel,
  countCorrect,
  makeOptimizer,
  setLearningRate,
  sparseCategoricalCrossentropy,
} from '../common/tfjsModel';
import {
  EpochRunner,
  type EpochContext,
  type EpochDone,
  type EpochPlan,
  type Resume,
  type TrainerEvents,
  type TrainingBackend,
  type TrainingSizes,
  defaultModelChoice,
  type ModelChoice,
} from './runner';

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

/** A run on tfjs's active backend `backend`, driven by the epoch runner. */
export function tfjsTrainer(
  backend: BackendName,
  data: Mnist,
  hyper: Hyperparameters,
  sizes: TrainingSizes,
  events: TrainerEvents,
  resume?: Resume,
  model: ModelChoice = defaultModelChoice(),
): EpochRunner {
  return new EpochRunner(
    new TfjsBackend(backend, data, hyper, model, sizes, resume?.weights ?? model.weights),
    hyper,
    sizes,
    events,
    resume,
  );
}

export class TfjsBackend implements TrainingBackend {
  readonly model: tf.Sequential;
  private readonly optimizer: tf.Optimizer;
  private trainX!: tf.Tensor4D;
  private trainY!: tf.Tensor1D;
  private valX!: tf.Tensor4D;
  private valY!: tf.Tensor1D;
  private contextLost = false;
  /** Resolves when the WebGL context is lost: reads pending on a lost context never settle, so every read races it. */
  private readonly lost: Promise<'lost'>;
  private signalLost: () => void = () => undefined;
  private lostListener?: { canvas: EventTarget; handler: () => void };

  constructor(
    readonly name: BackendName,
    private readonly data: Mnist,
    hyper: Hyperparameters,
    { architecture, seed }: ModelChoice,
    private readonly sizes: TrainingSizes,
    weights?: Float32Array[],
  ) {
    this.lost = new Promise((resolve) => (this.signalLost = () => resolve('lost')));
    this.model = buildModel(architecture);
    this.optimizer = makeOptimizer(hyper.optimizer, hyper.learningRate);
    // A resumed run's weights, else the seed's (the same ones the engine starts from), not tfjs's own draw.
    const start = weights ?? initialWeights(architecture, seed);
    const tensors = start.map((w, i) => tf.tensor(w, this.model.getWeights()[i].shape));
    this.model.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
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
    if (this.name !== 'webgl') return;
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
    if (this.name !== 'webgl') return false;
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    this.contextLost = gl?.isContextLost() ?? false;
    if (this.contextLost) this.signalLost();
    return this.contextLost;
  }

  isLost(error?: unknown): boolean {
    return error instanceof ContextLost || this.isContextLost();
  }

  /** Awaits a read-back unless the context is lost first (then throws ContextLost). */
  private async settle<T>(p: Promise<T>): Promise<T> {
    const r = await Promise.race([p, this.lost]);
    if (r === 'lost') throw new ContextLost();
    return r as T;
  }

  async trainEpoch(plan: EpochPlan, context: EpochContext): Promise<EpochDone> {
    const { batchSize, batchesPerEpoch } = plan;
    const { control } = context;
    const n = this.sizes.trainSamples;
    const order = tf.tensor1d(shuffledIndices(n), 'int32');
    let lossSum: tf.Scalar = tf.scalar(0);
    let correctSum: tf.Scalar = tf.scalar(0);
    let windowSamples = 0;
    let windowBatches = 0;
    let batches = 0;
    let samples = 0;
    let ms = 0;
    let lastRead = -Infinity;
    let lastYield = performance.now();
    let pending: Promise<void> | undefined;
    let segmentStart = performance.now();
    const read = (batch: number) => {
      const [l, c, count] = [lossSum, correctSum, windowSamples];
      const progress = { batch, samples, ms: ms + performance.now() - segmentStart };
      lossSum = tf.scalar(0);
      correctSum = tf.scalar(0);
      windowSamples = 0;
      windowBatches = 0;
      return Promise.all([l.data(), c.data()]).then(([lv, cv]) => {
        l.dispose();
        c.dispose();
        if (this.isContextLost()) return;
        context.report({ ...progress, loss: lv[0] / count, accuracy: cv[0] / count });
      });
    };
    try {
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (context.halted || this.isContextLost()) break;
        const now = performance.now();
        if (now - lastYield > YIELD_EVERY_MS) {
          ms += now - segmentStart;
          await yieldToEventLoop();
          await control.waitWhilePaused();
          if (control.stopRequested) break;
          lastYield = segmentStart = performance.now();
        }
        if (plan.schedule.cosineDecay) setLearningRate(this.optimizer, plan.learningRate(b));
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
        samples += size;
        batches++;
        const last = b === batchesPerEpoch - 1;
        const first = plan.startStep === 0 && b === 0;
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
      ms += performance.now() - segmentStart;
      if (pending) await this.settle(pending);
    } finally {
      order.dispose();
      lossSum.dispose();
      correctSum.dispose();
    }
    return { batches, samples, ms, stopped: control.stopRequested };
  }

  evaluate(set: 'validation' | 'test'): Promise<{ loss: number; accuracy: number }> {
    return set === 'validation' ? this.evaluateOn(this.valX, this.valY) : this.evaluateTest();
  }

  /** Mean loss and accuracy over `x`/`y`, summed on the device in chunks and read back once. */
  private async evaluateOn(x: tf.Tensor4D, y: tf.Tensor1D): Promise<{ loss: number; accuracy: number }> {
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
  private async evaluateTest(): Promise<{ loss: number; accuracy: number }> {
    const n = this.sizes.testSamples;
    const x = tf.tensor4d(normalizedImages(this.data.test, 0, n), [n, IMAGE_SIZE, IMAGE_SIZE, 1]);
    const y = tf.tensor1d(labelsInt32(this.data.test, 0, n), 'int32');
    try {
      return await this.evaluateOn(x, y);
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  /**
   * Read back to the CPU after every epoch, so a lost GPU context loses at most an epoch, and by the live filter
   * view (a few times a second, `only` its kernels). `getWeights()` hands out the variables themselves, so the
   * read makes no tensor; `data()` waits for the device without blocking the page.
   */
  weights(only?: readonly number[]): Promise<Float32Array[]> {
    const all = this.model.getWeights();
    const picked = only ? only.map((i) => all[i]) : all;
    return this.settle(Promise.all(picked.map((w) => w.data() as Promise<Float32Array>)));
  }

  memory(): { numTensors: number; numBytes: number } {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
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
