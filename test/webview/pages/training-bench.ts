/**
 * Bench entry (bundled by scripts/bench.ts into out/bench/training-bench.js, not shipped): trains the article's
 * model on one backend with either the panel's loop (the epoch runner) or a `model.fit` loop with per-batch callbacks,
 * the way tfjs-examples does it, on the same data, and reports samples/s, time to the first curve point, peak
 * tensors/bytes and test accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../src/shared/protocol/training';
import { activateBackend, configureWasm, probeBackends } from '../../../src/webview/training/backends';
import {
  IMAGE_SIZE,
  labelsInt32,
  loadMnist,
  normalizedImages,
  type Mnist,
} from '../../../src/webview/training/data';
import { buildModel } from '../../../src/webview/common/tfjsModel';
import { engineTrainer } from '../../../src/webview/training/engineBackend';
import type { Trainer } from '../../../src/webview/training/runner';
import { tfjsTrainer } from '../../../src/webview/training/tfjsBackend';

export interface BenchResult {
  backend: string;
  loop: 'ours' | 'model.fit';
  batch: number;
  samples: number;
  samplesPerSec: number;
  firstPointMs: number;
  testAccuracy: number;
  peakTensors: number;
  peakBytes: number;
  renderer?: string;
}

const ENGINE = { wasmUrl: '/dist/engine/onramp-cpu.wasm', workerUrl: '/dist/webview/engine.worker.js' };

let data: Promise<Mnist> | undefined;
const mnist = () =>
  (data ??= loadMnist({
    trainImages: '/dist/data/train-images.idx.gz',
    trainLabels: '/dist/data/train-labels.idx.gz',
    testImages: '/dist/data/test-images.idx.gz',
    testLabels: '/dist/data/test-labels.idx.gz',
  }));

async function available(): Promise<{ name: BackendName; renderer?: string; hardware: boolean }[]> {
  const engine = await fetch(ENGINE.workerUrl, { method: 'HEAD' }).then(
    (r) => r.ok,
    () => false,
  );
  const probes = await probeBackends({ engineAvailable: engine });
  return probes
    .filter((p) => p.available)
    .map((p) => ({ name: p.name, renderer: p.renderer, hardware: p.hardware }));
}

async function run(
  backend: BackendName,
  loop: 'ours' | 'model.fit',
  samples: number,
  testSamples: number,
  batch = 32,
) {
  configureWasm('/dist/wasm/');
  const d = await mnist();
  await activateBackend(backend);
  let peakTensors = 0;
  let peakBytes = 0;
  const sampleMemory = () => {
    const m = tf.memory();
    peakTensors = Math.max(peakTensors, m.numTensors);
    peakBytes = Math.max(peakBytes, m.numBytes);
  };
  const hyper = {
    epochs: 1,
    batchSize: batch,
    learningRate: 0.001,
    schedule: 'constant' as const,
    optimizer: 'adam' as const,
    backend,
  };
  const started = performance.now();
  let firstPointMs = NaN;
  let samplesPerSec: number;
  let testAccuracy: number;
  if (loop === 'ours') {
    const sizes = { trainSamples: samples, valSamples: 256, testSamples };
    const events = {
      onBatch: () => {
        if (Number.isNaN(firstPointMs)) firstPointMs = performance.now() - started;
        sampleMemory();
      },
      onEpoch: sampleMemory,
    };
    const trainer: Trainer =
      backend === 'onramp-cpu'
        ? await engineTrainer(ENGINE, d, hyper, sizes, events)
        : tfjsTrainer(backend, d, hyper, sizes, events);
    const outcome = await trainer.train({
      stopRequested: false,
      paused: false,
      waitWhilePaused: () => Promise.resolve(),
    });
    if (outcome !== 'completed') throw new Error(`training ended: ${outcome}`);
    samplesPerSec = trainer.samplesPerSec;
    testAccuracy = (await trainer.evaluateTest()).accuracy;
    trainer.dispose();
  } else {
    const model = buildModel();
    model.compile({
      optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const xs = tf.tensor4d(normalizedImages(d.train, 0, samples), [samples, IMAGE_SIZE, IMAGE_SIZE, 1]);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsInt32(d.train, 0, samples), 'int32'), 10).toFloat());
    const fitStart = performance.now();
    await model.fit(xs, ys, {
      batchSize: batch,
      epochs: 1,
      shuffle: true,
      callbacks: {
        onBatchEnd: async (_batch, logs) => {
          // What a live chart does with fit: take the batch loss (read back every batch) and let the page draw.
          if (logs && typeof logs.loss === 'number' && Number.isNaN(firstPointMs))
            firstPointMs = performance.now() - started;
          sampleMemory();
          await tf.nextFrame();
        },
      },
    });
    samplesPerSec = (samples / (performance.now() - fitStart)) * 1000;
    const tx = tf.tensor4d(normalizedImages(d.test, 0, testSamples), [
      testSamples,
      IMAGE_SIZE,
      IMAGE_SIZE,
      1,
    ]);
    const ty = tf.tensor1d(labelsInt32(d.test, 0, testSamples), 'int32');
    const correct = tf.tidy(() =>
      tf.sum(
        tf.cast(tf.equal(tf.argMax(model.predict(tx, { batchSize: 500 }) as tf.Tensor, 1), ty), 'float32'),
      ),
    );
    testAccuracy = (await correct.data())[0] / testSamples;
    tf.dispose([xs, ys, tx, ty, correct]);
    model.dispose();
  }
  const result: BenchResult = {
    backend,
    loop,
    batch,
    samples,
    samplesPerSec,
    firstPointMs,
    testAccuracy,
    peakTensors,
    peakBytes,
  };
  return result;
}

/** What each backend's probe says, available or not (bench:gpu prints why a GPU is missing). */
async function probes() {
  const list = await probeBackends({ engineAvailable: true });
  return list.map((p) => ({
    name: p.name,
    available: p.available,
    hardware: p.hardware,
    renderer: p.renderer,
  }));
}

(window as unknown as { trainingBench: unknown }).trainingBench = { available, run, probes };
document.documentElement.dataset.ready = 'true';
