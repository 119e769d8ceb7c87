// The Python code generators (src/shared/pythonCode.ts): for the three presets and a hand-made stack (same
// padding, 5×5, dropout, a hidden dense layer), the Keras and PyTorch scripts hold the right layers, the
// optimizer constants and the schedule; the load_weights scripts name the arrays the export writes and
// transpose them to PyTorch's layout; and every generated file compiles with python3 (no torch or tensorflow is
// imported: py_compile only parses and compiles). Then the export of any architecture (model.json reloads to the
// same layers and weights, weights.npz carries the generated loaders' names) and, under real PyTorch (Debian's
// python3-torch), the generated PyTorch model fed weights.npz by the generated loader predicting 100 MNIST test
// images as the panel's tfjs model does.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { inferShapes, initialWeights, PRESETS, sameArchitecture } from '../../src/shared/architecture';
import { DEFAULT_HYPERPARAMETERS, type Hyperparameters } from '../../src/shared/hyperparameters';
import type { Architecture } from '../../src/shared/model';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol/training';
import {
  kerasLoadWeightsScript,
  kerasTrainingScript,
  npzWeightNames,
  pythonProjectFiles,
  PYTORCH_TEMPLATE_FILE,
  pytorchLoadWeightsScript,
  pytorchTemplateScript,
  pytorchTrainingScript,
} from '../../src/shared/pythonCode';
import { kerasCode } from '../../src/webview/training/kerasCode';
import {
  exportModelFiles,
  loadModelFromFiles,
  modelFromArrays,
  npzModelFile,
  type ExportedModel,
} from '../../src/webview/playground/export';
import { loadMnist } from '../../scripts/engineNode';

const run = promisify(execFile);

const HAND_MADE: Architecture = {
  layers: [
    { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' },
    { kind: 'maxPooling2d', poolSize: 2 },
    { kind: 'conv2d', filters: 16, kernelSize: 3, padding: 'valid', activation: 'linear' },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'flatten' },
    { kind: 'dense', units: 64, activation: 'relu' },
    { kind: 'dropout', rate: 0.5 },
    { kind: 'dense', units: 10, activation: 'softmax' },
  ],
};

function compiles(files: { name: string; content: string }[]): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'pycode-'));
  try {
    for (const f of files) writeFileSync(path.join(dir, f.name), f.content);
    const py = files.filter((f) => f.name.endsWith('.py')).map((f) => path.join(dir, f.name));
    execFileSync('python3', ['-m', 'py_compile', ...py], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Python block that opens with the line `opening` (trimmed): it and every deeper line after it, dedented. */
function pythonBlock(script: string, opening: string): string {
  const lines = script.split('\n');
  const depth = (l: string) => l.length - l.trimStart().length;
  const at = lines.findIndex((l) => l.trim() === opening);
  assert.ok(at >= 0, `${opening} is not in\n${script}`);
  let end = at + 1;
  while (end < lines.length && (lines[end].trim() === '' || depth(lines[end]) > depth(lines[at]))) end++;
  return lines
    .slice(at, end)
    .map((l) => l.slice(depth(lines[at])))
    .join('\n')
    .trimEnd();
}

describe('Python code generators', function () {
  this.timeout(60_000);
  const h = DEFAULT_HYPERPARAMETERS;

  it('names the npz arrays as Keras names the layers (the article: the template load_weights.py names)', () => {
    assert.deepEqual(npzWeightNames(PRESETS.article), [
      'conv2d_kernel',
      'conv2d_bias',
      'dense_kernel',
      'dense_bias',
    ]);
    assert.deepEqual(npzWeightNames(HAND_MADE), [
      'conv2d_kernel',
      'conv2d_bias',
      'conv2d_1_kernel',
      'conv2d_1_bias',
      'dense_kernel',
      'dense_bias',
      'dense_1_kernel',
      'dense_1_bias',
    ]);
    assert.deepEqual(npzWeightNames(PRESETS.mlp), [
      'dense_kernel',
      'dense_bias',
      'dense_1_kernel',
      'dense_1_bias',
    ]);
  });

  it('writes the article model in Keras and PyTorch, layer for layer', () => {
    const keras = kerasTrainingScript(PRESETS.article, h);
    assert.match(
      keras,
      /keras\.Input\(shape=\(28, 28, 1\)\),\n\s+layers\.Conv2D\(32, \(3, 3\), activation="relu"\),\n\s+layers\.MaxPooling2D\(\(2, 2\)\),\n\s+layers\.Flatten\(\),\n\s+layers\.Dense\(10, activation="softmax"\),\n/,
    );
    assert.match(keras, /54,410 parameters/);
    const torch = pytorchTrainingScript(PRESETS.article, h);
    assert.match(
      torch,
      /nn\.Conv2d\(1, 32, kernel_size=3, padding=0\),\n\s+nn\.ReLU\(\),\n\s+nn\.MaxPool2d\(2\),\n\s+ChannelsLast\(\),\n\s+nn\.Flatten\(\),\n\s+nn\.Linear\(5408, 10\),\n\s+\)/,
    );
  });

  it("writes Keras's Simple MNIST convnet (34,826 parameters) and the plain MLP (101,770)", () => {
    const convnet = pytorchTrainingScript(PRESETS.simpleConvnet, h);
    assert.match(
      convnet,
      /nn\.Conv2d\(1, 32, kernel_size=3, padding=0\),\n\s+nn\.ReLU\(\),\n\s+nn\.MaxPool2d\(2\),\n\s+nn\.Conv2d\(32, 64, kernel_size=3, padding=0\),\n\s+nn\.ReLU\(\),\n\s+nn\.MaxPool2d\(2\),\n\s+ChannelsLast\(\),\n\s+nn\.Flatten\(\),\n\s+nn\.Dropout\(0\.5\),\n\s+nn\.Linear\(1600, 10\),/,
    );
    assert.match(kerasTrainingScript(PRESETS.simpleConvnet, h), /34,826 parameters/);
    assert.match(
      kerasTrainingScript(PRESETS.simpleConvnet, h),
      /layers\.Conv2D\(64, \(3, 3\), activation="relu"\),\n\s+layers\.MaxPooling2D\(\(2, 2\)\),\n\s+layers\.Flatten\(\),\n\s+layers\.Dropout\(0\.5\),/,
    );
    const mlp = pytorchTrainingScript(PRESETS.mlp, h);
    // Flatten on the (1, 28, 28) image: one channel, still permuted so that the rule is the same everywhere.
    assert.match(
      mlp,
      /ChannelsLast\(\),\n\s+nn\.Flatten\(\),\n\s+nn\.Linear\(784, 128\),\n\s+nn\.ReLU\(\),\n\s+nn\.Linear\(128, 10\),/,
    );
    assert.match(kerasTrainingScript(PRESETS.mlp, h), /101,770 parameters/);
  });

  it('writes a same-padding, 5×5, dropout, linear, hidden-dense stack with the right channel counts', () => {
    const keras = kerasTrainingScript(HAND_MADE, h);
    assert.match(keras, /layers\.Conv2D\(8, \(5, 5\), activation="relu", padding="same"\),/);
    assert.match(keras, /layers\.Conv2D\(16, \(3, 3\), activation="linear"\),\n\s+layers\.Dropout\(0\.25\),/);
    assert.match(keras, /layers\.Dense\(64, activation="relu"\),\n\s+layers\.Dropout\(0\.5\),/);
    const torch = pytorchTrainingScript(HAND_MADE, h);
    // 28×28×8 (same) → 14×14×8 → 12×12×16 (valid 3×3, linear: no ReLU) → 2,304 features.
    assert.match(
      torch,
      /nn\.Conv2d\(1, 8, kernel_size=5, padding="same"\),\n\s+nn\.ReLU\(\),\n\s+nn\.MaxPool2d\(2\),\n\s+nn\.Conv2d\(8, 16, kernel_size=3, padding=0\),\n\s+nn\.Dropout\(0\.25\),\n\s+ChannelsLast\(\),\n\s+nn\.Flatten\(\),\n\s+nn\.Linear\(2304, 64\),\n\s+nn\.ReLU\(\),\n\s+nn\.Dropout\(0\.5\),\n\s+nn\.Linear\(64, 10\),/,
    );
  });

  it("uses Keras's optimizer constants and the cosine schedule in both frameworks", () => {
    const keras = kerasTrainingScript(HAND_MADE, h);
    assert.match(keras, /keras\.optimizers\.Adam\(learning_rate, beta_1=0\.9, beta_2=0\.999, epsilon=1e-7\)/);
    assert.match(keras, /CosineDecay\(LEARNING_RATE, decay_steps=EPOCHS \* batches_per_epoch\)/);
    assert.match(keras, /EPOCHS = 5\nBATCH_SIZE = 32\nLEARNING_RATE = 0\.003\n/);
    assert.match(keras, /x_train = \(x_train \/ 255\.0\)/);
    const torch = pytorchTrainingScript(HAND_MADE, h);
    assert.match(
      torch,
      /torch\.optim\.Adam\(model\.parameters\(\), lr=LEARNING_RATE, betas=\(0\.9, 0\.999\), eps=1e-7\)/,
    );
    assert.match(
      torch,
      /LambdaLR\(\n\s+optimizer, lambda step: 0\.5 \* \(1 \+ math\.cos\(math\.pi \* min\(step, decay_steps\) \/ decay_steps\)\)/,
    );
    assert.match(torch, /EPOCHS = 5\nBATCH_SIZE = 32\nLEARNING_RATE = 0\.003\n/);
    const rms: Hyperparameters = {
      ...h,
      optimizer: 'rmsprop',
      schedule: 'constant',
      learningRate: 0.001,
      epochs: 3,
    };
    assert.match(
      kerasTrainingScript(HAND_MADE, rms),
      /keras\.optimizers\.RMSprop\(learning_rate, rho=0\.9, momentum=0\.0, epsilon=1e-7\)/,
    );
    assert.match(kerasTrainingScript(HAND_MADE, rms), /learning_rate = LEARNING_RATE\n/);
    assert.match(
      pytorchTrainingScript(HAND_MADE, rms),
      /torch\.optim\.RMSprop\(model\.parameters\(\), lr=LEARNING_RATE, alpha=0\.9, momentum=0\.0, eps=1e-7\)/,
    );
    assert.match(torch, /optimizer\.step\(\)\n\s+scheduler\.step\(\)\n/);
    assert.doesNotMatch(pytorchTrainingScript(HAND_MADE, rms), /scheduler|LambdaLR/);
    assert.match(
      pytorchTrainingScript(HAND_MADE, { ...h, optimizer: 'sgd' }),
      /torch\.optim\.SGD\(model\.parameters\(\), lr=LEARNING_RATE\)/,
    );
  });

  it('writes load_weights for each framework with the export names and the HWIO→OIHW, [in,out]→[out,in] rule', () => {
    const keras = kerasLoadWeightsScript(HAND_MADE);
    assert.match(keras, /"conv2d_1_kernel",\n\s+"conv2d_1_bias",/);
    assert.match(keras, /conv2d_kernel \(5, 5, 1, 8\), conv2d_bias \(8,\)/);
    assert.match(keras, /from train_keras import build_model/);
    assert.match(keras, /model\.set_weights\(load_npz_weights/);
    const torch = pytorchLoadWeightsScript(HAND_MADE);
    assert.match(torch, /dense_kernel \(2304, 64\)/);
    assert.match(torch, /array\.transpose\(3, 2, 0, 1\)/);
    assert.match(torch, /np\.ascontiguousarray\(array\.T\)/);
    assert.match(torch, /from train_pytorch import build_model, predict/);
  });

  it('keeps the panel code view on the same layer lines', () => {
    assert.match(
      kerasCode(h, 55_000, HAND_MADE),
      /layers\.Conv2D\(8, \(5, 5\), activation="relu", padding="same",\n\s+input_shape=\(28, 28, 1\)\),/,
    );
  });

  for (const [label, arch] of [...Object.entries(PRESETS), ['hand-made', HAND_MADE] as const]) {
    it(`the project files of ${label} compile with python3 -m py_compile`, () => {
      const files = pythonProjectFiles(arch, h, 'python -m pip install -r requirements.txt');
      assert.deepEqual(
        files.map((f) => f.name),
        [
          'train_keras.py',
          'load_weights_keras.py',
          'train_pytorch.py',
          'load_weights_pytorch.py',
          'README.md',
        ],
      );
      compiles(files);
      compiles(pythonProjectFiles(arch, { ...h, optimizer: 'rmsprop', schedule: 'constant' }, 'pip'));
    });
  }

  it("trains with the pytorch-mnist template's loop: the template file is pytorchTemplateScript(), its loop train_pytorch.py's", () => {
    const template = readFileSync(path.resolve(__dirname, '../..', PYTORCH_TEMPLATE_FILE), 'utf8');
    assert.equal(
      template,
      pytorchTemplateScript(),
      `${PYTORCH_TEMPLATE_FILE} is not pytorchTemplateScript()'s text: change the loop in src/shared/pythonCode, then run npx tsx scripts/write-pytorch-template.ts`,
    );
    // evaluate() and the epochs: at the top level in the template, in main() in train_pytorch.py.
    const constant = { ...h, schedule: 'constant' as const };
    const epochs = pythonBlock(template, 'for epoch in range(EPOCHS):');
    assert.match(epochs, /optimizer\.step\(\)[\s\S]*add_scalar\("epoch_loss"[\s\S]*print\(/);
    for (const arch of [PRESETS.article, HAND_MADE]) {
      const generated = pytorchTrainingScript(arch, constant);
      assert.equal(
        pythonBlock(generated, 'def evaluate(loader):'),
        pythonBlock(template, 'def evaluate(loader):'),
      );
      assert.equal(
        pythonBlock(generated, 'for epoch in range(EPOCHS):'),
        epochs.replace('evaluate(test_loader)', 'evaluate(validation_loader)'),
      );
    }
  });

  it('refuses an architecture that does not fit its input', () => {
    assert.throws(
      () => pytorchTrainingScript({ layers: [{ kind: 'dense', units: 10, activation: 'softmax' }] }, h),
      /does not fit its input/,
    );
  });
});

/**
 * A python that imports torch and numpy: Debian's python3-torch (for /usr/bin/python3, installed by .ci/run) or
 * one on PATH. On CI (CI=true) a missing PyTorch fails the parity tests instead of skipping them.
 */
async function pythonWithTorch(): Promise<string | undefined> {
  for (const python of ['/usr/bin/python3', 'python3', 'python']) {
    try {
      await run(python, ['-c', 'import numpy, torch'], { timeout: 120_000 });
      return python;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** Seeded Keras-initialised weights with non-zero biases, so that every array matters in the comparison. */
function seededModel(architecture: Architecture, seed: number): ExportedModel {
  const weights = initialWeights(architecture, seed);
  weights.forEach((w, i) => {
    if (i % 2 === 1) w.forEach((_, j) => (w[j] = 0.05 * Math.sin(j + seed + i)));
  });
  return { architecture, weights };
}

/** The first `n` MNIST test images, pixels / 255 as ToTensor() and the panel give them, (n, 28, 28) row-major. */
function mnistTestImages(n: number): Float32Array {
  const bytes = loadMnist(path.resolve(__dirname, '../..')).testImages.subarray(0, n * 784);
  return Float32Array.from(bytes, (b) => b / 255);
}

// The generated project under real PyTorch: train_pytorch.py's build_model() and predict(), fed weights.npz by
// load_weights_pytorch.py's load_into() and switched to eval() as its main() does, against the panel's tfjs model.
// train_pytorch.py imports torchvision (the data) and torch.utils.tensorboard (the logs) at its top; neither is
// used by the model, and Debian's python3-torch has neither, so an empty module stands in where one is missing.
const PARITY_SCRIPT = `
import importlib, json, sys, types
import numpy as np
import torch
for name, attributes in (("torchvision", ("datasets", "transforms")), ("torch.utils.tensorboard", ("SummaryWriter",))):
    try:
        importlib.import_module(name)
    except ImportError:
        stand_in = types.ModuleType(name)
        for attribute in attributes:
            setattr(stand_in, attribute, None)
        sys.modules[name] = stand_in
d = sys.argv[1]
sys.path.insert(0, d)
from load_weights_keras import WEIGHT_NAMES as KERAS_NAMES, load_npz_weights as keras_load
from load_weights_pytorch import WEIGHT_NAMES, load_into, load_npz_weights
from train_pytorch import build_model, predict
assert KERAS_NAMES == WEIGHT_NAMES
with np.load(d + "/weights.npz", allow_pickle=False) as z:
    shapes = {n: list(z[n].shape) for n in z.files}
model = load_into(build_model(), load_npz_weights(d + "/weights.npz"))
model.eval()
images = np.fromfile(d + "/images.f32", dtype="<f4").reshape(-1, 1, 28, 28)
with torch.no_grad():
    probs = predict(model, torch.from_numpy(images))
print(json.dumps({"modules": [type(m).__name__ for m in model],
                  "names": list(WEIGHT_NAMES), "shapes": shapes, "keras": len(keras_load(d + "/weights.npz")),
                  "probs": probs.tolist()}))
`;

describe('export of any architecture, and the generated loaders', function () {
  this.timeout(120_000);
  const h = DEFAULT_HYPERPARAMETERS;
  before(() => tf.setBackend('cpu'));

  for (const [label, arch] of [...Object.entries(PRESETS), ['hand-made', HAND_MADE] as const]) {
    it(`${label}: model.json reloads to the same layers and weights; weights.npz has inferShapes's names and shapes`, async () => {
      const model = seededModel(arch, 7);
      const files = await exportModelFiles(model);
      assert.deepEqual(
        files.map((f) => f.name),
        ['model.json', 'model.weights.bin', 'weights.npz'],
      );
      const report = inferShapes(arch);
      assert.equal(files[1].bytes.length, report.totalParameters * 4);
      const back = await loadModelFromFiles(files.filter((f) => f.name !== 'weights.npz'));
      assert.ok(sameArchitecture(back.architecture, arch), JSON.stringify(back.architecture));
      assert.deepEqual(back.weights, model.weights);
    });

    it(`${label}: the generated PyTorch model (real torch) loads weights.npz and predicts 100 MNIST test images as tfjs does (1e-4)`, async function () {
      this.timeout(300_000);
      const python = await pythonWithTorch();
      if (!python) {
        assert.ok(
          process.env.CI !== 'true',
          'PyTorch is not installed: .ci/run installs python3-torch (Debian) for /usr/bin/python3',
        );
        this.test!.title += ' (skipped: no python3 with torch here; CI installs python3-torch)';
        this.skip();
      }
      const model = seededModel(arch, 3);
      const dir = mkdtempSync(path.join(tmpdir(), 'pycode-parity-'));
      const tfModel = modelFromArrays(model);
      try {
        for (const f of pythonProjectFiles(arch, h, 'pip')) writeFileSync(path.join(dir, f.name), f.content);
        writeFileSync(path.join(dir, 'weights.npz'), npzModelFile(model).bytes);
        const count = 100;
        const images = mnistTestImages(count);
        writeFileSync(path.join(dir, 'images.f32'), new Uint8Array(images.buffer));
        const expected = tf.tidy(() =>
          (tfModel.predict(tf.tensor4d(images, [count, 28, 28, 1])) as tf.Tensor).arraySync(),
        ) as number[][];
        const { stdout } = await run(python!, ['-c', PARITY_SCRIPT, dir], { timeout: 240_000 });
        const result = JSON.parse(stdout) as {
          modules: string[];
          names: string[];
          shapes: Record<string, number[]>;
          keras: number;
          probs: number[][];
        };
        assert.equal(result.probs.length, count);
        assert.equal(
          result.modules.filter((m) => m === 'Conv2d' || m === 'Linear').length * 2,
          npzWeightNames(arch).length,
          result.modules.join(', '),
        );
        const names = npzWeightNames(arch);
        assert.deepEqual(result.names, names);
        assert.equal(result.keras, names.length);
        assert.deepEqual(
          names.map((n) => result.shapes[n]),
          inferShapes(arch).weightShapes.map((s) => [...s]),
        );
        let worst = 0;
        expected.forEach((row, i) =>
          row.forEach((p, j) => (worst = Math.max(worst, Math.abs(p - result.probs[i][j])))),
        );
        assert.ok(worst < 1e-4, `largest difference ${worst}`);
      } finally {
        tfModel.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses a model.json the panel cannot build, saying which layer', async () => {
    // Dense(10, softmax) straight on the image: the stack validate() refuses.
    const bad = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const files = await tfjsModelFilesOf(bad);
    bad.dispose();
    await assert.rejects(loadModelFromFiles(files), /layer 1 \(Conv2D\): strides \[2,2\]/);
    const hidden = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 600, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const tooWide = await tfjsModelFilesOf(hidden);
    hidden.dispose();
    await assert.rejects(loadModelFromFiles(tooWide), /layer 2 \(outOfRange .*units/);
  });
});

/** A tfjs model's files as the export writes them (a model the panel may not be able to build). */
async function tfjsModelFilesOf(model: tf.LayersModel): Promise<{ name: string; bytes: Uint8Array }[]> {
  const files: { name: string; bytes: Uint8Array }[] = [];
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const json = {
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
      };
      files.push({ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) });
      files.push({
        name: 'w.bin',
        bytes: new Uint8Array(new tf.io.CompositeArrayBuffer(a.weightData).slice()),
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files;
}

describe('openPythonProject message', () => {
  const model = { architecture: HAND_MADE, hyperparameters: DEFAULT_HYPERPARAMETERS };
  const message = (m: unknown) => ({ type: 'openPythonProject', requestId: 'p-1', model: m });

  it('accepts a model the panel can train and copies only the known fields', () => {
    const r = parseWebviewMessage(message(model));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, message(model));
    assert.notEqual((r.value as { model: unknown }).model, model, 'a copy');
    for (const preset of Object.values(PRESETS))
      assert.ok(parseWebviewMessage(message({ ...model, architecture: preset })).ok);
    const answer = {
      type: 'pythonProjectOpened',
      requestId: 'p-1',
      outcome: 'failed',
      folder: '/x',
      error: 'no',
    };
    assert.deepEqual(parseHostMessage(answer), { ok: true, value: answer });
  });

  it('refuses unknown kinds and fields, wrong types, values out of range, stacks that cannot train, bad hyperparameters', () => {
    const layers = HAND_MADE.layers;
    const withLayer = (i: number, layer: unknown) =>
      message({ ...model, architecture: { layers: layers.map((l, j) => (j === i ? layer : l)) } });
    const cases: [unknown, RegExp][] = [
      [withLayer(0, { ...layers[0], kind: 'lstm' }), /layers\[0\]\.kind is unknown/],
      [withLayer(0, { ...layers[0], code: 'import os' }), /layers\[0\] has unknown fields: code/],
      [withLayer(0, { ...layers[0], filters: '8' }), /layers\[0\]\.filters must be a number/],
      [withLayer(0, { ...layers[0], filters: 65 }), /layers\[0\]: outOfRange .*"filters"/],
      [withLayer(0, { ...layers[0], kernelSize: 4 }), /layers\[0\]: kernelSize/],
      [withLayer(0, { ...layers[0], padding: 'causal' }), /layers\[0\]: unknownOption/],
      [withLayer(3, { kind: 'dropout', rate: 0.9 }), /layers\[3\]: outOfRange .*"rate"/],
      [withLayer(3, { kind: 'dropout', rate: NaN }), /layers\[3\]\.rate must be a finite number/],
      [withLayer(4, { kind: 'dense', units: 32, activation: 'relu' }), /layers\[4\]: denseNeedsFlatten/],
      [message({ ...model, architecture: { layers: [] } }), /must list 1–24 layers/],
      [
        message({ ...model, architecture: { layers: Array(25).fill({ kind: 'flatten' }) } }),
        /must list 1–24/,
      ],
      [message({ ...model, hyperparameters: { ...DEFAULT_HYPERPARAMETERS, epochs: 0 } }), /epochs must be/],
      [message({ ...model, script: 'x' }), /model has unknown fields: script/],
      [message(undefined), /model must be an object/],
      [{ ...message(model), requestId: '../x' }, /openPythonProject\.requestId/],
    ];
    for (const [m, error] of cases) {
      const r = parseWebviewMessage(m);
      assert.ok(!r.ok && error.test(r.error), `${JSON.stringify(m).slice(0, 200)} → ${JSON.stringify(r)}`);
    }
    assert.equal(
      parseHostMessage({ type: 'pythonProjectOpened', requestId: 'p', outcome: 'maybe' }).ok,
      false,
    );
  });
});
