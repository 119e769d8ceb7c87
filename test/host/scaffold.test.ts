// "New AI Project" end to end in the real extension host, driven through the command's arguments: files, a real
// venv, a real (offline) pip, the log and the context keys.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NewProjectResult } from '../../src/extension/scaffold';
import {
  buildTinyWheel,
  debianPythonWithoutEnsurepip,
  isolatePipFromMachineConfig,
  testPython,
} from '../unit/pythonFixtures';
import { getApi } from './helpers';
import { logContaining } from './pythonLog';

describe('New AI Project (host)', function () {
  this.timeout(240_000);
  let tmp: string;
  let parentFolder: string;
  let restoreEnv: () => void;
  const python = testPython();

  before(async () => {
    await getApi();
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-host-scaffold-'));
    parentFolder = path.join(tmp, 'x', 'my proj 项目');
    mkdirSync(parentFolder, { recursive: true });
  });
  after(() => {
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('Keras MNIST offline: files and .venv made; tensorflow not found → the error, the log, everything kept', async () => {
    const api = await getApi();
    const frameworkStepBefore = api.contextKeys.get('aiOnramp.packagesInstalled');
    const noWheels = path.join(tmp, 'no wheels');
    mkdirSync(noWheels, { recursive: true });
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'keras-mnist',
      parentFolder,
      name: 'mnist 项目',
      python,
      open: 'none',
      requirementsArgs: ['--no-index', '--find-links', noWheels],
    });
    const projectDir = path.join(parentFolder, 'mnist 项目');
    assert.equal(result.status, 'failed', JSON.stringify(result));
    assert.equal(result.stage, 'install');
    assert.equal(result.projectDir, projectDir);
    assert.equal(
      result.message,
      'Installing the packages failed: No matching distribution found for tensorflow. The project files and .venv are kept.',
    );
    assert.deepEqual(result.env?.install?.errors, [
      'Could not find a version that satisfies the requirement tensorflow (from versions: none)',
      'No matching distribution found for tensorflow',
    ]);
    console.log(
      `      host: files ${result.filesMs} ms, venv ${result.env?.venvMs} ms, pip ${result.env?.install?.durationMs} ms`,
    );
    assert.deepEqual([...(result.files?.written ?? [])].sort(), [
      '.gitignore',
      '.vscode/settings.json',
      'README.md',
      'load_weights.py',
      'my_digits.py',
      'requirements.txt',
      'train_mnist.ipynb',
      'train_mnist.py',
    ]);
    for (const f of result.files?.written ?? []) assert.ok(existsSync(path.join(projectDir, f)), f);
    const venvPython = path.join(projectDir, '.venv', 'bin', 'python');
    assert.equal(result.env?.venvPython, venvPython);
    const prefix = execFileSync(venvPython, ['-c', 'import sys; print(sys.prefix)'], {
      encoding: 'utf8',
    }).trim();
    assert.equal(prefix, path.join(projectDir, '.venv'));
    const settings = JSON.parse(readFileSync(path.join(projectDir, '.vscode/settings.json'), 'utf8'));
    assert.equal(settings['python.defaultInterpreterPath'], '${workspaceFolder}/.venv/bin/python');
    assert.equal(api.contextKeys.get('aiOnramp.projectCreated'), true);
    assert.equal(api.contextKeys.get('aiOnramp.venvReady'), true);
    assert.equal(
      api.contextKeys.get('aiOnramp.packagesInstalled'),
      frameworkStepBefore,
      'a failed install changes nothing',
    );
    const log = await logContaining('pip: ERROR: No matching distribution found for tensorflow');
    assert.match(log, /venv: created in \d+ ms/);
    assert.match(log, /new project: keras-mnist in .*mnist 项目: wrote /);
  });

  it('into a folder that has its own requirements.txt: files added, theirs kept, installed offline, created', async () => {
    const api = await getApi();
    const projectDir = path.join(parentFolder, 'existing 数据');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(path.join(projectDir, 'requirements.txt'), 'onramp_hello\nkeras\n');
    const wheels = path.join(tmp, 'wheels 轮子');
    buildTinyWheel(wheels);
    // A package named keras, built here (no PyPI): a framework the walkthrough's step looks for.
    buildTinyWheel(wheels, 'keras', '3.0.0');
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'data-science',
      parentFolder,
      name: 'existing 数据',
      python,
      open: 'none',
      nonEmptyFolder: 'add',
      requirementsArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(result.status, 'created', JSON.stringify(result));
    assert.deepEqual(result.files?.kept, ['requirements.txt']);
    assert.equal(readFileSync(path.join(projectDir, 'requirements.txt'), 'utf8'), 'onramp_hello\nkeras\n');
    assert.ok(existsSync(path.join(projectDir, 'starter.ipynb')));
    assert.deepEqual([...(result.env?.install?.installed ?? [])].sort(), [
      'keras-3.0.0',
      'onramp_hello-1.0.0',
    ]);
    const greeting = execFileSync(
      result.env!.venvPython!,
      ['-c', 'import onramp_hello; print(onramp_hello.GREETING)'],
      {
        encoding: 'utf8',
        env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
      },
    ).trim();
    assert.equal(greeting, '你好, AI Onramp');
    assert.equal(api.contextKeys.get('aiOnramp.packagesInstalled'), true);
  });

  it('an invalid name is refused with its message and nothing is created', async () => {
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'keras-mnist',
      parentFolder,
      name: '../escape',
      python,
      open: 'none',
    });
    assert.equal(result.status, 'invalid');
    assert.equal(result.message, 'The name cannot contain / or \\: it names one folder.');
    assert.equal(existsSync(path.join(parentFolder, '..', 'escape')), false);
  });

  it('a Python without ensurepip: refused before anything is written', async function () {
    const noEnsurepip = debianPythonWithoutEnsurepip(path.join(tmp, 'debian-python'));
    if (!noEnsurepip) this.skip();
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'pytorch-mnist',
      parentFolder,
      name: 'torch 项目',
      python: noEnsurepip,
      open: 'none',
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.stage, 'python');
    assert.match(
      result.message ?? '',
      /^Python 3\.\d+\.\d+ cannot make virtual environments with pip in them: the "ensurepip" module is missing\. Install it with: sudo apt install python3\.\d+-venv — nothing was created\.$/,
    );
    assert.equal(existsSync(path.join(parentFolder, 'torch 项目')), false);
  });
});
