/**
 * The onramp CPU engine: trains any architecture `validate` accepts (src/shared/architecture.ts; by default
 * the article's model, Conv2D 32 3x3 + ReLU -> MaxPool 2x2 -> Flatten -> Dense 10 softmax) with sparse
 * categorical cross-entropy and Adam, SGD or RMSprop, on the CPU, in workers. The article's model runs on
 * WebAssembly SIMD kernels written for it (or a plain TypeScript fallback), at many times the speed of tfjs's
 * CPU backends; every other stack layer by layer (./layerKernels.ts), on the same module's generic SIMD
 * kernels, or in TypeScript where WebAssembly SIMD is missing.
 * Weights are exchanged in exactly the tfjs model's `getWeights()` order and layout (see ./layout.ts).
 *
 * In a webview: `createOnrampCpuEngine({ wasmUrl, workerUrl })` fetches the engine and the worker script
 * (which must be allowed by `connect-src`) and starts the workers from blob: URLs (`worker-src blob:`);
 * compiling the module needs `'wasm-unsafe-eval'` in `script-src`. In Node, see scripts/engineNode.ts.
 *
 * ```ts
 * const engine = await createOnrampCpuEngine({ wasmUrl, workerUrl, threads: 2 });
 * await engine.setData(trainImages, trainLabels);
 * await engine.init(42); // or init(42, SIMPLE_CONVNET): any architecture validate() accepts
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   const r = await engine.trainEpoch({ batchSize: 32, shuffleSeed: epoch, onProgress: (p) => draw(p) });
 *   if (r.stopped) break;
 * }
 * const { acc } = await engine.evaluate(testImages, testLabels);
 * const weights = await engine.getWeights(); // convKernel [3,3,1,32], convBias, denseKernel [5408,10], denseBias
 * const arrays = await engine.getWeightArrays(); // any architecture, in tfjs getWeights() order
 * engine.dispose();
 * ```
 */
import { initialWeights, validate } from '../../shared/architecture';
import { ARTICLE_MODEL, type Architecture, CLASSES, IMAGE_PIXELS } from '../../shared/model';
import type { KernelKind } from './kernels';
import {
  ADAM_DEFAULTS,
  isArticleModel,
  type ModelWeights,
  packArrays,
  packWeights,
  unpackArrays,
  unpackWeights,
  weightRanges,
} from './layout';
import type { OptimizerName } from './optimizers';
import { HYPERPARAMETERS, hyperparameterRule, isValidHyperparameter } from '../../shared/hyperparameters';
import type { DriverToWorker, KernelPreference, ProgressReport, TrainDone } from './messages';
import { startWorkerPool, type EngineWorkerLike } from './workerPool';

export type { KernelKind } from './kernels';
export type { ModelWeights } from './layout';
export type { ProgressReport, TrainDone, KernelPreference } from './messages';
export type { OptimizerName } from './optimizers';
export { glorotWeights, PARAMETER_COUNT } from './layout';
export type { EngineWorkerLike } from './workerPool';

export interface OnrampCpuEngineOptions {
  /** The compiled engine (dist/engine/onramp-cpu.wasm): a URL to fetch, or its bytes. Null: TS kernels. */
  wasm: string | URL | ArrayBuffer | Uint8Array | null;
  /**
   * The same engine built with relaxed SIMD too (dist/engine/onramp-cpu-relaxed.wasm), whose multiply-adds
   * are fused where the CPU has FMA: used instead of `wasm` where the runtime validates it (Chromium 114 on).
   */
  relaxedWasm?: string | URL | ArrayBuffer | Uint8Array;
  /** The worker bundle (dist/webview/engine.worker.js), fetched and started from a blob: URL. */
  workerUrl?: string | URL;
  /** Or a factory for workers (tests, Node). One of workerUrl / spawnWorker is required. */
  spawnWorker?: () => EngineWorkerLike;
  /** Worker count; default min(2, navigator.hardwareConcurrency). Each batch is split across them. */
  threads?: number;
  /** 'auto' (default): SIMD where WebAssembly SIMD validates, else TypeScript. */
  kernels?: KernelPreference;
}

export interface TrainEpochOptions {
  /** Default: the panel's (src/shared/hyperparameters.ts). */
  batchSize?: number;
  /** The learning rate; default: the panel's (src/shared/hyperparameters.ts). */
  learningRate?: number;
  /**
   * Default 'adam' (beta1 0.9, beta2 0.999, epsilon 1e-7 as tfjs/Keras); 'sgd' and 'rmsprop' (rho 0.9,
   * epsilon 1e-7) as tfjs's. Switching rules mid-run starts the new one's state from zero.
   */
  optimizer?: OptimizerName;
  /**
   * Cosine decay of the learning rate to 0 over `steps` updates of the whole run; `offset` is the number of
   * updates before this epoch's first batch. Absent: the learning rate stays constant.
   */
  cosineDecay?: { steps: number; offset: number };
  /** Seeds this epoch's shuffle; use a different one per epoch. */
  shuffleSeed: number;
  /** Called on the main thread every `progressEvery` batches (default 20) and after the last batch. */
  onProgress?: (p: ProgressReport) => void;
  progressEvery?: number;
  /** Continue an epoch that `stop()` ended, from this batch (TrainDone.completedBatches). */
  startBatch?: number;
}

export interface EpochResult extends TrainDone {
  loss: number;
  acc: number;
  samplesPerSec: number;
}

export interface Evaluation {
  loss: number;
  acc: number;
  samples: number;
}

export interface OnrampCpuEngine {
  /** Which kernels run: 'wasm-simd' or 'ts' (the article's model), 'ts-layers' (any other architecture). */
  readonly kernel: KernelKind;
  /** Whether the module that runs is the relaxed-SIMD build (`relaxedWasm`). */
  readonly relaxedSimd: boolean;
  /** The architecture the engine trains (set by `init` or `setWeights`; ARTICLE_MODEL at first). */
  readonly architecture: Architecture;
  readonly threads: number;
  /** Training set: uint8 28x28 images (row-major, 784 bytes each) and labels 0..9. Copied to each worker. */
  setData(images: Uint8Array, labels: Uint8Array): Promise<void>;
  /**
   * Trains `architecture` from now on (default ARTICLE_MODEL), from fresh Glorot-uniform kernels and zero
   * biases drawn from the seed (`initialWeights`: the same seed, the same weights); resets the optimizer.
   * Rejects an architecture `validate` finds a problem with.
   */
  init(seed: number, architecture?: Architecture): Promise<void>;
  /**
   * Loads weights in the tfjs layout: the article model's named weights, or any architecture's arrays in
   * `getWeights()` order (of `options.architecture`, default the current one). Resets the optimizer unless
   * told not to.
   */
  setWeights(
    weights: ModelWeights | readonly Float32Array[],
    options?: { resetOptimizer?: boolean; architecture?: Architecture },
  ): Promise<void>;
  /** The article model's weights by name (rejects while another architecture is loaded: getWeightArrays). */
  getWeights(): Promise<ModelWeights>;
  /**
   * The weights of whatever architecture is loaded, in tfjs's `getWeights()` order and shapes; with `only`,
   * just those (by index in that order). Answered between batches while an epoch trains.
   */
  getWeightArrays(only?: readonly number[]): Promise<Float32Array[]>;
  /** One pass over the training set in batches (the last one smaller); Adam after every batch. */
  trainEpoch(options: TrainEpochOptions): Promise<EpochResult>;
  /** Mean loss and accuracy on a set (split across the workers). */
  evaluate(images: Uint8Array, labels: Uint8Array): Promise<Evaluation>;
  /**
   * Hold training after the current batch, or before the first batch of the next epoch if none is training;
   * resume() continues; stop() ends the epoch there (and the hold: the next epoch starts training).
   */
  pause(): void;
  resume(): void;
  stop(): void;
  /** Terminates the workers; pending calls reject. */
  dispose(): void;
}

function checkSet(images: Uint8Array, labels: Uint8Array): void {
  if (!(images instanceof Uint8Array) || !(labels instanceof Uint8Array)) {
    throw new Error('onramp-cpu: images and labels must be Uint8Arrays');
  }
  if (images.length !== labels.length * IMAGE_PIXELS) {
    throw new Error(
      `onramp-cpu: ${labels.length} labels need ${labels.length * IMAGE_PIXELS} image bytes, got ${images.length}`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= CLASSES) throw new Error(`onramp-cpu: label ${i} is ${labels[i]}, not a digit 0..9`);
  }
}

/** Rejects, with the first problem, an architecture the editor would not let the learner train. */
function checkTrainable(arch: Architecture): void {
  const p = validate(arch)[0];
  if (p) throw new Error(`onramp-cpu: the architecture cannot train (layer ${p.layer}: ${p.key})`);
}

async function fetchBytes(url: string | URL): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`onramp-cpu: cannot load ${String(url)} (${r.status})`);
  return r.arrayBuffer();
}

/** Starts the workers (fetching the engine and worker script where URLs are given) and initialises them. */
export async function createOnrampCpuEngine(options: OnrampCpuEngineOptions): Promise<OnrampCpuEngine> {
  const hw =
    typeof navigator === 'object' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  const threads = Math.max(1, Math.min(8, Math.floor(options.threads ?? Math.min(2, hw))));
  const preference = options.kernels ?? 'auto';
  const bytesOf = async (w: string | URL | ArrayBuffer | Uint8Array): Promise<ArrayBuffer> =>
    typeof w === 'string' || w instanceof URL
      ? fetchBytes(w)
      : w instanceof Uint8Array
        ? w.slice().buffer
        : w;
  let wasm: ArrayBuffer | null = null;
  let relaxedSimd = false;
  if (preference !== 'ts' && options.wasm !== null) {
    const relaxed = options.relaxedWasm ? await bytesOf(options.relaxedWasm).catch(() => null) : null;
    relaxedSimd = relaxed !== null && WebAssembly.validate(relaxed);
    wasm = relaxedSimd ? relaxed : await bytesOf(options.wasm);
  }
  const pool = await startWorkerPool({
    threads,
    workerUrl: options.workerUrl,
    spawnWorker: options.spawnWorker,
  });
  const { workers, call, all } = pool;
  const nextId = pool.nextId;
  let kind: KernelKind;
  try {
    const ready = await Promise.all(
      workers.map((w, rank) =>
        call<'ready'>(
          w,
          {
            type: 'init',
            id: nextId(),
            rank,
            size: threads,
            wasm: wasm ? wasm.slice(0) : null,
            kernels: preference,
            peers: pool.peers[rank],
          },
          pool.peers[rank].filter((p): p is MessagePort => p !== null),
        ),
      ),
    );
    kind = ready[0].kind;
  } catch (e) {
    pool.dispose();
    throw e;
  }

  let hasData = false;
  let training = false;
  let epochId = 0;
  /**
   * Paused and not yet resumed or stopped. The next epoch's train message carries it: a pause that came while no
   * epoch trained (during validation, say) still holds when the runner starts the next one.
   */
  let held = false;

  let architecture: Architecture = ARTICLE_MODEL;
  const setParams = async (arch: Architecture, params: Float32Array, resetOptimizer: boolean) => {
    const ready = await all<'ready'>(() => ({
      type: 'setParams',
      id: nextId(),
      architecture: arch,
      params,
      resetOptimizer,
    }));
    architecture = arch;
    kind = ready[0].kind;
  };

  return {
    get relaxedSimd() {
      return relaxedSimd && kind.startsWith('wasm');
    },
    get kernel() {
      return kind;
    },
    get architecture() {
      return architecture;
    },
    threads,
    async setData(images, labels) {
      checkSet(images, labels);
      if (labels.length === 0) throw new Error('onramp-cpu: the training set is empty');
      await all<'ok'>(() => ({ type: 'setData', id: nextId(), images, labels }));
      hasData = true;
    },
    async init(seed, arch = ARTICLE_MODEL) {
      checkTrainable(arch);
      await setParams(arch, packArrays(arch, initialWeights(arch, seed)), true);
    },
    async setWeights(weights, opts) {
      const reset = opts?.resetOptimizer ?? true;
      if (Array.isArray(weights)) {
        const arch = opts?.architecture ?? architecture;
        checkTrainable(arch);
        return setParams(arch, packArrays(arch, weights), reset);
      }
      await setParams(ARTICLE_MODEL, packWeights(weights as ModelWeights), reset);
    },
    async getWeights() {
      if (!isArticleModel(architecture))
        throw new Error("onramp-cpu: getWeights names the article model's weights; use getWeightArrays");
      const r = await call<'params'>(workers[0], { type: 'getParams', id: nextId() });
      return unpackWeights(r.params);
    },
    async getWeightArrays(only) {
      const arch = architecture;
      const ranges = only && weightRanges(arch, only);
      const r = await call<'params'>(workers[0], { type: 'getParams', id: nextId(), ranges });
      if (!only) return unpackArrays(arch, r.params);
      if (!ranges) {
        const all = unpackArrays(arch, r.params);
        return only.map((i) => all[i]);
      }
      const out: Float32Array[] = [];
      for (let i = 0, at = 0; i < ranges.length; at += ranges[i + 1], i += 2)
        out.push(r.params.slice(at, at + ranges[i + 1]));
      return out;
    },
    async trainEpoch(o) {
      if (!hasData) throw new Error('onramp-cpu: setData before training');
      if (training) throw new Error('onramp-cpu: an epoch is already running');
      // The panel's defaults and ranges (the one hyperparameter schema), so the engine takes what the panel sends.
      const batchSize = Math.floor(o.batchSize ?? HYPERPARAMETERS.batchSize.default);
      if (!isValidHyperparameter('batchSize', batchSize))
        throw new Error(`onramp-cpu: ${hyperparameterRule('batchSize')}`);
      const learningRate = o.learningRate ?? HYPERPARAMETERS.learningRate.default;
      if (!isValidHyperparameter('learningRate', learningRate))
        throw new Error(`onramp-cpu: ${hyperparameterRule('learningRate')}`);
      const optimizer = o.optimizer ?? 'adam';
      if (!isValidHyperparameter('optimizer', optimizer))
        throw new Error('onramp-cpu: optimizer must be adam, sgd or rmsprop');
      const decay = o.cosineDecay;
      if (decay && !(Number.isInteger(decay.steps) && decay.steps > 0 && Number.isInteger(decay.offset)))
        throw new Error('onramp-cpu: cosineDecay needs whole numbers of steps');
      training = true;
      const thisEpoch = ++epochId;
      const ids = workers.map(() => nextId());
      pool.onProgress(ids[0], o.onProgress);
      try {
        const done = await Promise.all(
          workers.map((w, r) =>
            call<'trainDone'>(w, {
              type: 'train',
              id: ids[r],
              epochId: thisEpoch,
              paused: held,
              startBatch: Math.max(0, Math.floor(o.startBatch ?? 0)),
              batchSize,
              learningRate,
              decaySteps: decay?.steps ?? 0,
              stepOffset: decay?.offset ?? 0,
              optimizer,
              beta1: ADAM_DEFAULTS.beta1,
              beta2: ADAM_DEFAULTS.beta2,
              epsilon: ADAM_DEFAULTS.epsilon,
              shuffleSeed: o.shuffleSeed >>> 0,
              progressEvery: Math.max(1, Math.floor(o.progressEvery ?? 20)),
            }),
          ),
        );
        const { type: _t, id: _i, ...lead } = done[0];
        return {
          ...lead,
          loss: lead.lossSum / Math.max(1, lead.samples),
          acc: lead.correct / Math.max(1, lead.samples),
          samplesPerSec: (lead.samples / lead.ms) * 1000,
        };
      } finally {
        pool.onProgress(ids[0], undefined);
        training = false;
      }
    },
    async evaluate(images, labels) {
      checkSet(images, labels);
      const n = labels.length;
      const parts = await Promise.all(
        workers.map((w, r) => {
          const lo = Math.floor((r * n) / threads);
          const hi = Math.floor(((r + 1) * n) / threads);
          return call<'evaluated'>(w, {
            type: 'evaluate',
            id: nextId(),
            images: images.slice(lo * IMAGE_PIXELS, hi * IMAGE_PIXELS),
            labels: labels.slice(lo, hi),
          });
        }),
      );
      const lossSum = parts.reduce((s, p) => s + p.lossSum, 0);
      const correct = parts.reduce((s, p) => s + p.correct, 0);
      return { loss: lossSum / Math.max(1, n), acc: correct / Math.max(1, n), samples: n };
    },
    pause() {
      held = true;
      workers[0].postMessage({ type: 'pause' } satisfies DriverToWorker);
    },
    resume() {
      held = false;
      workers[0].postMessage({ type: 'resume' } satisfies DriverToWorker);
    },
    stop() {
      held = false;
      workers[0].postMessage({ type: 'stop' } satisfies DriverToWorker);
    },
    dispose: () => pool.dispose(),
  };
}
