// "Check Python Environment" and "Create Virtual Environment Here" in the real extension host, with the real
// python3 and pip (offline: a wheel built here).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckPythonResult, CreateVenvResult } from '../../src/extension/python';
import { venvPythonPath } from '../../src/extension/python/venv';
import {
  buildTinyWheel,
  debianPythonWithoutEnsurepip,
  isolatePipFromMachineConfig,
  testPython,
  writeRequirements,
} from '../unit/pythonFixtures';
import { closeAllEditors, getApi, waitFor } from './helpers';
import { logContaining } from './pythonLog';

describe('python (host)', function () {
  this.timeout(180_000);
  let tmp: string;
  let restoreEnv: () => void;
  const python = testPython();

  before(async () => {
    await getApi();
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-host-python-'));
  });
  after(() => {
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('Check Python Environment finds python3, sets the context keys and shows the report', async () => {
    await closeAllEditors();
    const api = await getApi();
    const result = await vscode.commands.executeCommand<CheckPythonResult>('aiOnramp.checkPython');
    assert.equal(result.ready, true, result.report);
    assert.equal(result.python, python);
    assert.match(
      result.report,
      /^# Python environment check\n\n✅ Ready: Python 3\.\d+\.\d+ can make virtual environments/,
    );
    assert.equal(api.contextKeys.get('aiOnramp.pythonFound'), true);
    assert.equal(api.contextKeys.get('aiOnramp.pipFound'), true);
    assert.ok(result.reportUri);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.reportUri));
    assert.equal(doc.getText(), result.report);
    const tab = await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('Python check')),
      { message: 'the report preview tab' },
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the report opens as a rendered Markdown preview');
    await closeAllEditors();
  });

  it('Create Virtual Environment Here: a venv in a folder with spaces and Chinese, a wheel installed offline', async () => {
    const api = await getApi();
    const folder = path.join(tmp, 'x', 'my proj 项目');
    const wheels = path.join(tmp, 'wheels 轮子');
    buildTinyWheel(wheels);
    // The framework step ticks only when TensorFlow, PyTorch or Keras is importable; a stand-in named torch,
    // built here, makes that state instead of relying on whatever the machine's python3 can import.
    buildTinyWheel(wheels, 'torch', '2.0.0');
    writeRequirements(folder, ['onramp_hello', 'torch']);
    const result = await vscode.commands.executeCommand<CreateVenvResult>('aiOnramp.createVenv', {
      folder,
      python,
      existingVenv: 'recreate',
      requirementsArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(result.status, 'ready', JSON.stringify(result));
    assert.ok('venvPython' in result && result.venvPython);
    console.log(`      host: venv ${result.venvMs} ms, offline install ${result.install?.durationMs} ms`);
    assert.deepEqual(result.install?.installed, ['onramp_hello-1.0.0', 'torch-2.0.0']);
    const greeting = execFileSync(
      result.venvPython,
      ['-c', 'import onramp_hello; print(onramp_hello.GREETING)'],
      {
        encoding: 'utf8',
        env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
      },
    ).trim();
    assert.equal(greeting, '你好, AI Onramp');
    assert.equal(api.contextKeys.get('aiOnramp.venvReady'), true);
    assert.equal(api.contextKeys.get('aiOnramp.packagesInstalled'), true);
    await logContaining('pip: Successfully installed onramp_hello-1.0.0');
  });

  it('rejects untrusted arguments with a clear message and creates nothing', async () => {
    const result = await vscode.commands.executeCommand<CreateVenvResult>('aiOnramp.createVenv', {
      folder: path.join(tmp, 'evil'),
      requirementsArgs: ['--index-url', 'https://evil.example/simple'],
    });
    assert.equal(result.status, 'invalid');
    assert.equal(
      result.message,
      'AI Onramp: invalid arguments for "Create Virtual Environment Here": requirementsArgs: "--index-url" is not allowed',
    );
    assert.equal(existsSync(path.join(tmp, 'evil')), false);
  });

  it('a Python without ensurepip: the exact fix, and no .venv left behind', async function () {
    const noEnsurepip = debianPythonWithoutEnsurepip(path.join(tmp, 'debian-python'));
    if (!noEnsurepip) this.skip();
    const folder = path.join(tmp, 'x', 'no ensurepip 项目');
    mkdirSync(folder, { recursive: true });
    const version = execFileSync(noEnsurepip, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    }).trim();
    const result = await vscode.commands.executeCommand<CreateVenvResult>('aiOnramp.createVenv', {
      folder,
      python: noEnsurepip,
      existingVenv: 'recreate',
    });
    assert.equal(result.status, 'failed');
    assert.ok('stage' in result && result.stage === 'venv');
    const full = execFileSync(noEnsurepip, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
      encoding: 'utf8',
    }).trim();
    assert.equal(
      result.message,
      `Python ${full} cannot make virtual environments with pip in them: the "ensurepip" module is missing. Install it with: sudo apt install python${version}-venv — nothing was created.`,
    );
    assert.equal(result.fixCommand, `sudo apt install python${version}-venv`);
    assert.equal(existsSync(path.join(folder, '.venv')), false);
    await logContaining('has no ensurepip; nothing created');
  });

  it('ticks the venv and framework steps by itself when the terminal makes a .venv and pip adds a framework', async () => {
    const api = await getApi();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the host tests open a workspace folder');
    const venv = path.join(folder, '.venv');
    rmSync(venv, { recursive: true, force: true });
    try {
      // What a learner types: python3 -m venv .venv (no command of ours runs).
      execFileSync(python, ['-m', 'venv', '--without-pip', venv]);
      const venvPython = venvPythonPath(venv);
      await logContaining(`${path.join(venv, 'bin', 'activate')} appeared; checking again`);
      await logContaining(`(chosen Python and ${venvPython})`);
      await waitFor(() => api.contextKeys.get('aiOnramp.venvReady') === true, { message: 'venvReady' });
      // Then: pip install keras (a package of that name built here; no PyPI on this machine).
      const wheel = buildTinyWheel(path.join(tmp, 'framework wheels'), 'keras', '3.0.0');
      const site = execFileSync(
        venvPython,
        ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
        {
          encoding: 'utf8',
        },
      ).trim();
      execFileSync(python, ['-m', 'pip', 'install', '--no-index', '--no-deps', '--target', site, wheel], {
        stdio: 'ignore',
      });
      await logContaining(`${path.join(site, 'keras')} appeared; checking again`);
      await logContaining(`keras (chosen Python and ${venvPython})`);
      await waitFor(() => api.contextKeys.get('aiOnramp.packagesInstalled') === true, {
        message: 'packagesInstalled',
      });
    } finally {
      rmSync(venv, { recursive: true, force: true });
      await vscode.commands.executeCommand('aiOnramp.checkPython', { show: false });
    }
  });
});
