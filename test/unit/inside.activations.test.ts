/**
 * The look-inside view's arithmetic (src/webview/inside/activationsModel.ts) in plain Node: every layer's output
 * against tfjs's own layers applied one by one (test/helpers/insideStack.ts: 5×5 'same' and 3×3 'valid'
 * convolutions, pooling, Dropout, Flatten, two Dense layers), the softmax against the playground's forward pass on the article's
 * model, a cell's written-out arithmetic against the map it explains (edges and corners included), and clear
 * errors for weights that do not fit; and the playground's classifier of another architecture reading its
 * weights back only when asked (Save, Look inside), once, with `data()`. Run: npx mocha --require tsx/cjs test/unit/inside.activations.test.ts
 */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initialWeights, mulberry32 } from '../../src/shared/architecture';
import { ARTICLE_MODEL, type Architecture } from '../../src/shared/model';
import { INSIDE_TEST_STACK } from '../helpers/insideStack';
import { buildModel } from '../../src/webview/common/tfjsModel';
import { glorotWeights } from '../../src/webview/engine/layout';
import { LayerActivations } from '../../src/webview/inside/activationsModel';
import { createClassifier } from '../../src/webview/playground/forward';
import { createModelClassifier } from '../../src/webview/playground/modelClassifier';

const STACK = INSIDE_TEST_STACK;

/** A digit-like input: mostly zeros, a blob of ink in [0, 1]. */
function digit(seed: number): Float32Array {
  const random = mulberry32(seed);
  const x = new Float32Array(784);
  for (let y = 4; y < 24; y++) for (let c = 6; c < 22; c++) if (random() < 0.35) x[y * 28 + c] = random();
  // Ink at the border too, so that 'same' padding's edges see something.
  x[0] = 0.9;
  x[27] = 0.5;
  x[27 * 28 + 3] = 1;
  return x;
}

/** Biases set to small non-zero values (Keras starts them at 0, which would hide a bias bug). */
function withBiases(arch: Architecture, seed: number): Float32Array[] {
  const random = mulberry32(seed + 1);
  return initialWeights(arch, seed).map((w, i) => (i % 2 === 1 ? w.map(() => (random() - 0.5) * 0.2) : w));
}

describe('look inside: layer activations', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it("computes every layer as tfjs's layers do", () => {
    const weights = withBiases(STACK, 5);
    const model = buildModel(STACK);
    const tensors = weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape));
    model.setWeights(tensors);
    tf.dispose(tensors);
    const view = new LayerActivations({ architecture: STACK, weights });
    for (const seed of [1, 2, 3]) {
      const x = digit(seed);
      const outputs = view.run(x);
      tf.tidy(() => {
        let t: tf.Tensor = tf.tensor4d(x, [1, 28, 28, 1]);
        model.layers.forEach((layer, i) => {
          t = layer.apply(t, { training: false }) as tf.Tensor;
          const expected = t.dataSync();
          const got = outputs[i].values;
          assert.equal(got.length, expected.length, `layer ${i}: size`);
          let worst = 0;
          for (let j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j] - expected[j]));
          assert.ok(worst < 1e-4, `layer ${i} (${STACK.layers[i].kind}) differs by ${worst}`);
        });
      });
    }
    model.dispose();
  });

  it("gives the article's model the playground's probabilities", () => {
    const w = glorotWeights(9);
    w.convBias = w.convBias.map((_, i) => (i % 3) * 0.05 - 0.05);
    const classifier = createClassifier(w);
    const view = new LayerActivations({
      architecture: ARTICLE_MODEL,
      weights: [w.convKernel, w.convBias, w.denseKernel, w.denseBias],
    });
    for (const seed of [4, 5]) {
      const x = digit(seed);
      const expected = classifier.predict(x);
      const got = view.run(x).at(-1)!.values;
      expected.forEach((p, d) => assert.ok(Math.abs(p - got[d]) < 1e-6, `digit ${d}: ${got[d]} vs ${p}`));
    }
  });

  it("writes out the arithmetic of the value in the map, zeros outside the image for 'same' padding", () => {
    const weights = withBiases(STACK, 6);
    const view = new LayerActivations({ architecture: STACK, weights });
    const outputs = view.run(digit(7));
    const conv = outputs[0].values;
    for (const [row, col] of [
      [0, 0],
      [0, 27],
      [27, 3],
      [1, 1],
      [14, 14],
    ]) {
      for (const f of [0, 5]) {
        const cell = view.convCell(0, row, col, f);
        assert.deepEqual([cell.top, cell.left, cell.kernelSize, cell.channels], [row - 2, col - 2, 5, 1]);
        const outside = cell.inside.filter((inside) => !inside).length;
        const rowsIn = [0, 1, 2, 3, 4].filter((k) => row - 2 + k >= 0 && row - 2 + k < 28).length;
        const colsIn = [0, 1, 2, 3, 4].filter((k) => col - 2 + k >= 0 && col - 2 + k < 28).length;
        assert.equal(outside, 25 - rowsIn * colsIn, `(${row}, ${col})`);
        cell.inside.forEach((inside, i) => {
          if (!inside) assert.equal(cell.patch[i], 0);
        });
        assert.ok(Math.abs(cell.pre - (cell.sum + cell.bias)) < 1e-12);
        assert.equal(cell.value, Math.max(0, cell.pre));
        assert.ok(
          Math.abs(cell.value - conv[(row * 28 + col) * 8 + f]) < 1e-5,
          `(${row}, ${col}) filter ${f}`,
        );
      }
    }
    // The second conv layer (linear, 8 input channels): per-channel sums add up; the value may be negative.
    const deep = view.convCell(2, 3, 4, 2);
    assert.equal(deep.channels, 8);
    assert.equal(deep.activation, 'linear');
    assert.ok(Math.abs(deep.channelSums.reduce((a, b) => a + b, 0) - deep.sum) < 1e-12);
    assert.equal(deep.value, deep.pre);
    assert.ok(Math.abs(deep.value - outputs[2].values[(3 * 12 + 4) * 16 + 2]) < 1e-5);
    // A pooled cell is the largest of its window of the map above.
    const pool = view.poolCell(1, 6, 2, 4);
    assert.equal(pool.value, outputs[1].values[(6 * 14 + 2) * 8 + 4]);
    assert.equal(pool.value, Math.max(...pool.window));
  });

  it('refuses weights that do not fit the layers, saying which', () => {
    const weights = initialWeights(STACK, 1);
    assert.throws(
      () => new LayerActivations({ architecture: STACK, weights: weights.slice(1) }),
      /7 weight arrays, its layers need 8/,
    );
    const bad = weights.map((w) => w.slice());
    bad[2] = new Float32Array(3);
    assert.throws(
      () => new LayerActivations({ architecture: STACK, weights: bad }),
      /weight array 2 holds 3/,
    );
    bad[2] = weights[2].slice();
    bad[3][1] = NaN;
    assert.throws(
      () => new LayerActivations({ architecture: STACK, weights: bad }),
      /not a finite number at 1/,
    );
    const view = new LayerActivations({ architecture: STACK, weights });
    assert.throws(() => view.convCell(0, 0, 0, 0), /nothing has run/);
    view.run(digit(1));
    assert.throws(() => view.convCell(1, 0, 0, 0), /not a Conv2D layer/);
    assert.throws(() => view.convCell(0, 28, 0, 0), /no cell \(28, 0\) of filter 0 in a 28×28×8 output/);
    assert.throws(() => view.run(new Float32Array(10)), /784 values, not 10/);
  });
});

describe("playground: another architecture's weights are read back lazily", () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('reads nothing when the run hands its model over; once, with data(), when Save or Look inside asks', async () => {
    const weights = withBiases(STACK, 3);
    const trained = buildModel(STACK);
    const tensors = weights.map((w, i) => tf.tensor(w, trained.getWeights()[i].shape));
    trained.setWeights(tensors);
    tf.dispose(tensors);
    const proto = tf.Tensor.prototype as unknown as Record<'data' | 'dataSync', (...a: unknown[]) => unknown>;
    const original = { data: proto.data, dataSync: proto.dataSync };
    const calls = { data: 0, dataSync: 0 };
    proto.data = function (this: unknown, ...a: unknown[]) {
      calls.data++;
      return original.data.apply(this, a);
    };
    proto.dataSync = function (this: unknown, ...a: unknown[]) {
      calls.dataSync++;
      return original.dataSync.apply(this, a);
    };
    try {
      const classifier = createModelClassifier(trained, STACK);
      assert.deepEqual(calls, { data: 0, dataSync: 0 }, 'read back on hand-over');
      const first = classifier.readModel!();
      assert.equal(classifier.readModel!(), first, 'one read for every asker');
      const read = await first;
      assert.deepEqual(calls, { data: weights.length, dataSync: 0 });
      assert.equal(read.architecture, STACK);
      read.weights.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(weights[i])));
      classifier.dispose!();
      await assert.rejects(classifier.readModel!(), /replaced/);
    } finally {
      proto.data = original.data;
      proto.dataSync = original.dataSync;
      trained.dispose();
    }
  });
});
