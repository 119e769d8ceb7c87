// AI Onramp in a folder VS Code does not trust (Restricted Mode), in the real extension host: the walkthroughs'
// panels work, and nothing the folder names is run — not the interpreter its settings give, not its .venv's
// Python — and no virtual environment is made there. Each "not run" is checked with a stand-in Python that
// leaves a marker file when anything starts it.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckPythonResult, CreateVenvResult } from '../../src/extension/python';
import { getApi, listRuns, waitFor } from '../host/helpers';
import { testPython } from '../unit/pythonFixtures';

/** An executable that records that it ran, then behaves as the real Python. */
function markingPython(file: string, marker: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho ran >> '${marker}'\nexec '${testPython()}' "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('Restricted Mode (an untrusted folder)', function () {
  this.timeout(240_000);
  let tmp: string;
  const workspace = () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the harness opens a workspace folder');
    return folder;
  };

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-trust-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('opens the folder untrusted, and AI Onramp activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await getApi();
    assert.equal(api.contextKeys.get('aiOnramp.trainingPanelAvailable'), true);
  });

  it("runs neither the folder's aiOnramp.pythonPath nor its .venv's Python", async () => {
    const marker = path.join(tmp, 'ran.txt');
    const settingPython = markingPython(path.join(tmp, 'folder python', 'python3'), marker);
    const venv = path.join(workspace(), '.venv');
    markingPython(path.join(venv, 'bin', 'python'), marker);
    writeFileSync(path.join(venv, 'pyvenv.cfg'), `home = ${path.dirname(testPython())}\n`);
    mkdirSync(path.join(workspace(), '.vscode'), { recursive: true });
    // The unrestricted setting beside it says when VS Code has read the file.
    writeFileSync(
      path.join(workspace(), '.vscode', 'settings.json'),
      JSON.stringify({ 'aiOnramp.pythonPath': settingPython, 'aiOnramp.training.epochs': 7 }),
    );
    await waitFor(() => vscode.workspace.getConfiguration('aiOnramp').get('training.epochs') === 7, {
      timeoutMs: 20_000,
      message: "VS Code to read the folder's settings",
    });
    const api = await getApi();
    const result = await vscode.commands.executeCommand<CheckPythonResult>('aiOnramp.checkPython', {
      show: false,
    });
    assert.ok(result.python, result.report);
    assert.notEqual(result.python, settingPython);
    assert.equal(api.contextKeys.get('aiOnramp.venvReady'), false);
    assert.equal(existsSync(marker), false, 'a Python named by the untrusted folder was run');
  });

  it('Create Virtual Environment Here refuses, saying how to trust the folder, and creates nothing', async () => {
    const folder = path.join(tmp, 'project');
    mkdirSync(folder, { recursive: true });
    const result = await vscode.commands.executeCommand<CreateVenvResult>('aiOnramp.createVenv', {
      folder,
      python: testPython(),
    });
    assert.equal(result.status, 'untrusted');
    assert.ok('message' in result);
    assert.equal(
      result.message,
      'This folder is open in Restricted Mode: trust it first ("Manage Workspace Trust"), then create the virtual environment.',
    );
    assert.equal(existsSync(path.join(folder, '.venv')), false);
  });

  it('trains a short run in the training panel', async () => {
    const before = new Set((await listRuns()).map((r) => r.id));
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
      epochs: 1,
      trainSamples: 512,
      testSamples: 500,
      backend: 'onramp-cpu',
      autoStart: true,
    });
    const run = await waitFor(
      async () => (await listRuns()).find((r) => !before.has(r.id) && r.status !== 'running'),
      { timeoutMs: 180_000, intervalMs: 1000, message: 'a finished run' },
    );
    assert.equal(run.status, 'completed', run.error);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
