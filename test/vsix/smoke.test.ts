// Smoke tests of the artifact users install: the packed VSIX, installed by `code-server --install-extension`,
// loaded from the extensions folder (no extensionDevelopmentPath points at this repository). They catch files
// that .vscodeignore or the production build drop. Only type imports from src/: the code under test is the
// installed bundle, never a copy compiled into this suite.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NewProjectResult } from '../../src/extension/scaffold';
import { getApi, getExtension, listRuns, packageJson, waitFor, workbenchText } from '../host/helpers';
import { logContaining } from '../host/pythonLog';
import { buildTinyWheel, isolatePipFromMachineConfig, testPython } from '../unit/pythonFixtures';

const installedIn = process.env.AI_ONRAMP_VSIX_EXTENSIONS_DIR;

describe('installed VSIX (smoke)', function () {
  this.timeout(300_000);
  let tmp: string;
  let restoreEnv: () => void;

  before(() => {
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-vsix-'));
  });
  after(() => {
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('activates from the extensions folder, not from the repository', async () => {
    assert.ok(installedIn, 'the harness names the extensions folder it installed into');
    const extension = getExtension();
    const extensionPath = path.resolve(extension.extensionPath);
    assert.ok(
      extensionPath.startsWith(path.resolve(installedIn) + path.sep),
      `${extensionPath} is not under ${installedIn}`,
    );
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
    // Only what .vscodeignore lets through: no sources, no tests.
    assert.equal(existsSync(path.join(extensionPath, 'src')), false, 'src/ shipped');
    assert.equal(existsSync(path.join(extensionPath, 'test')), false, 'test/ shipped');
    const api = await getApi();
    // The production bundle carries the lines that time its loading (scripts/build.mjs).
    const { loadMs, activateMs } = api.activation;
    assert.ok(loadMs > 0 && Number.isFinite(activateMs), JSON.stringify(api.activation));
    const log = await logContaining(' activated in ');
    assert.match(log, /AI Onramp \d+\.\d+\.\d+ activated in \d+\.\d ms/);
  });

  it('lists its three walkthroughs, every step with its media in both languages', async () => {
    const walkthroughs = packageJson().contributes.walkthroughs ?? [];
    assert.deepEqual(
      walkthroughs.map((w) => w.id),
      ['setupPython', 'openSourceAI', 'firstModel'],
    );
    const root = getExtension().extensionPath;
    const nls = (file: string) =>
      JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;
    const tables = [nls('package.nls.json'), nls('package.nls.zh-cn.json')];
    const raw = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { walkthroughs: { steps: { id: string; media: Record<string, string> }[] }[] };
    };
    const missing: string[] = [];
    for (const walkthrough of raw.contributes.walkthroughs) {
      for (const step of walkthrough.steps) {
        for (const [kind, value] of Object.entries(step.media)) {
          if (kind === 'altText') continue;
          for (const table of tables) {
            const file = value.startsWith('%') ? table[value.slice(1, -1)] : value;
            if (!file || !existsSync(path.join(root, file))) missing.push(`${step.id}: ${file ?? value}`);
          }
        }
      }
    }
    assert.deepEqual(missing, []);
    // And the Welcome editor really shows each one, from the installed files, opened by our own command.
    for (const walkthrough of walkthroughs) {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('aiOnramp.showWelcome', walkthrough.id);
      const shown = await waitFor(
        async () => {
          const titles = await workbenchText('.gettingStartedSlideDetails .category-title');
          if (titles === undefined) return [walkthrough.title];
          return titles.some((t) => t.trim() === walkthrough.title) && titles;
        },
        { timeoutMs: 30_000, intervalMs: 250, message: `the walkthrough "${walkthrough.title}"` },
      );
      assert.ok(shown.length > 0);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the training panel from the installed files and trains a short run on the CPU engine (its relaxed-SIMD build)', async () => {
    const before = new Set((await listRuns()).map((r) => r.id));
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
      epochs: 1,
      batchSize: 32,
      trainSamples: 1024,
      testSamples: 500,
      backend: 'onramp-cpu',
      autoStart: true,
    });
    const run = await waitFor(
      async () => (await listRuns()).find((r) => !before.has(r.id) && r.status !== 'running'),
      { timeoutMs: 240_000, intervalMs: 1000, message: 'a finished run in the history' },
    );
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.backend, 'onramp-cpu');
    assert.equal(run.epochsCompleted, 1);
    assert.ok(run.testAccuracy! > 0.5, `test accuracy ${run.testAccuracy}`);
    // The packed extension ships both builds of the engine, and the webview (Chromium) runs the relaxed one.
    await logContaining('relaxed SIMD build (fused multiply-adds)');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('New AI Project writes the Keras project from the installed templates and installs it offline', async () => {
    const api = await getApi();
    const root = getExtension().extensionPath;
    const templates = path.join(root, 'dist', 'templates', 'keras-mnist');
    // A stand-in wheel for each requirement the installed template names (no package index here).
    const wheels = path.join(tmp, 'wheels');
    const names = readFileSync(path.join(templates, 'requirements.txt'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.trim())?.[1])
      .filter((name): name is string => name !== undefined);
    assert.ok(names.includes('tensorflow'), names.join(', '));
    for (const name of names) buildTinyWheel(wheels, name.replace(/-/g, '_'), '99.0.0');
    const parentFolder = path.join(tmp, 'projects 项目');
    mkdirSync(parentFolder, { recursive: true });
    const result = await vscode.commands.executeCommand<NewProjectResult>('aiOnramp.newProject', {
      template: 'keras-mnist',
      parentFolder,
      name: 'first model',
      python: testPython(),
      open: 'none',
      requirementsArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(result.status, 'created', JSON.stringify(result));
    const projectDir = path.join(parentFolder, 'first model');
    const written = readdirSync(projectDir).sort();
    for (const file of readdirSync(templates)) assert.ok(written.includes(file), `${file} not written`);
    assert.ok(written.includes('.venv'));
    assert.equal(
      readFileSync(path.join(projectDir, 'train_mnist.py'), 'utf8'),
      readFileSync(path.join(templates, 'train_mnist.py'), 'utf8'),
    );
    await waitFor(() => api.contextKeys.get('aiOnramp.projectCreated') === true, {
      message: 'projectCreated',
    });
  });
});
