// The learning-rate schedule on the tfjs side (setLearningRate on each optimizer) and the Keras code the panel
// shows for its settings, checked for Python syntax by a real python3.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import type { Hyperparameters } from '../../src/shared/protocol/training';
import { DEFAULT_HYPERPARAMETERS } from '../../src/extension/training/defaults';
import { kerasCode } from '../../src/webview/training/kerasCode';
import { makeOptimizer, setLearningRate } from '../../src/webview/common/tfjsModel';

describe('learning-rate schedule (tfjs optimizers) and the Keras code', function () {
  before(() => tf.setBackend('cpu'));

  /** How far one update moves [1, -1] under the loss 3·v0 − 2·v1 (gradients 3 and −2). */
  const oneUpdate = (optimizer: tf.Optimizer): number[] => {
    const v = tf.variable(tf.tensor1d([1, -1]));
    optimizer.minimize(() => tf.sum(tf.mul(v, tf.tensor1d([3, -2]))) as tf.Scalar);
    const moved = Array.from(v.dataSync(), (x, i) => x - [1, -1][i]);
    v.dispose();
    optimizer.dispose();
    return moved;
  };

  for (const name of ['adam', 'sgd', 'rmsprop'] as const) {
    it(`${name}: a rate set between updates is the one the next update uses`, () => {
      const reference = oneUpdate(makeOptimizer(name, 0.01));
      const reset = makeOptimizer(name, 0.5);
      setLearningRate(reset, 0.01);
      const moved = oneUpdate(reset);
      moved.forEach((m, i) => assert.ok(Math.abs(m - reference[i]) < 1e-7, `${m} vs ${reference[i]}`));
      assert.ok(Math.abs(reference[0]) > 1e-3, 'the reference update moved');
      const stopped = makeOptimizer(name, 0.01);
      setLearningRate(stopped, 0);
      assert.deepEqual(oneUpdate(stopped), [0, 0]);
    });
  }

  it('no tensors are left behind by changing the rate on every update', () => {
    const opt = makeOptimizer('sgd', 0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) setLearningRate(opt, 0.1 / (i + 1));
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
  });

  const base: Hyperparameters = DEFAULT_HYPERPARAMETERS;
  const cases: [string, Hyperparameters, RegExp[], RegExp[]][] = [
    [
      'default (cosine)',
      base,
      [
        /CosineDecay\(\s*0\.003, decay_steps=5 \* 1719\)/,
        /keras\.optimizers\.Adam\(learning_rate\)/,
        /epochs=5,\s+batch_size=32/,
      ],
      [],
    ],
    [
      'constant, as the article',
      { ...base, learningRate: 0.001, schedule: 'constant' },
      [/learning_rate = 0\.001\n/],
      [/CosineDecay/],
    ],
    [
      'SGD, batch 128, 3 epochs, rate 1',
      { ...base, optimizer: 'sgd', batchSize: 128, epochs: 3, learningRate: 1 },
      [/keras\.optimizers\.SGD/, /CosineDecay\(\s*1\.0, decay_steps=3 \* 430\)/, /batch_size=128/],
      [],
    ],
  ];
  for (const [label, h, present, absent] of cases) {
    it(`Keras code for ${label} says so and is valid Python`, () => {
      const code = kerasCode(h);
      for (const re of present) assert.match(code, re);
      for (const re of absent) assert.doesNotMatch(code, re);
      execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code });
    });
  }
});
