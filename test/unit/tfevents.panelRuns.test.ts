// The training panel's runs drawn as Keras logs them (src/shared/tensorboard/panelRuns.ts): the same quantity in
// the same card, with the same x meaning, as the scaffolded Keras project's TensorBoard log.
import assert from 'node:assert/strict';
import type { CurvePoint, RunRecord } from '../../src/shared/protocol/training';
import { SIMPLE_CONVNET } from '../../src/shared/architecture';
import { parseHostMessage } from '../../src/shared/protocol/tensorboard';
import { chartPlacement } from '../../src/shared/tensorboard/tags';
import {
  PANEL_RUN_ROOT,
  isPanelRun,
  panelRunLabel,
  panelRunLogs,
} from '../../src/shared/tensorboard/panelRuns';

const curve = (points: [step: number, value: number][]): CurvePoint[] =>
  points.map(([step, value]) => ({ step, wallTime: 1700000000 + step, value }));

/**
 * 100 training images in batches of 32: 4 batches an epoch (32, 32, 32, 4 images). Epoch 1 read at
 * batches 1, 3 and 4; epoch 2 read at 6, then redone after a lost WebGL context (5, 8); epoch 3 stopped
 * after batch 10.
 */
function record(): RunRecord {
  return {
    id: 'run-abc-1',
    startedAt: new Date(2026, 11, 1, 9, 5, 7).getTime(),
    durationMs: 1000,
    status: 'stopped',
    hyperparameters: {
      epochs: 3,
      batchSize: 32,
      learningRate: 0.003,
      schedule: 'cosine',
      optimizer: 'adam',
      backend: 'auto',
    },
    backend: 'onramp-cpu',
    trainSamples: 100,
    testSamples: 50,
    epochsCompleted: 2,
    samplesPerSec: 500,
    testAccuracy: 0.9,
    testLoss: 0.35,
    curves: {
      trainLoss: curve([
        [1, 2],
        [3, 1],
        [4, 0.5],
        [6, 0.9],
        [5, 0.8],
        [8, 0.6],
        [10, 0.5],
      ]),
      trainAccuracy: curve([
        [1, 0.1],
        [3, 0.5],
        [4, 1],
        [6, 0.7],
        [5, 0.6],
        [8, 0.9],
        [10, 0.95],
      ]),
      valLoss: curve([
        [4, 1.2],
        [8, 0.7],
      ]),
      valAccuracy: curve([
        [4, 0.6],
        [8, 0.8],
      ]),
    },
    memory: [],
  };
}

const close = (actual: number[], expected: number[]) =>
  assert.deepEqual(
    actual.map((v) => Number(v.toFixed(6))),
    expected.map((v) => Number(v.toFixed(6))),
  );

describe('training panel runs as Keras logs', () => {
  it('maps a panel run to train/ and validation/ with epoch_* at x = epoch and the rest at x = batches', () => {
    const logs = panelRunLogs(record(), 'label');
    const name = `${PANEL_RUN_ROOT}/run-abc-1`;
    const series = (run: string, tag: string) =>
      logs.series.find((s) => s.run === run && s.tag === tag)!.points;
    // Epoch means weighted by images (Keras's epoch_loss): (2·32 + 1·64 + 0.5·4) / 100, and after the
    // redo (0.8·32 + 0.6·68) / 100; the stopped third epoch has none.
    const epochLoss = series(`${name}/train`, 'epoch_loss');
    assert.deepEqual(
      epochLoss.map((p) => p.step),
      [0, 1],
    );
    close(
      epochLoss.map((p) => p.value),
      [1.3, 0.664],
    );
    close(
      series(`${name}/train`, 'epoch_accuracy').map((p) => p.value),
      [(0.1 * 32 + 0.5 * 64 + 1 * 4) / 100, (0.6 * 32 + 0.9 * 68) / 100],
    );
    // batch_loss: the running mean of the epoch so far, at batches done (5 superseded 6).
    const batchLoss = series(`${name}/train`, 'batch_loss');
    assert.deepEqual(
      batchLoss.map((p) => p.step),
      [1, 3, 4, 5, 8, 10],
    );
    close(
      batchLoss.map((p) => p.value),
      [2, 128 / 96, 1.3, 0.8, 0.664, 0.5],
    );
    const valLoss = series(`${name}/validation`, 'epoch_loss');
    assert.deepEqual(
      valLoss.map((p) => [p.step, p.value]),
      [
        [0, 1.2],
        [1, 0.7],
      ],
    );
    assert.deepEqual(
      series(`${name}/validation`, 'evaluation_loss_vs_iterations').map((p) => [p.step, p.value]),
      [
        [4, 1.2],
        [8, 0.7],
      ],
    );
    assert.deepEqual(
      logs.runs.map((r) => [r.name, r.tags]),
      [
        [name, []],
        [`${name}/train`, ['batch_accuracy', 'batch_loss', 'epoch_accuracy', 'epoch_loss']],
        [
          `${name}/validation`,
          [
            'epoch_accuracy',
            'epoch_loss',
            'evaluation_accuracy_vs_iterations',
            'evaluation_loss_vs_iterations',
          ],
        ],
      ],
    );
    assert.deepEqual(logs.runs[0], {
      name,
      tags: [],
      source: 'panel',
      label: 'label',
      hparams: {
        epochs: 3,
        batch_size: 32,
        learning_rate: 0.003,
        schedule: 'cosine',
        optimizer: 'adam',
        // A run from before the model editor trained the article's model; it recorded no seed.
        model: 'Conv2D 32 · MaxPool · Flatten · Dense 10',
        backend: 'onramp-cpu',
        train_samples: 100,
      },
      metrics: { test_accuracy: 0.9, test_loss: 0.35 },
    });
  });

  it('places the panel run in the same cards and series as a Keras callback run', () => {
    const logs = panelRunLogs(record(), 'label');
    for (const { run, tag } of logs.series) {
      const keras = chartPlacement(`20240101-120000/${run.endsWith('/train') ? 'train' : 'validation'}`, tag);
      const panel = chartPlacement(run, tag);
      assert.equal(panel.chartRun, `${PANEL_RUN_ROOT}/run-abc-1`);
      assert.deepEqual([panel.card, panel.series], [keras.card, keras.series], `${run} ${tag}`);
    }
    assert.ok(isPanelRun(logs.series[0].run));
    // No log folder run can be named like a panel run: those are relative paths.
    assert.equal(isPanelRun('ai-onramp-panel/run-abc-1/train'), false);
  });

  it('lists nothing to draw for a run without points, and no test metrics it did not measure', () => {
    const empty = record();
    empty.curves = { trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [] };
    delete empty.testAccuracy;
    delete empty.testLoss;
    const logs = panelRunLogs(empty, 'label');
    assert.deepEqual(logs.series, []);
    assert.deepEqual(
      logs.runs.map((r) => r.name),
      [`${PANEL_RUN_ROOT}/run-abc-1`],
    );
    assert.equal(logs.runs[0].metrics, undefined);
  });

  it('names the model the run trained and its seed among its hyperparameters', () => {
    const run = { ...record(), architecture: SIMPLE_CONVNET, seed: 7 };
    const { hparams } = panelRunLogs(run, 'label').runs[0];
    assert.equal(
      hparams?.model,
      'Conv2D 32 · MaxPool · Conv2D 64 · MaxPool · Flatten · Dropout 0.5 · Dense 10',
    );
    assert.equal(hparams?.seed, 7);
    assert.ok(!('seed' in (panelRunLogs(record(), 'label').runs[0].hparams ?? {})));
  });

  it('labels a run by its local start time and travels through the host message check', () => {
    assert.equal(panelRunLabel(new Date(2026, 11, 1, 9, 5, 7).getTime()), '2026-12-01 09:05:07');
    const logs = panelRunLogs(record(), panelRunLabel(record().startedAt));
    const message = { type: 'runs', folder: 'logs', runs: logs.runs };
    assert.deepEqual(parseHostMessage(message), message);
    const bad = (run: object) =>
      parseHostMessage({ type: 'runs', folder: 'logs', runs: [{ ...logs.runs[0], ...run }] });
    assert.equal(bad({ source: 'python' }), undefined);
    assert.equal(bad({ metrics: { test_loss: 'low' } }), undefined);
    assert.equal(bad({ label: '' }), undefined);
  });
});
