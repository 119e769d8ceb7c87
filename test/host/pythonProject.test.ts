// "Open as a Python project" on the host, in a real extension host: the training page's message (validated by
// the protocol) goes to the handler, which runs the real `aiOnramp.newProject` with the model; the project gets
// the generated Keras and PyTorch scripts and load_weights scripts with the layers of a non-article
// architecture, a README naming them, the Keras template's requirements installed offline (tiny local wheels
// named tensorflow and ipykernel stand in for the real ones) and none of the article-model template scripts.
// The pickers are answered in advance (nobody can click them here); everything else is the real thing.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NewProjectResult } from '../../src/extension/scaffold';
import { openPythonProject } from '../../src/extension/training/pythonProject';
import { DEFAULT_HYPERPARAMETERS } from '../../src/shared/hyperparameters';
import { parseWebviewMessage } from '../../src/shared/protocol/training';
import { buildTinyWheel, isolatePipFromMachineConfig, testPython } from '../unit/pythonFixtures';
import { getApi } from './helpers';

const HAND_MADE = {
  layers: [
    { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' },
    { kind: 'maxPooling2d', poolSize: 2 },
    { kind: 'conv2d', filters: 16, kernelSize: 3, padding: 'valid', activation: 'linear' },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'flatten' },
    { kind: 'dense', units: 64, activation: 'relu' },
    { kind: 'dense', units: 10, activation: 'softmax' },
  ],
};

describe('Open as a Python project (host)', function () {
  this.timeout(240_000);
  let tmp: string;
  let restoreEnv: () => void;
  let log: vscode.LogOutputChannel;

  before(async () => {
    await getApi();
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-host-pyproject-'));
    log = vscode.window.createOutputChannel('AI Onramp python project test', { log: true });
  });
  after(() => {
    restoreEnv();
    log.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the Keras and PyTorch scripts of the message’s architecture into a new project and installs it', async () => {
    const hyperparameters = {
      ...DEFAULT_HYPERPARAMETERS,
      epochs: 3,
      optimizer: 'rmsprop',
      schedule: 'constant',
    };
    const parsed = parseWebviewMessage({
      type: 'openPythonProject',
      requestId: 'py-1',
      model: { architecture: HAND_MADE, hyperparameters },
    });
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(parsed.value.type, 'openPythonProject');
    const wheels = path.join(tmp, 'wheels');
    buildTinyWheel(wheels, 'tensorflow', '2.99.0');
    buildTinyWheel(wheels, 'ipykernel', '6.99.0');
    const parentFolder = path.join(tmp, 'projects');
    mkdirSync(parentFolder);
    const answer = await openPythonProject(
      parsed.value as Extract<typeof parsed.value, { type: 'openPythonProject' }>,
      log,
      {
        answers: {
          template: 'keras-mnist',
          parentFolder,
          name: 'my model',
          python: testPython(),
          open: 'none',
          requirementsArgs: ['--no-index', '--find-links', wheels],
        },
      },
    );
    const projectDir = path.join(parentFolder, 'my model');
    assert.deepEqual(answer, {
      type: 'pythonProjectOpened',
      requestId: 'py-1',
      outcome: 'created',
      folder: projectDir,
    });
    const read = (name: string) => readFileSync(path.join(projectDir, name), 'utf8');
    const keras = read('train_keras.py');
    assert.match(keras, /layers\.Conv2D\(8, \(5, 5\), activation="relu", padding="same"\),/);
    assert.match(keras, /layers\.Conv2D\(16, \(3, 3\), activation="linear"\),\n\s+layers\.Dropout\(0\.25\),/);
    assert.match(keras, /layers\.Dense\(64, activation="relu"\),/);
    assert.match(keras, /EPOCHS = 3\n/);
    assert.match(keras, /keras\.optimizers\.RMSprop\(learning_rate, rho=0\.9/);
    const torch = read('train_pytorch.py');
    assert.match(torch, /nn\.Conv2d\(1, 8, kernel_size=5, padding="same"\),/);
    assert.match(torch, /nn\.Conv2d\(8, 16, kernel_size=3, padding=0\),/);
    assert.match(torch, /ChannelsLast\(\),\n\s+nn\.Flatten\(\),\n\s+nn\.Linear\(2304, 64\),/);
    assert.match(read('load_weights_keras.py'), /"conv2d_1_kernel",/);
    assert.match(read('load_weights_pytorch.py'), /dense_kernel \(2304, 64\)/);
    const readme = read('README.md');
    for (const name of [
      'train_keras.py',
      'train_pytorch.py',
      'load_weights_keras.py',
      'load_weights_pytorch.py',
    ])
      assert.ok(readme.includes(`\`${name}\``), `README names ${name}`);
    assert.equal(read('requirements.txt'), 'tensorflow\nipykernel\n');
    for (const absent of ['train_mnist.py', 'load_weights.py', 'train_mnist.ipynb'])
      assert.ok(!existsSync(path.join(projectDir, absent)), `${absent} is not written`);
    assert.ok(existsSync(path.join(projectDir, '.venv')));
  });

  it('refuses a model that cannot train, in the message and in the command, and writes nothing', async () => {
    const noFlatten = { layers: [HAND_MADE.layers[0], { kind: 'dense', units: 10, activation: 'softmax' }] };
    const message = {
      type: 'openPythonProject',
      requestId: 'py-2',
      model: { architecture: noFlatten, hyperparameters: DEFAULT_HYPERPARAMETERS },
    };
    const parsed = parseWebviewMessage(message);
    assert.ok(!parsed.ok && /layers\[1\]: denseNeedsFlatten/.test(parsed.error), JSON.stringify(parsed));
    const parentFolder = path.join(tmp, 'refused');
    mkdirSync(parentFolder);
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'keras-mnist',
      parentFolder,
      name: 'x',
      open: 'none',
      model: message.model,
    });
    assert.equal(result.status, 'invalid');
    assert.match(result.message ?? '', /denseNeedsFlatten/);
    const dataScience = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'data-science',
      parentFolder,
      name: 'x',
      open: 'none',
      model: { architecture: HAND_MADE, hyperparameters: DEFAULT_HYPERPARAMETERS },
    });
    assert.equal(dataScience.status, 'invalid');
    assert.match(dataScience.message ?? '', /keras-mnist or pytorch-mnist/);
    assert.ok(!existsSync(path.join(parentFolder, 'x')));
  });
});
