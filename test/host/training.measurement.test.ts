// Automatic's backend measurement across panels in a real extension host: the first Automatic run measures
// (the page sends the figures, the host keeps them in globalState), and a panel opened later gets them back
// from the host and trains without measuring again.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol/training';
import { getApi, listRuns, trainingTabs, waitFor } from './helpers';
import { logContaining } from './pythonLog';

async function automaticRun(): Promise<RunRecord> {
  const before = new Set((await listRuns()).map((r) => r.id));
  await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
    epochs: 1,
    batchSize: 32,
    trainSamples: 512,
    testSamples: 200,
    backend: 'auto',
    autoStart: true,
  });
  const run = await waitFor(
    async () => (await listRuns()).find((r) => !before.has(r.id) && r.status !== 'running'),
    { timeoutMs: 300_000, intervalMs: 1000, message: 'a finished Automatic run' },
  );
  assert.equal(run.status, 'completed', run.error);
  await vscode.window.tabGroups.close(trainingTabs());
  return run;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('training panel: Automatic backend measurement kept by the host', function () {
  this.timeout(700_000);

  after(() => vscode.window.tabGroups.close(trainingTabs()));

  it('measures once, keeps the figures in globalState, and a later panel trains without measuring', async () => {
    const api = await getApi();
    const read = () => (existsSync(api.logFile.fsPath) ? readFileSync(api.logFile.fsPath, 'utf8') : '');
    await vscode.window.tabGroups.close(trainingTabs());
    const first = await automaticRun();
    // This run measured, or an earlier Automatic run in this profile did: either way the host kept figures.
    await logContaining('Training panel: kept the backend measurement for later panels');
    const measuredBefore = count(read(), 'Training panel: backend measurement in ');
    const line = read()
      .split('\n')
      .find((l) => l.includes('Training panel: backend measurement in '));
    assert.ok(line, 'a measurement in this session: the webview has at least two candidates');
    const second = await automaticRun();
    const afterSecond = await logContaining(
      `Training panel: backend ${second.backend} from the measurement of`,
    );
    assert.equal(
      count(afterSecond, 'Training panel: backend measurement in '),
      measuredBefore,
      'the second panel did not measure again',
    );
    assert.equal(second.backend, first.backend);
  });
});
