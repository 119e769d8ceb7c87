/**
 * Automatic's measurement: times a few batches of the article's model on each candidate backend, at the run's
 * batch size, and returns samples/s per backend (backendChoice.ts then picks the fastest). Bounded to about
 * `budgetMs` of timed training in all, shared between the candidates; each candidate first runs one untimed
 * batch (shader compilation, kernel set-up), which is not counted because a real run pays it once.
 * A tfjs backend is timed the way the training loop runs (tfjsBackend.ts): batches gathered on the device and
 * read back only at the end of a round, rounds doubling in length; our CPU engine is timed by its own epochs.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, MeasuredBackend, OptimizerName } from '../../shared/protocol/training';
import { activateBackend } from './backends';
import { INPUT_SHAPE } from '../../shared/architecture';
import { labelsInt32, normalizedImages, PIXELS, type Mnist } from './data';
import { createOnrampCpuEngine } from '../engine/engine';
import type { EngineAssets } from './engineBackend';
import { buildModel, makeOptimizer, sparseCategoricalCrossentropy } from '../common/tfjsModel';

/** Timed training in all, shared by the candidates ("about a second"). */
export const MEASURE_BUDGET_MS = 1000;
/** Distinct batches uploaded for a measurement: enough that no batch is a cache hit of the one before. */
const MEASURE_BATCHES = 8;

export interface MeasureOptions {
  data: Mnist;
  batchSize: number;
  optimizer: OptimizerName;
  /** Our CPU engine's files, when it is a candidate. */
  engine?: EngineAssets;
  budgetMs?: number;
  /** Called as each candidate's turn starts (the panel shows it). */
  onMeasuring?: (backend: BackendName) => void;
}

export async function measureBackends(
  candidates: readonly BackendName[],
  options: MeasureOptions,
): Promise<MeasuredBackend[]> {
  const shareMs = (options.budgetMs ?? MEASURE_BUDGET_MS) / Math.max(1, candidates.length);
  const results: MeasuredBackend[] = [];
  for (const backend of candidates) {
    options.onMeasuring?.(backend);
    try {
      const samplesPerSec =
        backend === 'onramp-cpu'
          ? await measureEngine(options, shareMs)
          : await measureTfjs(backend, options, shareMs);
      results.push({ backend, samplesPerSec });
    } catch (e) {
      results.push({ backend, samplesPerSec: null, error: String((e as Error).message ?? e).slice(0, 500) });
    }
  }
  return results;
}

async function measureTfjs(backend: BackendName, o: MeasureOptions, shareMs: number): Promise<number> {
  await activateBackend(backend);
  const batch = o.batchSize;
  const n = Math.min(o.data.train.count, batch * MEASURE_BATCHES);
  const batches = Math.max(1, Math.floor(n / batch));
  const [height, width, channels] = INPUT_SHAPE;
  const x = tf.tensor4d(normalizedImages(o.data.train, 0, n), [n, height, width, channels]);
  const y = tf.tensor1d(labelsInt32(o.data.train, 0, n), 'int32');
  const order = tf.tensor1d(
    Int32Array.from({ length: n }, (_, i) => (i * 7919) % n),
    'int32',
  );
  const model = buildModel();
  const optimizer = makeOptimizer(o.optimizer, 0.001);
  let next = 0;
  const step = (): tf.Scalar =>
    tf.tidy(() => {
      const size = Math.min(batch, n);
      const ids = order.slice((next++ % batches) * size, size);
      const xb = tf.gather(x, ids);
      const yb = tf.gather(y, ids);
      return optimizer.minimize(
        () => sparseCategoricalCrossentropy(model.apply(xb, { training: true }) as tf.Tensor, yb),
        true,
      )!;
    });
  try {
    const warmUp = step();
    await warmUp.data();
    warmUp.dispose();
    let samples = 0;
    let elapsed = 0;
    const started = performance.now();
    for (let round = 1; elapsed < shareMs; round *= 2) {
      let last: tf.Scalar | undefined;
      for (let i = 0; i < round; i++) {
        last?.dispose();
        last = step();
      }
      await last!.data();
      last!.dispose();
      samples += round * Math.min(batch, n);
      elapsed = performance.now() - started;
    }
    return (samples / elapsed) * 1000;
  } finally {
    tf.dispose([x, y, order]);
    optimizer.dispose();
    model.dispose();
  }
}

async function measureEngine(o: MeasureOptions, shareMs: number): Promise<number> {
  if (!o.engine) throw new Error('our CPU engine is not part of this build');
  const engine = await createOnrampCpuEngine({
    wasm: o.engine.wasmUrl,
    relaxedWasm: o.engine.relaxedWasmUrl,
    workerUrl: o.engine.workerUrl,
  });
  try {
    const n = Math.min(o.data.train.count, o.batchSize * MEASURE_BATCHES);
    await engine.setData(o.data.train.images.subarray(0, n * PIXELS), o.data.train.labels.subarray(0, n));
    await engine.init(1);
    const epoch = (seed: number) =>
      engine.trainEpoch({
        batchSize: o.batchSize,
        optimizer: o.optimizer,
        shuffleSeed: seed,
        progressEvery: 1_000_000,
      });
    await epoch(1);
    let samples = 0;
    let ms = 0;
    for (let seed = 2; ms < shareMs && seed < 1000; seed++) {
      const r = await epoch(seed);
      samples += r.samples;
      ms += r.ms;
      if (r.samples === 0) break;
    }
    return ms > 0 ? (samples / ms) * 1000 : 0;
  } finally {
    engine.dispose();
  }
}
