// The onramp CPU engine on architectures other than the article's (its layer kernels) against tfjs's CPU
// backend running the same Keras layers: loss and every gradient per layer type, each optimizer's steps,
// and a short training of the Simple MNIST convnet preset through the real worker bundle.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import {
  inferShapes,
  initialWeights,
  mulberry32,
  PLAIN_MLP,
  SIMPLE_CONVNET,
} from '../../src/shared/architecture';
import { ARTICLE_MODEL, type Architecture, type Layer, OUTPUT_LAYER } from '../../src/shared/model';
import { instantiateLayerWasm } from '../../src/webview/engine/kernels';
import { createLayerKernels } from '../../src/webview/engine/layerKernels';
import {
  dropoutMask,
  dropoutScale,
  dropoutStream,
  dropoutThreshold,
  packLayerArrays,
  unpackLayerArrays,
} from '../../src/webview/engine/layout';
import { OptimizerState } from '../../src/webview/engine/optimizers';
import { enableRelaxedSimd, engineWasmBytes, loadMnist, type MnistArrays } from '../../scripts/engineNode';
import { useNodeEngines } from '../helpers/nodeEngines';

const root = join(__dirname, '../..');

const conv = (
  filters: number,
  kernelSize = 3,
  padding: 'valid' | 'same' = 'valid',
  activation: 'relu' | 'linear' = 'relu',
): Layer => ({ kind: 'conv2d', filters, kernelSize, padding, activation });
const pool: Layer = { kind: 'maxPooling2d', poolSize: 2 };
const flatten: Layer = { kind: 'flatten' };
const dense = (units: number, activation: 'relu' | 'linear' = 'relu'): Layer => ({
  kind: 'dense',
  units,
  activation,
});
const dropout = (rate: number): Layer => ({ kind: 'dropout', rate });
const arch = (...layers: Layer[]): Architecture => ({ layers });

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

/** The architecture as tfjs-layers builds it (what the panel's tfjs backends train). */
function tfModel(a: Architecture, weights: Float32Array[]): tf.Sequential {
  const model = tf.sequential();
  a.layers.forEach((l, i) => {
    const first = i === 0 ? { inputShape: [28, 28, 1] } : {};
    switch (l.kind) {
      case 'conv2d':
        return model.add(
          tf.layers.conv2d({
            ...first,
            filters: l.filters,
            kernelSize: l.kernelSize,
            padding: l.padding,
            activation: l.activation,
          }),
        );
      case 'maxPooling2d':
        return model.add(tf.layers.maxPooling2d({ ...first, poolSize: 2 }));
      case 'dropout':
        return model.add(tf.layers.dropout({ ...first, rate: l.rate }));
      case 'flatten':
        return model.add(tf.layers.flatten(first));
      case 'dense':
        return model.add(tf.layers.dense({ ...first, units: l.units, activation: l.activation }));
    }
  });
  const shapes = inferShapes(a).weightShapes;
  model.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i] as number[])));
  return model;
}

/** Kernels from the seed, biases small random values (so the bias paths are exercised too). */
function testWeights(a: Architecture, seed: number): Float32Array[] {
  const w = initialWeights(a, seed);
  const r = mulberry32(seed + 1);
  for (let i = 1; i < w.length; i += 2) for (let j = 0; j < w[i].length; j++) w[i][j] = (r() - 0.5) * 0.1;
  return w;
}

function batchOf(data: MnistArrays, start: number, count: number, invert = false) {
  const images = data.trainImages.slice(start * 784, (start + count) * 784);
  if (invert) for (let i = 0; i < images.length; i++) images[i] = 255 - images[i];
  return { images, labels: data.trainLabels.slice(start, start + count) };
}

const MASK_SEED = 1234;

/**
 * The layer kernels on the WebAssembly SIMD build, on its relaxed-SIMD build (fused multiply-adds, what
 * Chromium runs), and all in TypeScript.
 */
const engineModules = new Map<boolean, Promise<WebAssembly.Module>>();
const wasmModule = (relaxed: boolean) => {
  let m = engineModules.get(relaxed);
  if (!m) {
    m = engineWasmBytes(root, relaxed).then((bytes) => {
      if (relaxed && !enableRelaxedSimd(bytes)) throw new Error('this Node cannot compile relaxed SIMD');
      return WebAssembly.compile(new Uint8Array(bytes));
    });
    engineModules.set(relaxed, m);
  }
  return m;
};
const kernelKinds = [
  {
    name: 'wasm-simd-layers',
    kind: 'wasm-simd-layers',
    make: async (a: Architecture) =>
      createLayerKernels(a, await instantiateLayerWasm(await wasmModule(false))),
  },
  {
    name: 'wasm-simd-layers, relaxed SIMD',
    kind: 'wasm-simd-layers',
    make: async (a: Architecture) =>
      createLayerKernels(a, await instantiateLayerWasm(await wasmModule(true))),
  },
  { name: 'ts-layers', kind: 'ts-layers', make: async (a: Architecture) => createLayerKernels(a) },
];

/** The loss function Keras/tfjs train with for loss: 'sparseCategoricalCrossentropy'. */
function kerasLoss(model: tf.Sequential) {
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  // A Sequential delegates training to an inner LayersModel, which holds the compiled loss functions.
  return (model as unknown as { model: tf.LayersModel }).model.lossFunctions[0];
}

/**
 * Loss and gradients of the mean sparse categorical cross-entropy, by tfjs: the model's own layers applied
 * in turn, each Dropout replaced by the mask the engine draws for that sample and layer (a fixed mask).
 */
function tfGradients(a: Architecture, weights: Float32Array[], images: Uint8Array, labels: Uint8Array) {
  const model = tfModel(a, weights);
  const n = labels.length;
  const shapes = inferShapes(a).layers;
  const tensors = tf.tidy(() => {
    const xs = tf.tensor4d(
      Float32Array.from(images, (v) => v / 255),
      [n, 28, 28, 1],
    );
    const ys = tf.tensor1d(Float32Array.from(labels));
    const lossFn = kerasLoss(model);
    const masks = a.layers.map((l, i) => {
      if (l.kind !== 'dropout') return null;
      const shape = shapes[i].output;
      const size = shape.reduce((p, q) => p * q, 1);
      const all = new Float32Array(n * size);
      for (let b = 0; b < n; b++) all.set(dropoutMask(l.rate, size, MASK_SEED, b, i), b * size);
      return tf.tensor(all, [n, ...shape]);
    });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      let x: tf.Tensor = xs;
      model.layers.forEach((layer, i) => {
        const mask = masks[i];
        x = mask ? tf.mul(x, mask) : (layer.apply(x) as tf.Tensor);
      });
      return tf.mean(lossFn(ys, x)) as tf.Scalar;
    }, vars);
    return [value, ...vars.map((v) => grads[v.name])];
  });
  const [loss, ...g] = tensors.map((t) => t.dataSync() as Float32Array);
  tf.dispose(tensors);
  model.dispose();
  return { loss: loss[0], grads: g };
}

describe('onramp CPU engine: any architecture (layer kernels) against tfjs', function () {
  this.timeout(300_000);
  let data: MnistArrays;

  before(async () => {
    await tf.setBackend('cpu');
    data = loadMnist(root);
  });

  it("tfjs builds every preset and a hand-made stack with inferShapes's shapes and parameter counts", () => {
    const handMade = arch(
      conv(16, 5, 'same'),
      pool,
      conv(8, 5, 'valid', 'linear'),
      conv(4, 3, 'same'),
      pool,
      flatten,
      dense(32),
      dropout(0.25),
      OUTPUT_LAYER,
    );
    for (const a of [ARTICLE_MODEL, SIMPLE_CONVNET, PLAIN_MLP, handMade]) {
      const w = initialWeights(a, 1);
      const model = tfModel(a, w);
      const report = inferShapes(a);
      assert.equal(model.countParams(), report.totalParameters);
      assert.deepEqual(
        model.layers.map((l) => (l.outputShape as number[]).slice(1)),
        report.layers.map((l) => l.output),
      );
      assert.deepEqual(
        model.getWeights().map((t) => t.shape),
        report.weightShapes,
      );
      model.dispose();
    }
  });

  const cases: {
    title: string;
    arch: Architecture;
    invert?: boolean;
    dropout?: boolean;
    /** Samples in the batch (default 16). */
    count?: number;
  }[] = [
    {
      title: 'conv as first and later layers (conv input gradient)',
      arch: arch(conv(4), conv(6), conv(3, 3, 'valid', 'linear'), flatten, OUTPUT_LAYER),
    },
    {
      title: 'same padding and 5×5 kernels, linear and ReLU',
      arch: arch(conv(3, 5, 'same', 'linear'), conv(4, 5, 'same'), conv(5, 5), pool, flatten, OUTPUT_LAYER),
    },
    {
      title: 'same padding on dense (inverted) pixels',
      arch: arch(conv(3, 3, 'same'), conv(4, 5, 'same', 'linear'), pool, flatten, OUTPUT_LAYER),
      invert: true,
    },
    {
      title: 'max-pooling after later convs, on odd sizes, and first',
      arch: arch(pool, conv(4), pool, conv(6, 3, 'same'), pool, flatten, OUTPUT_LAYER),
    },
    {
      title: 'dense hidden layers, ReLU and linear',
      arch: arch(flatten, dense(32), dense(16, 'linear'), OUTPUT_LAYER),
      invert: true,
    },
    {
      title: 'conv, then dense hidden layers',
      arch: arch(conv(4, 5), pool, flatten, dense(24), dense(12), OUTPUT_LAYER),
    },
    {
      title: 'dropout with a fixed mask (on an image, after flatten, between dense layers)',
      arch: arch(
        conv(4),
        dropout(0.3),
        conv(5),
        pool,
        flatten,
        dropout(0.5),
        dense(16),
        dropout(0.2),
        OUTPUT_LAYER,
      ),
      dropout: true,
    },
    { title: 'the Simple MNIST convnet preset, dropout mask fixed', arch: SIMPLE_CONVNET, dropout: true },
    { title: "the article's model", arch: ARTICLE_MODEL },
    {
      // The SIMD passes take dense kernel gradients over groups of 16 samples: two full groups and a partial one.
      title: 'the plain MLP preset on a batch of 40',
      arch: PLAIN_MLP,
      count: 40,
    },
  ];

  for (const c of cases) {
    it(`${c.title}: loss and every gradient within 1e-4 of tfjs (SIMD, relaxed SIMD and TS)`, async () => {
      const w = testWeights(c.arch, 7);
      const { images, labels } = batchOf(data, 200, c.count ?? 16, c.invert);
      const ref = tfGradients(c.arch, w, images, labels);
      // Evaluation runs without dropout: tfjs's predict (Dropout off) gives its loss.
      const model = tfModel(c.arch, w);
      const lossFn = kerasLoss(model);
      const expected = tf.tidy(() => {
        const xs = tf.tensor4d(
          Float32Array.from(images, (v) => v / 255),
          [labels.length, 28, 28, 1],
        );
        const p = model.predict(xs) as tf.Tensor;
        return tf.mean(lossFn(tf.tensor1d(Float32Array.from(labels)), p)).dataSync()[0];
      });
      model.dispose();
      for (const kind of kernelKinds) {
        const k = await kind.make(c.arch);
        assert.equal(k.kind, kind.kind);
        k.params().set(packLayerArrays(c.arch, w));
        k.loadBatch(images, labels, null, 0, labels.length);
        k.setDropoutSeed?.(MASK_SEED, 0);
        const stats = k.trainBatch(labels.length, 1 / labels.length);
        const loss = stats.lossSum / labels.length;
        assert.ok(
          Math.abs(loss - ref.loss) / ref.loss < 1e-5,
          `${kind.name}: loss ${loss} vs tfjs ${ref.loss}`,
        );
        const ours = unpackLayerArrays(c.arch, k.grads());
        assert.equal(ours.length, ref.grads.length);
        ours.forEach((g, i) => {
          const e = relError(g, ref.grads[i]);
          assert.ok(e < 1e-4, `${kind.name}: weight ${i}: relative error ${e}`);
          assert.ok(
            ref.grads[i].some((v) => v !== 0),
            `weight ${i}: tfjs gradient is all zero`,
          );
        });
        if (c.dropout) {
          // Another mask gives another loss: the mask is really applied.
          k.setDropoutSeed?.(MASK_SEED + 1, 0);
          assert.notEqual(k.trainBatch(labels.length, 1 / labels.length).lossSum / labels.length, loss);
        }
        const evaluated = k.evaluateBatch(labels.length).lossSum / labels.length;
        assert.ok(
          Math.abs(evaluated - expected) / expected < 1e-5,
          `${kind.name}: evaluation loss ${evaluated} vs tfjs ${expected}`,
        );
      }
    });
  }

  it("the SIMD engine's dropout draws layout.ts dropoutMask's masks, bit for bit, and multiplies by them", async () => {
    for (const relaxed of [false, true]) {
      const wasm = await instantiateLayerWasm(await wasmModule(relaxed));
      const n = 1603; // not a multiple of 4: the pass runs over 1604, inside carved buffers
      const at = wasm.alloc(3 * 1604 * 4);
      const view = (i: number) => new Float32Array(wasm.memory.buffer, at + i * 1604 * 4, n);
      view(0).set(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3));
      for (const rate of [0.01, 0.1, 0.25, 1 / 3, 0.5, 0.7]) {
        for (const [seed, sample, layer] of [
          [0, 0, 0],
          [1234, 5, 2],
          [0xffffffff, 31, 7],
        ]) {
          // prettier-ignore
          wasm.layerDropoutForward(at, at + 1604 * 4, at + 2 * 1604 * 4, 1604,
            dropoutStream(seed, sample, layer) | 0, dropoutThreshold(rate), dropoutScale(rate));
          const expected = dropoutMask(rate, n, seed, sample, layer);
          assert.deepEqual(Array.from(view(2)), Array.from(expected), `rate ${rate}, seed ${seed}`);
          const x = view(0);
          assert.deepEqual(
            Array.from(view(1)),
            Array.from(x, (v, i) => Math.fround(v * expected[i])),
          );
          const kept = expected.filter((v) => v > 0).length / n;
          assert.ok(Math.abs(kept - (1 - rate)) < 0.05, `rate ${rate}: kept ${kept}`);
        }
      }
    }
  });

  it('a batch split in two and summed gives the same gradients, dropout masks included', async () => {
    const a = arch(conv(4, 5, 'same'), pool, flatten, dropout(0.4), dense(16), OUTPUT_LAYER);
    const k = await kernelKinds[0].make(a);
    const { images, labels } = batchOf(data, 0, 20);
    k.params().set(packLayerArrays(a, testWeights(a, 5)));
    k.loadBatch(images, labels, null, 0, 20);
    k.setDropoutSeed?.(99, 0);
    k.trainBatch(20, 1 / 20);
    const whole = k.grads().slice();
    k.loadBatch(images, labels, null, 0, 12);
    k.setDropoutSeed?.(99, 0);
    k.trainBatch(12, 1 / 20);
    const first = k.grads().slice();
    k.loadBatch(images, labels, null, 12, 8);
    k.setDropoutSeed?.(99, 12);
    k.trainBatch(8, 1 / 20);
    k.addToGrads(first);
    assert.ok(relError(k.grads(), whole) < 1e-6);
  });

  for (const [name, make] of [
    ['adam', () => tf.train.adam(0.001)],
    ['sgd', () => tf.train.sgd(0.05)],
    ['rmsprop', () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7)],
  ] as const) {
    it(`${name}: three steps match tfjs's (model.trainOnBatch)`, async () => {
      const a = arch(conv(4, 5, 'same'), pool, conv(6), pool, flatten, dense(16), OUTPUT_LAYER);
      const w = testWeights(a, 9);
      const model = tfModel(a, w);
      model.compile({ optimizer: make(), loss: 'sparseCategoricalCrossentropy' });
      const k = await kernelKinds[0].make(a);
      const state = new OptimizerState();
      k.params().set(packLayerArrays(a, w));
      const learningRate = name === 'sgd' ? 0.05 : 0.001;
      for (let step = 0; step < 3; step++) {
        const { images, labels } = batchOf(data, 1000 + step * 16, 16);
        const xs = tf.tensor4d(
          Float32Array.from(images, (v) => v / 255),
          [16, 28, 28, 1],
        );
        const ys = tf.tensor1d(Float32Array.from(labels));
        await model.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
        k.loadBatch(images, labels, null, 0, 16);
        k.trainBatch(16, 1 / 16);
        state.step(k, { optimizer: name, learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
      }
      const ref = model.getWeights().map((t) => t.dataSync() as Float32Array);
      const ours = unpackLayerArrays(a, k.params());
      ours.forEach((o, i) => {
        const dOurs = o.map((v, j) => v - w[i][j]);
        const dRef = ref[i].map((v, j) => v - w[i][j]);
        const e = relError(dOurs, dRef);
        assert.ok(e < 1e-4, `weight ${i}: relative error of the update ${e}`);
      });
      model.dispose();
    });
  }
});

describe('onramp CPU engine (workers): any architecture', function () {
  this.timeout(300_000);
  const engines = useNodeEngines();
  const make = (threads: number) => engines.make(threads);

  it('the Simple MNIST convnet preset: a short training on 512 images lowers the loss', async () => {
    const engine = await make(2);
    await engine.setData(
      engines.data.trainImages.subarray(0, 512 * 784),
      engines.data.trainLabels.subarray(0, 512),
    );
    await engine.init(1, SIMPLE_CONVNET);
    assert.equal(engine.kernel, 'wasm-simd-layers');
    assert.equal(engine.architecture, SIMPLE_CONVNET);
    const w = await engine.getWeightArrays();
    assert.deepEqual(w, initialWeights(SIMPLE_CONVNET, 1), 'init(seed) gives initialWeights(seed)');
    await assert.rejects(engine.getWeights(), /use getWeightArrays/);
    const test = {
      images: engines.data.testImages.subarray(0, 500 * 784),
      labels: engines.data.testLabels.subarray(0, 500),
    };
    const before = await engine.evaluate(test.images, test.labels);
    const losses = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const r = await engine.trainEpoch({ batchSize: 32, shuffleSeed: epoch, learningRate: 0.003 });
      assert.equal(r.completedBatches, 16);
      losses.push(r.loss);
    }
    const after = await engine.evaluate(test.images, test.labels);
    assert.ok(losses[1] < losses[0], `training loss ${losses}`);
    assert.ok(after.loss < before.loss * 0.8, `test loss ${before.loss} → ${after.loss}`);
    assert.ok(after.acc > before.acc + 0.2, `test accuracy ${before.acc} → ${after.acc}`);
  });

  it('1 and 2 workers train the same (dropout masks follow the sample, not the worker); back to the article model on SIMD', async () => {
    const a = arch(conv(4, 5, 'same'), pool, flatten, dropout(0.5), dense(16), OUTPUT_LAYER);
    const results: Float32Array[][] = [];
    for (const threads of [1, 2]) {
      const engine = await make(threads);
      await engine.setData(
        engines.data.trainImages.subarray(0, 256 * 784),
        engines.data.trainLabels.subarray(0, 256),
      );
      await engine.setWeights(initialWeights(a, 3), { architecture: a });
      for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const)
        await engine.trainEpoch({ batchSize: 32, shuffleSeed: 5, optimizer, learningRate: 0.01 });
      results.push(await engine.getWeightArrays());
      await engine.init(2);
      assert.equal(engine.kernel, 'wasm-simd');
      assert.equal((await engine.getWeightArrays()).length, 4);
    }
    results[0].forEach((w, i) => assert.ok(relError(w, results[1][i]) < 1e-3, `weight ${i}`));
    assert.ok(relError(results[0][0], initialWeights(a, 3)[0]) > 1e-3, 'training moved the weights');
  });

  it('refuses an architecture validate() finds a problem with, and weights of the wrong shape', async () => {
    const engine = await make(1);
    await assert.rejects(engine.init(1, arch(conv(8), OUTPUT_LAYER)), /layer 1: denseNeedsFlatten/);
    await assert.rejects(
      engine.setWeights([new Float32Array(3)], { architecture: PLAIN_MLP }),
      /this architecture has 4 weight arrays, got 1/,
    );
    assert.equal(engine.architecture, ARTICLE_MODEL);
  });
});
