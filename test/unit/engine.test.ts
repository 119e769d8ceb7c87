// The onramp CPU engine against tfjs's CPU backend: same loss, same gradients, same Adam steps.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { createWasmKernels, type Kernels, wasmSimdSupported } from '../../src/webview/engine/kernels';
import { createTsKernels } from '../../src/webview/engine/tsKernels';
import {
  glorotWeights,
  mulberry32,
  type ModelWeights,
  packWeights,
  unpackWeights,
  PARAMETER_COUNT,
} from '../../src/webview/engine/layout';
import { engineWasmBytes, loadMnist, type MnistArrays } from '../../scripts/engineNode';

const root = join(__dirname, '../..');

/** max|a - b| / max|b|: relative to the reference's scale, so near-zero entries do not blow it up. */
function relError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

function tfModel(w: ModelWeights): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.setWeights([
    tf.tensor(w.convKernel, [3, 3, 1, 32]),
    tf.tensor(w.convBias, [32]),
    tf.tensor(w.denseKernel, [5408, 10]),
    tf.tensor(w.denseBias, [10]),
  ]);
  return model;
}

function weightsOf(model: tf.Sequential): ModelWeights {
  const [convKernel, convBias, denseKernel, denseBias] = model
    .getWeights()
    .map((t) => t.dataSync() as Float32Array);
  return { convKernel, convBias, denseKernel, denseBias };
}

/** Glorot kernels plus small random biases (so the bias paths are exercised too). */
function testWeights(seed: number): ModelWeights {
  const w = glorotWeights(seed);
  const r = mulberry32(seed + 1);
  for (const b of [w.convBias, w.denseBias]) for (let i = 0; i < b.length; i++) b[i] = (r() - 0.5) * 0.1;
  return w;
}

function batchOf(data: MnistArrays, start: number, count: number, invert: boolean) {
  const images = data.trainImages.slice(start * 784, (start + count) * 784);
  if (invert) for (let i = 0; i < images.length; i++) images[i] = 255 - images[i];
  return { images, labels: data.trainLabels.slice(start, start + count) };
}

/** Loss and gradients (tfjs layout) of the mean sparse categorical cross-entropy, by tfjs. */
function tfGradients(model: tf.Sequential, images: Uint8Array, labels: Uint8Array) {
  const tensors = tf.tidy(() => {
    const xs = tf.tensor4d(
      Float32Array.from(images, (v) => v / 255),
      [labels.length, 28, 28, 1],
    );
    const ys = tf.tensor1d(Float32Array.from(labels));
    // The loss function Keras/tfjs train with for loss: 'sparseCategoricalCrossentropy'.
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    // A Sequential delegates training to an inner LayersModel, which holds the compiled loss functions.
    const lossFn = (model as unknown as { model: tf.LayersModel }).model.lossFunctions[0];
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => tf.mean(lossFn(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar,
      vars,
    );
    return [value, ...vars.map((v) => grads[v.name])];
  });
  const [loss, convKernel, convBias, denseKernel, denseBias] = tensors.map(
    (t) => t.dataSync() as Float32Array,
  );
  tf.dispose(tensors);
  return { loss: loss[0], grads: { convKernel, convBias, denseKernel, denseBias } as ModelWeights };
}

const kinds: { name: string; make: () => Promise<Kernels> }[] = [
  { name: 'wasm-simd', make: async () => createWasmKernels(await engineWasmBytes(root)) },
  { name: 'ts', make: async () => createTsKernels() },
];

describe('onramp CPU engine kernels', function () {
  this.timeout(120_000);
  let data: MnistArrays;

  before(async () => {
    await tf.setBackend('cpu');
    data = loadMnist(root);
  });

  it('has WebAssembly SIMD in Node, and the layout round-trips tfjs weights', () => {
    assert.equal(wasmSimdSupported(), true);
    const w = testWeights(3);
    const back = unpackWeights(packWeights(w));
    for (const k of Object.keys(w) as (keyof ModelWeights)[]) assert.deepEqual(back[k], w[k]);
    const model = tfModel(w);
    assert.equal(model.countParams(), PARAMETER_COUNT);
    model.dispose();
  });

  for (const kind of kinds) {
    for (const invert of [false, true]) {
      it(`${kind.name}: loss and every gradient match tfjs (${invert ? 'inverted, dense' : 'MNIST'} pixels)`, async () => {
        const k = await kind.make();
        const w = testWeights(invert ? 11 : 7);
        const { images, labels } = batchOf(data, 100, 24, invert);
        const model = tfModel(w);
        const ref = tfGradients(model, images, labels);
        model.dispose();

        k.params().set(packWeights(w));
        k.loadBatch(images, labels, null, 0, labels.length);
        const stats = k.trainBatch(labels.length, 1 / labels.length);
        const loss = stats.lossSum / labels.length;
        assert.ok(Math.abs(loss - ref.loss) / ref.loss < 1e-5, `loss ${loss} vs tfjs ${ref.loss}`);
        const ours = unpackWeights(k.grads());
        for (const name of Object.keys(ours) as (keyof ModelWeights)[]) {
          const e = relError(ours[name], ref.grads[name]);
          assert.ok(e < 1e-4, `${name}: relative error ${e}`);
          assert.ok(
            ref.grads[name].some((v) => v !== 0),
            `${name}: tfjs gradient is all zero`,
          );
        }
      });
    }

    it(`${kind.name}: a batch split in two and summed gives the same gradients`, async () => {
      const k = await kind.make();
      const w = testWeights(5);
      const { images, labels } = batchOf(data, 0, 20, false);
      k.params().set(packWeights(w));
      k.loadBatch(images, labels, null, 0, 20);
      k.trainBatch(20, 1 / 20);
      const whole = k.grads().slice();
      k.loadBatch(images, labels, null, 0, 12);
      k.trainBatch(12, 1 / 20);
      const first = k.grads().slice();
      k.loadBatch(images, labels, null, 12, 8);
      k.trainBatch(8, 1 / 20);
      k.addToGrads(first);
      assert.ok(relError(k.grads(), whole) < 1e-6);
    });

    it(`${kind.name}: Adam steps match tfjs's Adam (model.trainOnBatch)`, async () => {
      const k = await kind.make();
      const w = testWeights(9);
      const model = tfModel(w);
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
      k.params().set(packWeights(w));
      k.resetOptimizer();
      for (let step = 0; step < 4; step++) {
        const { images, labels } = batchOf(data, 1000 + step * 32, 32, false);
        const xs = tf.tensor4d(
          Float32Array.from(images, (v) => v / 255),
          [32, 28, 28, 1],
        );
        const ys = tf.tensor1d(Float32Array.from(labels));
        await model.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
        k.loadBatch(images, labels, null, 0, 32);
        k.trainBatch(32, 1 / 32);
        k.adamStep();
      }
      const ref = weightsOf(model);
      const ours = unpackWeights(k.params());
      const start = w;
      for (const name of Object.keys(ours) as (keyof ModelWeights)[]) {
        // Compare the change of the weights (three steps of ~lr each), not the weights themselves.
        const dOurs = ours[name].map((v, i) => v - start[name][i]);
        const dRef = ref[name].map((v, i) => v - start[name][i]);
        const e = relError(dOurs, dRef);
        assert.ok(e < 1e-4, `${name}: relative error of the update ${e}`);
      }
      model.dispose();
    });
  }
});
