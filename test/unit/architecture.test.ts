// The shared architecture logic: shapes and parameter counts as Keras's model.summary() prints them, FLOPs,
// seeded initial weights, and each validation problem on the layer at fault.
import assert from 'node:assert/strict';
import {
  flopsPerSample,
  inferShapes,
  initialWeights,
  MAX_PARAMETERS,
  PLAIN_MLP,
  PRESETS,
  type Problem,
  SIMPLE_CONVNET,
  validate,
} from '../../src/shared/architecture';
import {
  ARTICLE_MODEL,
  ARTICLE_MODEL_PARAMETERS,
  type Architecture,
  type Layer,
  OUTPUT_LAYER,
} from '../../src/shared/model';

const conv = (
  filters: number,
  kernelSize = 3,
  padding: 'valid' | 'same' = 'valid',
  activation: 'relu' | 'linear' = 'relu',
): Layer => ({
  kind: 'conv2d',
  filters,
  kernelSize,
  padding,
  activation,
});
const pool: Layer = { kind: 'maxPooling2d', poolSize: 2 };
const flatten: Layer = { kind: 'flatten' };
const dense = (units: number, activation: 'relu' | 'linear' | 'softmax' = 'relu'): Layer => ({
  kind: 'dense',
  units,
  activation,
});
const dropout = (rate: number): Layer => ({ kind: 'dropout', rate });
const arch = (...layers: Layer[]): Architecture => ({ layers });

/** Output shapes and parameter counts, one row per layer, as `model.summary()` lists them. */
const summary = (a: Architecture) => inferShapes(a).layers.map((l) => [l.output, l.parameters]);
const problems = (a: Architecture) => validate(a).map((p: Problem) => [p.layer, p.key]);

describe('architecture: shapes, parameters and validation (Keras numbers)', () => {
  it("the article's model: 54,410 parameters", () => {
    // Conv2D(32, 3×3, valid): 28 − 2 = 26, (3·3·1 + 1)·32 = 320; pool 13; flatten 13·13·32 = 5408;
    // Dense 10: (5408 + 1)·10 = 54,090.
    assert.deepEqual(summary(ARTICLE_MODEL), [
      [[26, 26, 32], 320],
      [[13, 13, 32], 0],
      [[5408], 0],
      [[10], 54090],
    ]);
    const r = inferShapes(ARTICLE_MODEL);
    assert.equal(r.totalParameters, ARTICLE_MODEL_PARAMETERS);
    assert.deepEqual(r.weightShapes, [[3, 3, 1, 32], [32], [5408, 10], [10]]);
    assert.deepEqual(validate(ARTICLE_MODEL), []);
  });

  it('Keras\'s "Simple MNIST convnet": 34,826 parameters', () => {
    // Conv 32: 26×26×32, 320; pool 13×13×32; Conv 64 3×3 valid: 11×11×64, (3·3·32 + 1)·64 = 18,496;
    // pool floor(11/2) = 5: 5×5×64; flatten 1600; dropout 1600; Dense 10: 1601·10 = 16,010.
    assert.deepEqual(summary(SIMPLE_CONVNET), [
      [[26, 26, 32], 320],
      [[13, 13, 32], 0],
      [[11, 11, 64], 18496],
      [[5, 5, 64], 0],
      [[1600], 0],
      [[1600], 0],
      [[10], 16010],
    ]);
    assert.equal(inferShapes(SIMPLE_CONVNET).totalParameters, 34826);
    assert.deepEqual(inferShapes(SIMPLE_CONVNET).weightShapes, [
      [3, 3, 1, 32],
      [32],
      [3, 3, 32, 64],
      [64],
      [1600, 10],
      [10],
    ]);
    assert.deepEqual(validate(SIMPLE_CONVNET), []);
  });

  it('the plain MLP: 101,770 parameters', () => {
    // Flatten 784; Dense 128: 785·128 = 100,480; Dense 10: 129·10 = 1,290.
    assert.deepEqual(summary(PLAIN_MLP), [
      [[784], 0],
      [[128], 100480],
      [[10], 1290],
    ]);
    assert.equal(inferShapes(PLAIN_MLP).totalParameters, 101770);
    assert.deepEqual(validate(PLAIN_MLP), []);
    assert.deepEqual(Object.keys(PRESETS), ['article', 'simpleConvnet', 'mlp']);
  });

  it('a hand-made stack with same padding and 5×5 kernels: 7,478 parameters', () => {
    const a = arch(
      conv(16, 5, 'same'), // 28×28×16 (same keeps 28), (5·5·1 + 1)·16 = 416
      pool, // 14×14×16
      conv(8, 5, 'valid', 'linear'), // 14 − 4 = 10: 10×10×8, (5·5·16 + 1)·8 = 3,208
      conv(4, 3, 'same'), // 10×10×4, (3·3·8 + 1)·4 = 292
      pool, // 5×5×4
      flatten, // 100
      dense(32), // (100 + 1)·32 = 3,232
      dropout(0.25), // 32
      OUTPUT_LAYER, // (32 + 1)·10 = 330
    );
    assert.deepEqual(summary(a), [
      [[28, 28, 16], 416],
      [[14, 14, 16], 0],
      [[10, 10, 8], 3208],
      [[10, 10, 4], 292],
      [[5, 5, 4], 0],
      [[100], 0],
      [[32], 3232],
      [[32], 0],
      [[10], 330],
    ]);
    const r = inferShapes(a);
    assert.equal(r.totalParameters, 416 + 3208 + 292 + 3232 + 330);
    assert.deepEqual(r.weightShapes, [
      [5, 5, 1, 16],
      [16],
      [5, 5, 16, 8],
      [8],
      [3, 3, 8, 4],
      [4],
      [100, 32],
      [32],
      [32, 10],
      [10],
    ]);
    assert.deepEqual(validate(a), []);
  });

  it('FLOPs per sample: 2 per multiply-add forward, twice that backward but for the first layer', () => {
    // Article: conv 26·26·32 outputs × 9 = 194,688 MACs; dense 5408·10 = 54,080 MACs.
    const f = flopsPerSample(ARTICLE_MODEL);
    assert.equal(f.forward, 2 * (194688 + 54080));
    assert.equal(f.backward, 2 * 194688 + 4 * 54080);
    assert.equal(f.total, f.forward + f.backward);
    // MLP: 784·128 + 128·10 = 101,632 MACs.
    assert.equal(flopsPerSample(PLAIN_MLP).total, 4 * 100352 + 6 * 1280);
  });

  it('initial weights: Keras order and shapes, Glorot-uniform limits, zero biases, the same for the same seed', () => {
    const w = initialWeights(SIMPLE_CONVNET, 42);
    assert.deepEqual(
      w.map((a) => a.length),
      [288, 32, 18432, 64, 16000, 10],
    );
    assert.deepEqual(initialWeights(SIMPLE_CONVNET, 42), w);
    assert.notDeepEqual(initialWeights(SIMPLE_CONVNET, 43)[0], w[0]);
    // limit sqrt(6 / (fanIn + fanOut)): conv2 fanIn 3·3·32, fanOut 3·3·64; dense 1600 → 10.
    const limits = [Math.sqrt(6 / (9 + 288)), 0, Math.sqrt(6 / (288 + 576)), 0, Math.sqrt(6 / 1610), 0];
    w.forEach((a, i) => {
      const most = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (limits[i] === 0) assert.equal(most, 0);
      else
        assert.ok(
          most <= limits[i] && most > 0.9 * limits[i],
          `weight ${i}: largest ${most}, limit ${limits[i]}`,
        );
    });
  });

  describe('validation: each problem on the layer at fault', () => {
    it('after a pooling the image is 1×1: the next pooling cannot', () => {
      // 28 → 14 → 7 → 3 → 1 → (no 2×2 window left)
      const a = arch(pool, pool, pool, pool, pool, flatten, OUTPUT_LAYER);
      assert.deepEqual(summary(a).slice(0, 4), [
        [[14, 14, 1], 0],
        [[7, 7, 1], 0],
        [[3, 3, 1], 0],
        [[1, 1, 1], 0],
      ]);
      assert.deepEqual(validate(a), [
        { layer: 4, key: 'imageTooSmallToPool', args: { height: 1, width: 1 } },
      ]);
    });

    it('Dense needs Flatten before it', () => {
      assert.deepEqual(validate(arch(conv(8), dense(16), flatten, OUTPUT_LAYER)), [
        { layer: 1, key: 'denseNeedsFlatten', args: { height: 26, width: 26, channels: 8 } },
      ]);
      assert.deepEqual(problems(arch(conv(8), OUTPUT_LAYER)), [[1, 'denseNeedsFlatten']]);
    });

    it('Conv2D and MaxPooling2D after Flatten', () => {
      assert.deepEqual(problems(arch(flatten, conv(8), pool, OUTPUT_LAYER)), [
        [1, 'imageLayerAfterFlatten'],
        [2, 'imageLayerAfterFlatten'],
      ]);
    });

    it('a valid convolution larger than its image', () => {
      // 28 → 14 → 7 → 3; a 5×5 valid kernel does not fit a 3×3 image (a 3×3 one does: 1×1).
      const a = arch(pool, pool, pool, conv(4, 5), flatten, OUTPUT_LAYER);
      assert.deepEqual(validate(a), [
        { layer: 3, key: 'imageSmallerThanKernel', args: { height: 3, width: 3, kernel: 5 } },
      ]);
      assert.deepEqual(validate(arch(pool, pool, pool, conv(4, 3), flatten, OUTPUT_LAYER)), []);
      assert.deepEqual(validate(arch(pool, pool, pool, conv(4, 5, 'same'), flatten, OUTPUT_LAYER)), []);
    });

    it('the last layer must be Dense(10, softmax), and only it has softmax', () => {
      assert.deepEqual(validate(arch(flatten, dense(10, 'relu'))), [
        { layer: 1, key: 'lastLayerNotOutput', args: { units: 10, activation: 'relu' } },
      ]);
      assert.deepEqual(problems(arch(flatten, dense(12, 'softmax'))), [[1, 'lastLayerNotOutput']]);
      assert.deepEqual(problems(arch(flatten, OUTPUT_LAYER, dropout(0.2))), [
        [1, 'softmaxNotLast'],
        [2, 'lastLayerNotOutput'],
      ]);
      assert.deepEqual(problems(arch(flatten, dense(32, 'softmax'), OUTPUT_LAYER)), [[1, 'softmaxNotLast']]);
      assert.deepEqual(problems(arch()), [[0, 'empty']]);
    });

    it("fields outside the editor's limits", () => {
      assert.deepEqual(
        validate(
          arch(conv(65), conv(0), conv(4, 4), dropout(0.75), flatten, dense(513), dense(2.5), OUTPUT_LAYER),
        ),
        [
          { layer: 0, key: 'outOfRange', args: { field: 'filters', value: 65, min: 1, max: 64 } },
          { layer: 1, key: 'outOfRange', args: { field: 'filters', value: 0, min: 1, max: 64 } },
          { layer: 2, key: 'kernelSize', args: { value: 4 } },
          { layer: 3, key: 'outOfRange', args: { field: 'rate', value: 0.75, min: 0, max: 0.7 } },
          { layer: 5, key: 'outOfRange', args: { field: 'units', value: 513, min: 1, max: 512 } },
          { layer: 6, key: 'outOfRange', args: { field: 'units', value: 2.5, min: 1, max: 512 } },
        ],
      );
      // The limits themselves are allowed.
      assert.deepEqual(
        validate(
          arch(conv(64), conv(1), dropout(0.7), dropout(0), flatten, dense(512), dense(1), OUTPUT_LAYER),
        ),
        [],
      );
    });

    it(`more than ${MAX_PARAMETERS.toLocaleString('en')} parameters: on the largest layer`, () => {
      // Conv 64 same keeps 28×28: 50,176 inputs to Dense 32 = 1,605,664 parameters.
      const a = arch(conv(64, 3, 'same'), flatten, dense(32), OUTPUT_LAYER);
      assert.equal(inferShapes(a).totalParameters, 640 + 50177 * 32 + 330);
      assert.deepEqual(validate(a), [
        { layer: 2, key: 'tooManyParameters', args: { total: 640 + 50177 * 32 + 330, max: MAX_PARAMETERS } },
      ]);
      // The largest two-hidden-layer MLP fits: 785·512 + 513·512 + 513·10 = 669,706.
      const mlp = arch(flatten, dense(512), dense(512), OUTPUT_LAYER);
      assert.equal(inferShapes(mlp).totalParameters, 669706);
      assert.deepEqual(validate(mlp), []);
    });
  });
});
