import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TensorBoardLogsView } from '../../src/extension/tensorboard';
import { PANEL_RUN_ROOT } from '../../src/shared/tensorboard/panelRuns';
import {
  concatBytes,
  encodeFileVersionEvent,
  encodeScalarEvent,
  frameRecord,
} from '../helpers/tfeventsWriter';
import { getApi, listRuns, waitFor } from './helpers';

function scalarRecord(step: number, tag: string, value: number, tensor: boolean): Uint8Array {
  return frameRecord(
    encodeScalarEvent(step, 1700000000 + step, [
      { tag, value, encoding: tensor ? 'tensor_content' : 'simple_value' },
    ]),
  );
}

describe('TensorBoard logs viewer', () => {
  let logDir: string;
  let view: TensorBoardLogsView | undefined;

  beforeEach(async () => {
    // Under the OS temp folder: outside the workspace, where file events are least certain.
    logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ai-onramp-tb-'));
  });

  afterEach(async () => {
    view?.panel.dispose();
    view = undefined;
    await fs.rm(logDir, { recursive: true, force: true });
  });

  it('is available once the extension is active', async () => {
    const api = await getApi();
    assert.equal(api.contextKeys.get('aiOnramp.tensorBoardAvailable'), true);
  });

  it('shows a log folder and the points appended while a run writes', async function () {
    this.timeout(60_000);
    const api = await getApi();
    const train = path.join(logDir, '20240101-120000', 'train');
    const validation = path.join(logDir, '20240101-120000', 'validation');
    await fs.mkdir(train, { recursive: true });
    await fs.mkdir(validation, { recursive: true });
    const trainFile = path.join(train, 'events.out.tfevents.1700000000.host.1.v2');
    await fs.writeFile(
      trainFile,
      concatBytes([
        frameRecord(encodeFileVersionEvent(1700000000)),
        scalarRecord(0, 'epoch_loss', 2.5, true),
        scalarRecord(1, 'epoch_loss', 1.5, true),
      ]),
    );
    await fs.writeFile(
      path.join(validation, 'events.out.tfevents.1700000000.host.2.v2'),
      scalarRecord(0, 'epoch_loss', 2.75, false),
    );

    view = await vscode.commands.executeCommand<TensorBoardLogsView | undefined>(
      'aiOnramp.openTensorBoardLogs',
      vscode.Uri.file(logDir),
    );
    assert.ok(view, 'the command returns the viewer');
    assert.equal(view.folder.fsPath, logDir);
    const opened = view;
    await waitFor(() => opened.ready.then(() => true), { timeoutMs: 30_000, message: 'the page to load' });
    assert.deepEqual(opened.runs(), [
      { name: '20240101-120000/train', tags: ['epoch_loss'] },
      { name: '20240101-120000/validation', tags: ['epoch_loss'] },
    ]);
    await waitFor(() => opened.shownCount('20240101-120000/train', 'epoch_loss') === 2, {
      timeoutMs: 15_000,
      message: 'the page to show the 2 train points',
    });
    await waitFor(() => opened.shownCount('20240101-120000/validation', 'epoch_loss') === 1, {
      timeoutMs: 15_000,
      message: 'the page to show the validation point',
    });
    assert.equal(api.contextKeys.get('aiOnramp.tensorBoardOpened'), true);
    // Keras' train/ and validation/ are one run in one chart: the same card, a solid and a dashed line.
    assert.deepEqual(opened.placement('20240101-120000/train', 'epoch_loss'), {
      chartRun: '20240101-120000',
      card: 'epoch_loss',
      series: 'train',
    });
    assert.deepEqual(opened.placement('20240101-120000/validation', 'epoch_loss'), {
      chartRun: '20240101-120000',
      card: 'epoch_loss',
      series: 'validation',
    });

    // The run goes on: a record arrives in two writes, as a writer's buffer flushes.
    const next = concatBytes([
      scalarRecord(2, 'epoch_loss', 1.0, true),
      scalarRecord(3, 'epoch_loss', 0.75, true),
    ]);
    const cut = next.length - 10;
    await fs.appendFile(trainFile, next.subarray(0, cut));
    await waitFor(() => opened.readCount('20240101-120000/train', 'epoch_loss') === 3, {
      timeoutMs: 10_000,
      message: 'the whole record to be read',
    });
    // The partial record waits; it is not read, and nothing is reported as broken.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(opened.readCount('20240101-120000/train', 'epoch_loss'), 3);
    const appended = Date.now();
    await fs.appendFile(trainFile, next.subarray(cut));
    await waitFor(() => opened.shownCount('20240101-120000/train', 'epoch_loss') === 4, {
      timeoutMs: 10_000,
      message: 'the page to show 4 train points',
    });
    console.log(`      appended point shown after ${Date.now() - appended} ms`);

    // A second run starts: a new folder with a new file and a new tag group.
    const run2 = path.join(logDir, '20240101-130000', 'train');
    await fs.mkdir(run2, { recursive: true });
    await fs.writeFile(
      path.join(run2, 'events.out.tfevents.1700003600.host.1.v2'),
      concatBytes([scalarRecord(0, 'epoch_loss', 3, true), scalarRecord(0, 'metrics/lr', 0.001, false)]),
    );
    await waitFor(() => opened.shownCount('20240101-130000/train', 'metrics/lr') === 1, {
      timeoutMs: 10_000,
      message: 'the page to show the new run',
    });
    assert.deepEqual(
      opened.runs().map((r) => r.name),
      ['20240101-120000/train', '20240101-120000/validation', '20240101-130000/train'],
    );
  });

  it('draws a training-panel run beside a Keras log in the same cards, refreshed when the run finishes', async function () {
    this.timeout(300_000);
    // A Keras TensorBoard callback folder of 2 epochs: epoch_* at x = epoch from 0.
    const kerasRun = '20240101-120000';
    for (const [split, offset] of [
      ['train', 0],
      ['validation', 0.1],
    ] as const) {
      const dir = path.join(logDir, kerasRun, split);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(
        path.join(dir, `events.out.tfevents.1700000000.host.${split}.v2`),
        concatBytes([
          frameRecord(encodeFileVersionEvent(1700000000)),
          ...[0, 1].flatMap((epoch) => [
            scalarRecord(epoch, 'epoch_loss', 0.3 / (epoch + 1) + offset, true),
            scalarRecord(epoch, 'epoch_accuracy', 0.9 + epoch / 100 - offset, true),
          ]),
        ]),
      );
    }
    view = await vscode.commands.executeCommand<TensorBoardLogsView>('aiOnramp.openTensorBoardLogs', logDir);
    const opened = view;
    await waitFor(() => opened.ready.then(() => true), { timeoutMs: 30_000, message: 'the page to load' });
    await waitFor(() => opened.shownCount(`${kerasRun}/validation`, 'epoch_loss') === 2, {
      timeoutMs: 15_000,
      message: 'the Keras validation points',
    });

    // A short panel run of 2 epochs, trained while the viewer is open: the viewer hears of it from the history.
    const before = new Set((await listRuns()).map((r) => r.id));
    await vscode.commands.executeCommand('aiOnramp.openTrainingPanel', {
      epochs: 2,
      batchSize: 64,
      trainSamples: 512,
      testSamples: 200,
      backend: 'onramp-cpu',
      autoStart: true,
    });
    try {
      const run = await waitFor(
        async () => (await listRuns()).find((r) => !before.has(r.id) && r.status !== 'running'),
        { timeoutMs: 240_000, intervalMs: 500, message: 'the panel run to finish' },
      );
      assert.equal(run.status, 'completed', run.error);
      const panelRun = `${PANEL_RUN_ROOT}/${run.id}`;
      // The training panel opened over the viewer, whose page was torn down while hidden; shown again,
      // it gets what the viewer heard meanwhile (the run was not in the history when the viewer opened).
      opened.panel.reveal();
      await waitFor(() => opened.shownCount(`${panelRun}/validation`, 'epoch_loss') === 2, {
        timeoutMs: 15_000,
        message: "the panel run's 2 validation epochs on the page",
      });
      await waitFor(() => opened.placement(`${panelRun}/validation`, 'epoch_loss'), {
        timeoutMs: 5_000,
        message: "where the page drew the panel run's validation loss",
      });
      // The Keras run's validation and the panel run's validation: two runs' dashed lines in one card.
      assert.deepEqual(opened.placement(`${kerasRun}/validation`, 'epoch_loss'), {
        chartRun: kerasRun,
        card: 'epoch_loss',
        series: 'validation',
      });
      assert.deepEqual(opened.placement(`${panelRun}/validation`, 'epoch_loss'), {
        chartRun: panelRun,
        card: 'epoch_loss',
        series: 'validation',
      });
      await waitFor(() => opened.placement(`${panelRun}/train`, 'epoch_accuracy'), {
        timeoutMs: 5_000,
        message: "the panel run's training accuracy",
      });
      assert.equal(opened.placement(`${panelRun}/train`, 'epoch_accuracy')?.card, 'epoch_accuracy');
      // Its values as the history holds them, its epochs at x = epoch from 0 as Keras writes them.
      assert.equal(opened.readCount(`${panelRun}/validation`, 'epoch_loss'), run.curves.valLoss.length);
      // The runs table's row: the run's hyperparameters and test metrics.
      const session = opened.panelRuns().find((r) => r.name === panelRun);
      assert.deepEqual(session?.hparams, {
        epochs: 2,
        batch_size: 64,
        learning_rate: run.hyperparameters.learningRate,
        schedule: run.hyperparameters.schedule,
        optimizer: run.hyperparameters.optimizer,
        backend: 'onramp-cpu',
        train_samples: 512,
        // The layers in Keras's names, and the seed the run recorded.
        model: 'Conv2D 32 · MaxPool · Flatten · Dense 10',
        seed: run.seed,
      });
      assert.equal(session?.metrics?.test_accuracy, run.testAccuracy);
      assert.equal(session?.source, 'panel');
      // The folder's own runs are still just the Keras pair.
      assert.deepEqual(
        opened.runs().map((r) => r.name),
        [`${kerasRun}/train`, `${kerasRun}/validation`],
      );
    } finally {
      const tabs = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter(
          (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('aiOnramp.training'),
        );
      await vscode.window.tabGroups.close(tabs);
    }
  });

  it('reopening the same folder reveals the open viewer', async () => {
    await fs.writeFile(path.join(logDir, 'events.out.tfevents.1'), scalarRecord(5, 'loss', 1, false));
    view = await vscode.commands.executeCommand<TensorBoardLogsView>('aiOnramp.openTensorBoardLogs', logDir);
    const again = await vscode.commands.executeCommand<TensorBoardLogsView>(
      'aiOnramp.openTensorBoardLogs',
      logDir,
    );
    assert.equal(again, view);
    const opened = view;
    await waitFor(() => opened.shownCount('.', 'loss') === 1, { timeoutMs: 30_000, message: 'the root run' });
  });

  it('refuses a path that is not a folder', async () => {
    const file = path.join(logDir, 'not-a-folder.txt');
    await fs.writeFile(file, 'x');
    const result = await vscode.commands.executeCommand('aiOnramp.openTensorBoardLogs', file);
    assert.equal(result, undefined);
  });
});
