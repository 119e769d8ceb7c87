/**
 * Test page for the playground (test/webview/pages/playground.html): loads the shipped MNIST, trains the
 * article's model briefly with the onramp CPU engine (the same weights layout the training panel's tfjs
 * model has), mounts the playground, and plays no host: through the panel's own host link, outgoing messages go
 * to the `window.aiOnrampOutbox` test hook and host answers arrive by `window.postMessage`, validated as in the
 * panel. `window.playgroundDemo` exposes what the tests check. Not part of the extension.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebviewMessage } from '../../../../src/shared/protocol/training';
import { createOnrampCpuEngine } from '../../../../src/webview/engine/engine';
import { loadMnist, type Mnist } from '../../../../src/webview/training/data';
import { connectHost } from '../../../../src/webview/training/messaging';
import {
  loadLayersModelFromFiles,
  exportFiles,
  fromBase64,
  loadWeightsFromFiles,
  modelFromWeights,
} from '../../../../src/webview/playground/export';
import { attachToTrainingPanel, type AttachedPlayground } from '../../../../src/webview/training/pageTabs';
import { createClassifier, type ModelWeights } from '../../../../src/webview/playground/forward';
import type { Playground } from '../../../../src/webview/playground';
import { inkFromRgba, preprocessDigit } from '../../../../src/webview/playground/preprocess';
import { initialWeights } from '../../../../src/shared/architecture';
import type { Architecture } from '../../../../src/shared/model';
import { buildModel } from '../../../../src/webview/common/tfjsModel';

interface DemoConfig {
  data: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  engine: { wasm: string; worker: string };
  trainSamples: number;
  epochs: number;
  evaluationCount?: number;
  strings?: Record<string, string>;
}

export interface PlaygroundDemo {
  ready: boolean;
  error?: string;
  playground?: Playground;
  attached?: AttachedPlayground;
  weights?: ModelWeights;
  trainMs?: number;
  engineAccuracy?: number;
  engineKernel?: string;
  data?: Mnist;
  /**
   * Hands the playground a run of another architecture, as the panel does after training it: a tfjs model of
   * `architecture` with the seeded first weights (initialWeights); resolves with those weights.
   */
  useRun?(architecture: Architecture, seed: number): Promise<Float32Array[]>;
  tf: typeof tf;
  helpers: {
    createClassifier: typeof createClassifier;
    preprocessDigit: typeof preprocessDigit;
    inkFromRgba: typeof inkFromRgba;
    exportFiles: typeof exportFiles;
    loadLayersModelFromFiles: typeof loadLayersModelFromFiles;
    loadWeightsFromFiles: typeof loadWeightsFromFiles;
    fromBase64: typeof fromBase64;
  };
}

declare global {
  interface Window {
    playgroundDemo?: PlaygroundDemo;
  }
}

async function main(): Promise<void> {
  const demo: PlaygroundDemo = {
    ready: false,
    tf,
    helpers: {
      createClassifier,
      preprocessDigit,
      inkFromRgba,
      exportFiles,
      loadLayersModelFromFiles,
      loadWeightsFromFiles,
      fromBase64,
    },
  };
  window.playgroundDemo = demo;
  const config = JSON.parse(document.getElementById('playground-demo-config')!.textContent!) as DemoConfig;
  await tf.setBackend('cpu');
  const data = await loadMnist(config.data);
  demo.data = data;

  const n = config.trainSamples;
  const engine = await createOnrampCpuEngine({
    wasm: config.engine.wasm,
    workerUrl: config.engine.worker,
    threads: 2,
  });
  try {
    demo.engineKernel = engine.kernel;
    await engine.setData(data.train.images.subarray(0, n * 784), data.train.labels.subarray(0, n));
    await engine.init(7);
    const started = performance.now();
    for (let e = 0; e < config.epochs; e++) await engine.trainEpoch({ batchSize: 32, shuffleSeed: 100 + e });
    demo.trainMs = performance.now() - started;
    const count = config.evaluationCount ?? data.test.count;
    demo.engineAccuracy = (
      await engine.evaluate(data.test.images.subarray(0, count * 784), data.test.labels.subarray(0, count))
    ).acc;
    demo.weights = await engine.getWeights();
  } finally {
    engine.dispose();
  }

  // The page's host link, as in the panel: outside VS Code it writes to the window.aiOnrampOutbox test hook.
  const host = connectHost();
  const post = (m: WebviewMessage) => host.post(m);
  // As in the training panel: the run's model is a tfjs model, the panel's content sits under "Train".
  let model: tf.LayersModel = modelFromWeights(demo.weights);
  let architecture: Architecture | undefined;
  const attached = attachToTrainingPanel({
    root: document.getElementById('app')!,
    strings: config.strings,
    getModel: () => model,
    getArchitecture: () => architecture,
    getTestSet: async () => data.test,
    post,
    evaluationCount: config.evaluationCount,
  });
  const playground = attached.playground;
  demo.attached = attached;
  host.onMessage((message) => attached.handleHostMessage(message));
  await attached.onRunFinished();
  demo.useRun = async (next, seed) => {
    const weights = initialWeights(next, seed);
    const built = buildModel(next);
    const tensors = weights.map((w, i) => tf.tensor(w, built.getWeights()[i].shape));
    built.setWeights(tensors);
    tf.dispose(tensors);
    model = built;
    architecture = next;
    await attached.onRunFinished();
    return weights;
  };
  demo.playground = playground;
  demo.ready = true;
}

main().catch((e: Error) => {
  window.playgroundDemo!.error = e.stack ?? String(e);
  document.body.append(`playground demo failed: ${e.message}`);
});
