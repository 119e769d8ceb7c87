// The training panel in a real extension host: the command opens the webview, a short run trains in it (the
// page really loads the shipped MNIST and tfjs WASM through asWebviewUri under the panel's CSP), the run lands
// in the history in global storage, and the walkthrough's context keys follow.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol/training';
import { getApi, listRuns, trainingTabs, waitFor } from './helpers';

async function closeTrainingTabs(): Promise<void> {
  await vscode.window.tabGroups.close(trainingTabs());
}

describe('training panel', function () {
  this.timeout(400_000);

  after(closeTrainingTabs);

  it('is available once the extension is active', async () => {
    const api = await getApi();
    assert.equal(api.contextKeys.get('aiOnramp.trainingPanelAvailable'), true);
  });

  it('refuses malformed command arguments without opening a panel', async () => {
    await closeTrainingTabs();
    const shown: string[] = [];
    const window = vscode.window as { showErrorMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showErrorMessage;
    window.showErrorMessage = (...args: unknown[]) => {
      shown.push(String(args[0]));
      return original(...args);
    };
    try {
      await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', { epochs: 'five', autoStart: true });
      // 5 is outside the one hyperparameter schema, which the settings and the panel's field share: the
      // command refuses it itself, saying the range, rather than opening a panel that would.
      await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
        learningRate: 5,
        autoStart: true,
      });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(trainingTabs().length, 0);
      assert.deepEqual(shown, [
        'The training panel was opened with invalid arguments: epochs must be an integer 1–50',
        'The training panel was opened with invalid arguments: learningRate must be a number 0.000001–1',
      ]);
    } finally {
      window.showErrorMessage = original;
    }
  });

  it('opens, trains a short run, keeps it in the history and sets trainedOnce, then comparedRuns', async () => {
    const api = await getApi();
    const before = new Set((await listRuns()).map((r) => r.id));
    const short = {
      epochs: 1,
      batchSize: 32,
      trainSamples: 512,
      testSamples: 500,
      backend: 'wasm',
      autoStart: true,
    };
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', short);
    await waitFor(() => trainingTabs().length === 1, {
      timeoutMs: 20_000,
      message: 'the training panel tab',
    });

    const first = await waitFor(
      async () => (await listRuns()).find((r) => !before.has(r.id) && r.status !== 'running'),
      { timeoutMs: 300_000, intervalMs: 1000, message: 'a finished run in the history' },
    );
    assert.equal(first.status, 'completed', first.error);
    assert.equal(first.trainSamples, 512);
    assert.equal(first.testSamples, 500);
    assert.equal(first.epochsCompleted, 1);
    // The declared defaults: Adam from 0.003, decaying along a cosine.
    assert.equal(first.hyperparameters.learningRate, 0.003);
    assert.equal(first.hyperparameters.schedule, 'cosine');
    assert.ok(first.curves.trainLoss.length > 0 && first.curves.valAccuracy.length === 1);
    assert.ok(first.testAccuracy! > 0.3, `test accuracy ${first.testAccuracy}`);
    assert.ok(first.samplesPerSec > 0);
    await waitFor(() => api.contextKeys.get('aiOnramp.trainedOnce') === true, { message: 'trainedOnce' });

    // The same command on the open panel reveals it and starts a run with other hyperparameters.
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', { ...short, learningRate: 0.002 });
    assert.equal(trainingTabs().length, 1, 'still one panel');
    const second = await waitFor(
      async () =>
        (await listRuns()).find((r) => !before.has(r.id) && r.id !== first.id && r.status !== 'running'),
      { timeoutMs: 300_000, intervalMs: 1000, message: 'a second finished run' },
    );
    assert.equal(second.status, 'completed', second.error);
    assert.equal(second.hyperparameters.learningRate, 0.002);
    await waitFor(() => api.contextKeys.get('aiOnramp.comparedRuns') === true, { message: 'comparedRuns' });
  });

  it('answers a start the page refuses: waitForRun rejects with the reason, a warning says it, the run going goes on', async () => {
    await closeTrainingTabs();
    const before = new Set((await listRuns()).map((r) => r.id));
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
      epochs: 50,
      trainSamples: 2048,
      backend: 'wasm',
      autoStart: true,
    });
    const going = await waitFor(
      async () => (await listRuns()).find((r) => !before.has(r.id) && r.epochsCompleted >= 1),
      { timeoutMs: 300_000, intervalMs: 1000, message: 'a run with one finished epoch' },
    );
    assert.equal(going.status, 'running');
    const shown: string[] = [];
    const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showWarningMessage;
    window.showWarningMessage = (...args: unknown[]) => {
      shown.push(String(args[0]));
      return original(...args);
    };
    try {
      // Valid arguments the command lets through; only the page knows that a run is going there.
      const run = vscode.commands.executeCommand<RunRecord>('aiOnramp.training.waitForRun');
      await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
        learningRate: 0.002,
        trainSamples: 256,
        backend: 'wasm',
        autoStart: true,
      });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('waitForRun got no answer in 60 s')), 60_000);
      });
      await assert.rejects(
        Promise.race([run, late]).finally(() => clearTimeout(timer)),
        /^Error: The training panel did not start a run: A run is already going; stop it before starting another\.$/,
      );
      assert.deepEqual(shown, [
        'The training panel did not start a run: A run is already going; stop it before starting another.',
      ]);
    } finally {
      window.showWarningMessage = original;
    }
    // Nothing is lost: the run going goes on with its own hyperparameters, and no other run began.
    const later = await waitFor(
      async () =>
        (await listRuns()).find((r) => r.id === going.id && r.epochsCompleted > going.epochsCompleted),
      { timeoutMs: 300_000, intervalMs: 1000, message: 'the run going, one more epoch in' },
    );
    assert.equal(later.status, 'running');
    assert.deepEqual(later.hyperparameters, going.hyperparameters);
    assert.equal(later.hyperparameters.learningRate, 0.003);
    assert.equal(later.trainSamples, 2048);
    assert.deepEqual(
      (await listRuns()).filter((r) => !before.has(r.id)).map((r) => r.id),
      [going.id],
    );
    await closeTrainingTabs();
  });

  it('records a diverged run (learning rate 1) as diverged in the history, with the hint', async () => {
    const before = new Set((await listRuns()).map((r) => r.id));
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
      epochs: 2,
      learningRate: 1,
      schedule: 'constant',
      trainSamples: 3072,
      testSamples: 500,
      backend: 'wasm',
      autoStart: true,
    });
    const run = await waitFor(
      async () => (await listRuns()).find((r) => !before.has(r.id) && r.status !== 'running'),
      { timeoutMs: 300_000, intervalMs: 1000, message: 'the run, finished' },
    );
    assert.equal(run.status, 'diverged', `status ${run.status}, test accuracy ${run.testAccuracy}`);
    assert.match(
      run.error ?? '',
      /the run diverged, so training stopped\. Try a smaller learning rate than 1/,
    );
    assert.equal(run.testAccuracy, undefined);
    // The next test's start takes the fields' values: a fresh panel has the settings' defaults again.
    await closeTrainingTabs();
  });

  it('keeps a run that the closing of the panel cut short', async () => {
    const before = new Set((await listRuns()).map((r) => r.id));
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
      epochs: 30,
      trainSamples: 2048,
      backend: 'wasm',
      autoStart: true,
    });
    // Wait for the first epoch's update (runUpdate is sent at each epoch end), then close the panel.
    await waitFor(async () => (await listRuns()).find((r) => !before.has(r.id) && r.epochsCompleted >= 1), {
      timeoutMs: 300_000,
      intervalMs: 1000,
      message: 'a run with one finished epoch',
    });
    await closeTrainingTabs();
    const kept = await waitFor(
      async () => (await listRuns()).find((r) => !before.has(r.id) && r.status === 'stopped'),
      { timeoutMs: 10_000, message: 'the cut-short run, stopped' },
    );
    assert.ok(kept.epochsCompleted >= 1 && kept.curves.trainLoss.length > 0);
  });
});
