// The model description (src/shared/model.ts) against the sides that read it: the shapes it derives are the
// tfjs model's (built from the same layer list), the CPU engine's and the playground's; the one weight check
// finds what each of them used to check on its own.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  ARTICLE_WEIGHT_SHAPES,
  findWeightProblem,
  inferShapes,
  sizeOf,
  validate,
} from '../../src/shared/architecture';
import { ARTICLE_MODEL, ARTICLE_MODEL_PARAMETERS, type Architecture } from '../../src/shared/model';
import { PARAMETER_COUNT, glorotWeights, MODEL_WEIGHT_NAMES } from '../../src/webview/engine/layout';
import { WEIGHT_SHAPES } from '../../src/webview/playground/export';
import { buildModel, summarize } from '../../src/webview/common/tfjsModel';
import { kerasCode } from '../../src/webview/training/kerasCode';
import { DEFAULT_HYPERPARAMETERS } from '../../src/shared/hyperparameters';

describe('model description', function () {
  this.timeout(60_000);
  before(() => tf.setBackend('cpu'));

  it("derives the article model's shapes: 26×26×32, 13×13×32, 5,408, 10; 54,410 parameters", () => {
    assert.deepEqual(
      inferShapes(ARTICLE_MODEL).layers.map((l) => l.output),
      [[26, 26, 32], [13, 13, 32], [5408], [10]],
    );
    assert.deepEqual(ARTICLE_WEIGHT_SHAPES, [[3, 3, 1, 32], [32], [5408, 10], [10]]);
    const total = ARTICLE_WEIGHT_SHAPES.reduce((sum, s) => sum + sizeOf(s), 0);
    assert.equal(total, ARTICLE_MODEL_PARAMETERS);
    assert.equal(PARAMETER_COUNT, ARTICLE_MODEL_PARAMETERS);
    assert.equal(WEIGHT_SHAPES, ARTICLE_WEIGHT_SHAPES, 'the exporter reads the same shapes');
  });

  it('builds the tfjs model from the layer list, with the weight shapes it derives', () => {
    const model = buildModel();
    try {
      assert.deepEqual(
        model.getWeights().map((w) => w.shape),
        ARTICLE_WEIGHT_SHAPES,
      );
      const { layers, totalParams } = summarize(model);
      assert.equal(totalParams, ARTICLE_MODEL_PARAMETERS);
      assert.deepEqual(
        layers.map((l) => [l.className, l.outputShape]),
        [
          ['Conv2D', '(None, 26, 26, 32)'],
          ['MaxPooling2D', '(None, 13, 13, 32)'],
          ['Flatten', '(None, 5408)'],
          ['Dense', '(None, 10)'],
        ],
      );
    } finally {
      model.dispose();
    }
  });

  it('follows another architecture the same way in tfjs, in the derived shapes and in the Keras code', () => {
    const wider: Architecture = {
      layers: [
        { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' },
        { kind: 'maxPooling2d', poolSize: 2 },
        { kind: 'dropout', rate: 0.25 },
        { kind: 'flatten' },
        { kind: 'dense', units: 16, activation: 'relu' },
        ARTICLE_MODEL.layers.at(-1)!,
      ],
    };
    const model = buildModel(wider);
    try {
      const shapes = inferShapes(wider).layers;
      assert.deepEqual(
        model.getWeights().map((w) => w.shape),
        shapes.flatMap((l) => l.weights),
      );
      assert.deepEqual(
        model.layers.map((l) => (l.outputShape as number[]).slice(1)),
        shapes.map((l) => l.output),
      );
    } finally {
      model.dispose();
    }
    const code = kerasCode(DEFAULT_HYPERPARAMETERS, 55_000, wider);
    assert.match(
      code,
      /layers\.Conv2D\(8, \(5, 5\), activation="relu", padding="same",\n\s+input_shape=\(28, 28, 1\)\),/,
    );
    assert.match(
      code,
      /layers\.Dropout\(0\.25\),\n\s+layers\.Flatten\(\),\n\s+layers\.Dense\(16, activation="relu"\),/,
    );
    assert.deepEqual(
      validate({ layers: [{ kind: 'dense', units: 10, activation: 'softmax' }] }).map((p) => [
        p.layer,
        p.key,
      ]),
      [[0, 'denseNeedsFlatten']],
    );
  });

  it('finds the first wrong weight array: count, length, or a value that is not finite', () => {
    const w = glorotWeights(1);
    const arrays = MODEL_WEIGHT_NAMES.map((k) => w[k]);
    assert.equal(findWeightProblem(arrays, ARTICLE_WEIGHT_SHAPES), undefined);
    assert.deepEqual(findWeightProblem(arrays.slice(0, 3), ARTICLE_WEIGHT_SHAPES), {
      kind: 'count',
      expected: 4,
      found: 3,
    });
    const short = [...arrays];
    short[2] = new Float32Array(10);
    assert.deepEqual(findWeightProblem(short, ARTICLE_WEIGHT_SHAPES), {
      kind: 'length',
      index: 2,
      expected: 54080,
      found: 10,
    });
    const notFloat: unknown[] = [...arrays];
    notFloat[1] = Array.from(arrays[1]);
    assert.deepEqual(findWeightProblem(notFloat, ARTICLE_WEIGHT_SHAPES), {
      kind: 'length',
      index: 1,
      expected: 32,
      found: 32,
    });
    const nan = arrays.map((a) => a.slice());
    nan[3][7] = NaN;
    assert.deepEqual(findWeightProblem(nan, ARTICLE_WEIGHT_SHAPES), { kind: 'notFinite', index: 3, at: 7 });
  });
});
