// Create Virtual Environment Here and Check Python Environment in the real extension host against what an
// unlucky machine does (issue 20) and through a package-index mirror (issue 17): broken and foreign .venv
// folders, a missing folder, a venv without pip, a Python 2 in the setting, the base interpreter probed once,
// a loopback PEP 503 mirror and an index nobody answers on. Every message is checked word for word.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckPythonResult, CreateVenvResult } from '../../src/extension/python';
import { chooseTorchWheels, findNvidiaGpu, TORCH_CPU_INDEX } from '../../src/extension/python/gpu';
import { findUv } from '../../src/extension/python/uv';
import { venvPythonPath } from '../../src/extension/python/venv';
import type { NewProjectResult } from '../../src/extension/scaffold';
import {
  buildTinyWheel,
  fakeInterpreter,
  isolatePipFromMachineConfig,
  serveSimpleIndex,
  testPython,
  unreachableIndexUrl,
  writeRequirements,
} from '../unit/pythonFixtures';
import { getApi } from './helpers';
import { logContaining } from './pythonLog';

const createVenv = (args: Record<string, unknown>): Thenable<CreateVenvResult> =>
  vscode.commands.executeCommand<CreateVenvResult>('aiOnramp.createVenv', args);

async function setSetting(key: string, value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('aiOnramp').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('python hardening and mirror (host)', function () {
  this.timeout(180_000);
  let tmp: string;
  let wheels: string;
  let restoreEnv: () => void;
  const python = testPython();

  before(async function () {
    if (process.platform === 'win32') this.skip();
    await getApi();
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-host-harden-'));
    wheels = path.join(tmp, 'wheels');
    buildTinyWheel(wheels);
  });
  after(async () => {
    restoreEnv?.();
    await setSetting('python.indexUrl', undefined);
    await setSetting('pythonPath', undefined);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a .venv whose Python exits 127: "broken", not "ready"; Recreate keeps the files of the user inside it', async () => {
    const folder = path.join(tmp, 'broken venv 项目');
    mkdirSync(folder, { recursive: true });
    const venv = path.join(folder, '.venv');
    execFileSync(python, ['-m', 'venv', '--without-pip', venv]);
    const venvPython = venvPythonPath(venv);
    rmSync(venvPython);
    fakeInterpreter(venvPython, 'echo "cannot execute: required file not found" >&2; exit 127');
    writeFileSync(path.join(venv, 'notes.txt'), 'mine');
    writeRequirements(folder, ['onramp_hello']);
    const used = await createVenv({ folder, python, existingVenv: 'use' });
    assert.equal(used.status, 'failed', JSON.stringify(used));
    assert.equal(
      used.message,
      `The .venv here is broken (its Python ${venvPython} does not run: cannot execute: required file not found). Run the command again and choose Recreate; files of yours in .venv are kept. Nothing was changed.`,
    );
    const recreated = await createVenv({
      folder,
      python,
      existingVenv: 'recreate',
      requirementsArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(recreated.status, 'ready', JSON.stringify(recreated));
    assert.equal(readFileSync(path.join(venv, 'notes.txt'), 'utf8'), 'mine');
    assert.ok('install' in recreated);
    assert.deepEqual(recreated.install?.installed, ['onramp_hello-1.0.0']);
    await logContaining('; kept notes.txt');
  });

  it('"recreate" over a .venv folder that is not a venv: refused, its files kept', async () => {
    const folder = path.join(tmp, 'foreign venv');
    mkdirSync(path.join(folder, '.venv'), { recursive: true });
    writeFileSync(path.join(folder, '.venv', 'important.txt'), 'keep');
    const r = await createVenv({ folder, python, existingVenv: 'recreate' });
    assert.equal(r.status, 'failed');
    assert.equal(
      r.message,
      'The .venv folder here is not a virtual environment (it has no pyvenv.cfg), so AI Onramp does not delete it. Move or rename it, then try again. Nothing was changed.',
    );
    assert.equal(readFileSync(path.join(folder, '.venv', 'important.txt'), 'utf8'), 'keep');
  });

  it('a folder that does not exist is named as the cause', async () => {
    const folder = path.join(tmp, 'no such folder');
    const r = await createVenv({ folder, python, existingVenv: 'recreate' });
    assert.equal(r.status, 'failed');
    assert.equal(r.message, `The folder ${folder} does not exist. Nothing was created.`);
    assert.equal(existsSync(folder), false);
  });

  it('a venv without pip: "No module named pip" and the command that adds it', async () => {
    const folder = path.join(tmp, 'no pip');
    mkdirSync(folder, { recursive: true });
    execFileSync(python, ['-m', 'venv', '--without-pip', path.join(folder, '.venv')]);
    writeRequirements(folder, ['onramp_hello']);
    const r = await createVenv({ folder, python, existingVenv: 'use' });
    assert.equal(r.status, 'failed');
    const venvPython = venvPythonPath(path.join(folder, '.venv'));
    assert.equal(
      r.message,
      `The virtual environment has no pip (${venvPython}: No module named pip). "Copy Command" gives the command that adds it; or recreate the .venv. The project files and .venv are kept.`,
    );
    assert.ok('fixCommand' in r);
    assert.equal(r.fixCommand, `"${venvPython}" -m ensurepip --upgrade`);
  });

  it('the Python given is probed once, not once per step', async () => {
    const count = path.join(tmp, 'probes');
    const counting = fakeInterpreter(
      path.join(tmp, 'bin', 'counting python'),
      `case "$*" in *AI_ONRAMP_PROBE*) echo probe >> "${count}";; esac\nexec "${python}" "$@"`,
    );
    const folder = path.join(tmp, 'probed once');
    mkdirSync(folder, { recursive: true });
    const r = await createVenv({ folder, python: counting, existingVenv: 'recreate' });
    assert.equal(r.status, 'ready', JSON.stringify(r));
    assert.equal(readFileSync(count, 'utf8'), 'probe\n');
  });

  it('aiOnramp.pythonPath naming a Python 2: the check says it was skipped and which Python is used', async () => {
    const info = JSON.stringify({
      version: [2, 7, 18],
      versionText: '2.7.18',
      executable: path.join(tmp, 'bin', 'python2'),
      prefix: '/usr',
      basePrefix: '/usr',
      modules: { venv: false, ensurepip: false, pip: false },
    });
    const python2 = fakeInterpreter(path.join(tmp, 'bin', 'python2'), `echo 'AI_ONRAMP_PROBE:${info}'`);
    await setSetting('pythonPath', python2);
    try {
      const r = await vscode.commands.executeCommand<CheckPythonResult>('aiOnramp.checkPython', {
        show: false,
      });
      assert.ok(r.problems.includes('settingSkipped'), r.report);
      assert.ok(
        r.report.includes(
          `The interpreter set in "aiOnramp.pythonPath" (${python2}) is Python 2.7.18; AI Onramp needs Python 3, so it uses ${r.python} instead.`,
        ),
        r.report,
      );
    } finally {
      await setSetting('pythonPath', undefined);
    }
  });

  it('installs through the mirror in aiOnramp.python.indexUrl; an unreachable one is named, and another one retried', async () => {
    const index = await serveSimpleIndex(wheels);
    const folder = path.join(tmp, 'mirror 镜像');
    writeRequirements(folder, ['onramp_hello']);
    try {
      const dead = await unreachableIndexUrl();
      await setSetting('python.indexUrl', dead);
      const failed = await createVenv({ folder, python, existingVenv: 'recreate' });
      assert.equal(failed.status, 'failed', JSON.stringify(failed));
      assert.equal(
        failed.message,
        `Could not reach the package index ${dead}: Failed to establish a new connection: [Errno 111] Connection refused. Pick another index (a mirror near you) and retry. The project files and .venv are kept.`,
      );
      // Check Python Environment's preflight says the same before anything is installed.
      const check = await vscode.commands.executeCommand<CheckPythonResult>('aiOnramp.checkPython', {
        show: false,
      });
      assert.ok(
        check.report.includes(`- ⚠️ The package index ${dead} does not answer: connect ECONNREFUSED`),
        check.report,
      );
      // What "Pick Another Index and Retry" does after the pick: the same venv, the new index.
      await setSetting('python.indexUrl', index.url);
      const retried = await createVenv({ folder, python, existingVenv: 'use' });
      assert.equal(retried.status, 'ready', JSON.stringify(retried));
      assert.ok('install' in retried);
      assert.deepEqual(retried.install?.installed, ['onramp_hello-1.0.0']);
      assert.equal(retried.install?.indexUrl, index.url);
      assert.ok(index.requests.includes('/simple/onramp-hello/'));
      await logContaining(`--index-url ${index.url}`);
    } finally {
      await index.close();
      await setSetting('python.indexUrl', undefined);
    }
  });

  it('New AI Project (PyTorch): CPU wheels without nvidia-smi, the notebook and its ipykernel checked, installed offline; the check shows the preflight', async () => {
    const gpu = await findNvidiaGpu();
    const expected = chooseTorchWheels(process.platform, gpu);
    const standIns = path.join(tmp, 'torch stand-ins');
    for (const name of ['torch', 'torchvision', 'tensorboard', 'ipykernel'])
      buildTinyWheel(standIns, name, '2.0.0');
    const parentFolder = path.join(tmp, 'projects');
    mkdirSync(parentFolder, { recursive: true });
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'pytorch-mnist',
      parentFolder,
      name: 'torch 项目',
      python,
      open: 'none',
      requirementsArgs: ['--no-index', '--find-links', standIns],
    });
    assert.equal(result.status, 'created', JSON.stringify(result));
    assert.equal(result.torchWheels, expected);
    const requirements = readFileSync(path.join(parentFolder, 'torch 项目', 'requirements.txt'), 'utf8');
    if (expected === 'cpu') {
      assert.ok(requirements.includes(`\n--extra-index-url ${TORCH_CPU_INDEX}\n`), requirements);
      await logContaining(`new project: ${gpu.detail}; PyTorch wheels: cpu`);
    } else assert.ok(!requirements.includes(TORCH_CPU_INDEX), requirements);
    assert.deepEqual([...(result.env?.install?.installed ?? [])].sort(), [
      'ipykernel-2.0.0',
      'tensorboard-2.0.0',
      'torch-2.0.0',
      'torchvision-2.0.0',
    ]);
    // The notebook: its kernelspec names the project's .venv, and .venv imports ipykernel (checked, logged).
    const notebook = JSON.parse(
      readFileSync(path.join(parentFolder, 'torch 项目', 'train_mnist.ipynb'), 'utf8'),
    );
    const version = execFileSync(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
      encoding: 'utf8',
    }).trim();
    assert.equal(notebook.metadata.kernelspec.display_name, `.venv (Python ${version})`);
    assert.equal(result.ipykernel, true);
    await logContaining('new project: .venv imports ipykernel');
    const check = await vscode.commands.executeCommand<CheckPythonResult>('aiOnramp.checkPython', {
      show: false,
    });
    assert.match(check.report, /## Before a project is created\n\n- ✅ Python 3\.\d+\.\d+ at /);
    assert.match(check.report, /- (✅|⚠️) (Only )?\d+\.\d GB free in /);
  });

  it('with uv installed, Create Virtual Environment Here makes the venv and installs with uv (pending without uv)', async function () {
    const uv = await findUv(undefined);
    if (!uv) this.skip();
    // The harness turns uv off for every other test; this one turns it on as a user's default would be.
    const config = vscode.workspace.getConfiguration('aiOnramp');
    await config.update('python.useUv', true, vscode.ConfigurationTarget.Global);
    try {
      const folder = path.join(tmp, 'uv 项目');
      writeRequirements(folder, ['onramp_hello']);
      const r = await createVenv({
        folder,
        python,
        existingVenv: 'recreate',
        requirementsArgs: ['--no-index', '--find-links', wheels],
      });
      assert.equal(r.status, 'ready', JSON.stringify(r));
      assert.ok('install' in r);
      assert.deepEqual(r.install?.installed, ['onramp-hello-1.0.0']);
      await logContaining(`venv: uv ${uv.version}: ${uv.path} venv`);
      await logContaining(`pip (uv ${uv.version}): ${uv.path} pip install`);
    } finally {
      await config.update('python.useUv', false, vscode.ConfigurationTarget.Global);
    }
  });

  it('Choose Package Index (Mirror) saves a known mirror to aiOnramp.python.indexUrl (PyPI clears it)', async () => {
    try {
      const tuna = await vscode.commands.executeCommand<string>('aiOnramp.pickPackageIndex', { id: 'tuna' });
      assert.equal(tuna, 'https://pypi.tuna.tsinghua.edu.cn/simple');
      assert.equal(vscode.workspace.getConfiguration('aiOnramp').get('python.indexUrl'), tuna);
      const pypi = await vscode.commands.executeCommand<string>('aiOnramp.pickPackageIndex', { id: 'pypi' });
      assert.equal(pypi, '');
      assert.equal(vscode.workspace.getConfiguration('aiOnramp').get('python.indexUrl'), '');
      await logContaining("pip: package index set to pip's default");
    } finally {
      await setSetting('python.indexUrl', undefined);
    }
  });
});
