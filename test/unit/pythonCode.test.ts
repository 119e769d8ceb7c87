// The Python code generators (src/shared/pythonCode.ts): for the three presets and a hand-made stack (same
// padding, 5×5, dropout, a hidden dense layer), the Keras and PyTorch scripts hold the right layers, the
// optimizer constants and the schedule; the load_weights scripts name the arrays the export writes and
// transpose them to PyTorch's layout; and every generated file compiles with python3 (no torch or tensorflow is
// imported: py_compile only parses and compiles).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/shared/architecture';
import { DEFAULT_HYPERPARAMETERS, type Hyperparameters } from '../../src/shared/hyperparameters';
import type { Architecture } from '../../src/shared/model';
import {
  kerasLoadWeightsScript,
  kerasTrainingScript,
  npzWeightNames,
  pythonProjectFiles,
  pytorchLoadWeightsScript,
  pytorchTrainingScript,
} from '../../src/shared/pythonCode';
import { kerasCode } from '../../src/webview/training/kerasCode';

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
    assert.match(pytorchTrainingScript(HAND_MADE, rms), /scheduler = None/);
    assert.doesNotMatch(pytorchTrainingScript(HAND_MADE, rms), /LambdaLR/);
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

  it('refuses an architecture that does not fit its input', () => {
    assert.throws(
      () => pytorchTrainingScript({ layers: [{ kind: 'dense', units: 10, activation: 'softmax' }] }, h),
      /does not fit its input/,
    );
  });
});
