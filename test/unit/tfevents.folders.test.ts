// Log folders as Keras and PyTorch write them, restarts, long series and empty folders: how the reader
// and the page's placement turn them into runs, as TensorBoard's data server would.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chartPlacement } from '../../src/shared/protocol/tensorboard';
import { LogDirectory } from '../../src/extension/tensorboard/reader';
import {
  concatBytes,
  encodeFileVersionEvent,
  encodeGraphEvent,
  encodeHparamsExperimentEvent,
  encodeHparamsSessionEvent,
  encodeLegacyHistogramEvent,
  encodeScalarEvent,
  encodeSessionLogEvent,
  encodeTensorEvent,
  frameRecord,
  type ScalarToWrite,
} from '../helpers/tfeventsWriter';

let tempDir: string;
beforeEach(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfevents-folders-'));
});
afterEach(async () => {
  await fs.rm(tempDir, { recursive: true, force: true });
});

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const tensor = (tag: string, value: number): ScalarToWrite => ({ tag, value, encoding: 'tensor_content' });

async function write(file: string, records: readonly Uint8Array[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, concatBytes(records.map(frameRecord)));
}

function float64s(count: number): Uint8Array {
  const bytes = new Uint8Array(count * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) view.setFloat64(i * 8, i / count, true);
  return bytes;
}

/**
 * What `model.fit(..., validation_data=..., callbacks=[TensorBoard(log_dir, histogram_freq=1,
 * write_images=True, update_freq='batch')])` writes (generated: no small public Keras log folder
 * could be committed here, see test/fixtures/tfevents/README.md): the model graph and its Keras
 * config, per-batch and per-epoch scalars, weight histograms and images in `train/`, epoch and
 * `evaluation_*_vs_iterations` scalars in `validation/`, and the profiler's empty event file.
 */
async function writeKerasFolder(root: string, epochs: number, batchesPerEpoch: number): Promise<void> {
  const t0 = 1700000000;
  const train = path.join(root, 'train', `events.out.tfevents.${t0}.host.4242.0.v2`);
  const validation = path.join(root, 'validation', `events.out.tfevents.${t0 + 1}.host.4242.1.v2`);
  await write(train, [
    encodeFileVersionEvent(t0),
    encodeGraphEvent(t0, 3000),
    encodeTensorEvent(0, t0, {
      tag: 'keras',
      plugin: 'graph_keras_model',
      dtype: 7,
      shape: [],
      strings: [new TextEncoder().encode('{"class_name": "Sequential"}')],
    }),
  ]);
  await write(path.join(root, 'train', `events.out.tfevents.${t0 + 2}.profile-empty`), [
    encodeFileVersionEvent(t0 + 2),
  ]);
  await write(validation, [encodeFileVersionEvent(t0 + 1)]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const batches = range(0, batchesPerEpoch).map((b) => {
      const step = epoch * batchesPerEpoch + b;
      return encodeScalarEvent(step, t0 + step, [
        tensor('batch_loss', 2 / (step + 1)),
        tensor('batch_accuracy', step / 100),
      ]);
    });
    await write(train, [
      ...batches,
      encodeScalarEvent(epoch, t0 + epoch, [
        tensor('epoch_loss', 1 / (epoch + 1)),
        tensor('epoch_accuracy', 0.9 + epoch / 100),
        tensor('epoch_learning_rate', 0.001),
      ]),
      encodeTensorEvent(epoch, t0 + epoch, {
        tag: 'dense/kernel/histogram',
        plugin: 'histograms',
        dtype: 2,
        shape: [30, 3],
        content: float64s(90),
      }),
      encodeTensorEvent(epoch, t0 + epoch, {
        tag: 'dense/kernel/image',
        plugin: 'images',
        dtype: 7,
        shape: [3],
        strings: [
          new TextEncoder().encode('8'),
          new TextEncoder().encode('8'),
          new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
        ],
      }),
    ]);
    const iterations = (epoch + 1) * batchesPerEpoch;
    await write(validation, [
      encodeScalarEvent(epoch, t0 + epoch, [
        tensor('epoch_loss', 1.1 / (epoch + 1)),
        tensor('epoch_accuracy', 0.88 + epoch / 100),
      ]),
      encodeScalarEvent(iterations, t0 + epoch, [
        tensor('evaluation_loss_vs_iterations', 1.1 / (epoch + 1)),
        tensor('evaluation_accuracy_vs_iterations', 0.88 + epoch / 100),
      ]),
    ]);
  }
}

describe('log folders as Keras and PyTorch write them', () => {
  it('reads a Keras TensorBoard callback folder as one run with train and validation together', async () => {
    const logDir = path.join(tempDir, 'logs', 'fit', '20240101-120000');
    await writeKerasFolder(logDir, 3, 4);
    const logs = new LogDirectory(path.join(tempDir, 'logs'));
    const result = await logs.poll();
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(logs.runs(), [
      {
        name: 'fit/20240101-120000/train',
        tags: ['batch_accuracy', 'batch_loss', 'epoch_accuracy', 'epoch_learning_rate', 'epoch_loss'],
      },
      {
        name: 'fit/20240101-120000/validation',
        tags: [
          'epoch_accuracy',
          'epoch_loss',
          'evaluation_accuracy_vs_iterations',
          'evaluation_loss_vs_iterations',
        ],
      },
    ]);
    assert.deepEqual(
      logs.points('fit/20240101-120000/train', 'epoch_loss').map((p) => [p.step, p.value]),
      [0, 1, 2].map((e) => [e, Math.fround(1 / (e + 1))]),
    );
    assert.deepEqual(
      logs.points('fit/20240101-120000/train', 'batch_loss').map((p) => p.step),
      range(0, 12),
    );
    assert.deepEqual(
      logs.points('fit/20240101-120000/validation', 'evaluation_loss_vs_iterations').map((p) => p.step),
      [4, 8, 12],
    );
    // One chart run; epoch_loss and epoch_accuracy cards each hold a train and a validation line.
    const placements = logs.runs().flatMap((run) => run.tags.map((tag) => chartPlacement(run.name, tag)));
    assert.deepEqual([...new Set(placements.map((p) => p.chartRun))], ['fit/20240101-120000']);
    assert.deepEqual(
      placements.filter((p) => p.card === 'epoch_loss').map((p) => p.series),
      ['train', 'validation'],
    );
    const status = logs.status();
    assert.equal(status.eventFiles, 3);
    assert.equal(status.bytesRead, status.bytes);
    assert.deepEqual(
      status.otherTags.map((t) => [t.plugin, t.count, t.examples]),
      [
        ['graph_keras_model', 1, ['keras']],
        ['histograms', 1, ['dense/kernel/histogram']],
        ['images', 1, ['dense/kernel/image']],
      ],
    );
    assert.deepEqual(status.otherRecords, { file_version: 3, graph: 1 });
  });

  it('reads PyTorch SummaryWriter folders: add_scalar tags and add_scalars subfolders', async () => {
    const run = path.join(tempDir, 'runs', 'Mar01_12-00-00_host');
    const t0 = 1700000000;
    await write(path.join(run, `events.out.tfevents.${t0}.host.77.0`), [
      encodeFileVersionEvent(t0),
      ...range(0, 5).map((s) => encodeScalarEvent(s, t0 + s, [{ tag: 'Loss/train', value: 1 / (s + 1) }])),
      ...range(0, 5).map((s) => encodeScalarEvent(s, t0 + s, [{ tag: 'Loss/test', value: 2 / (s + 1) }])),
      encodeLegacyHistogramEvent(4, t0 + 4, 'fc1.weight'),
    ]);
    for (const key of ['train', 'val']) {
      await write(
        path.join(run, `Accuracy_${key}`, `events.out.tfevents.${t0 + 1}.host.77.${key === 'train' ? 1 : 2}`),
        [
          encodeFileVersionEvent(t0 + 1),
          ...range(0, 5).map((s) => encodeScalarEvent(s, t0 + s, [{ tag: 'Accuracy', value: s / 10 }])),
        ],
      );
    }
    const logs = new LogDirectory(path.join(tempDir, 'runs'));
    assert.deepEqual((await logs.poll()).warnings, []);
    const runs = logs.runs();
    assert.deepEqual(
      runs.map((r) => r.name),
      ['Mar01_12-00-00_host', 'Mar01_12-00-00_host/Accuracy_train', 'Mar01_12-00-00_host/Accuracy_val'],
    );
    const placements = runs.flatMap((r) => r.tags.map((tag) => ({ tag, ...chartPlacement(r.name, tag) })));
    assert.deepEqual(
      placements.map((p) => [p.chartRun, p.card, p.series]),
      [
        ['Mar01_12-00-00_host', 'Loss', 'test'],
        ['Mar01_12-00-00_host', 'Loss', 'train'],
        ['Mar01_12-00-00_host', 'Accuracy', 'train'],
        ['Mar01_12-00-00_host', 'Accuracy', 'validation'],
      ],
    );
    assert.deepEqual(logs.status().otherTags, [{ plugin: 'histograms', count: 1, examples: ['fc1.weight'] }]);
  });
});

describe('hyperparameters', () => {
  it('reads each run’s hparams and the experiment’s metrics, as hp.hparams_config and hp.hparams write them', async () => {
    // The shape of the TensorFlow hparams tutorial (and of the public logs in
    // TheCodeheadMT/TensorBoard-Tutorial archive/hparam_tuning): the experiment at the root, a folder a session.
    await write(path.join(tempDir, 'events.out.tfevents.1.host.v2'), [
      encodeFileVersionEvent(1),
      encodeHparamsExperimentEvent(['units', 'dropout', 'optimizer'], ['accuracy']),
    ]);
    const sessions = [
      { units: 200, dropout: 0.2, optimizer: 'adam', accuracy: 0.97 },
      { units: 300, dropout: 0.5, optimizer: 'sgd', accuracy: 0.91 },
    ];
    for (const [i, { accuracy, ...hparams }] of sessions.entries()) {
      await write(path.join(tempDir, `Experiment ${i}`, 'events.out.tfevents.2.host.v2'), [
        encodeFileVersionEvent(2),
        encodeHparamsSessionEvent({ ...hparams, augment: i === 0 }),
        encodeScalarEvent(1, 3, [tensor('accuracy', accuracy)]),
      ]);
    }
    const logs = new LogDirectory(tempDir);
    const result = await logs.poll();
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(logs.hparamsMetrics(), ['accuracy']);
    assert.deepEqual(logs.runs(), [
      {
        name: 'Experiment 0',
        tags: ['accuracy'],
        hparams: { units: 200, dropout: 0.2, optimizer: 'adam', augment: true },
      },
      {
        name: 'Experiment 1',
        tags: ['accuracy'],
        hparams: { units: 300, dropout: 0.5, optimizer: 'sgd', augment: false },
      },
    ]);
    assert.deepEqual(
      logs.status().otherTags.map((t) => [t.plugin, t.examples]),
      [['hparams', ['_hparams_/experiment', '_hparams_/session_start_info']]],
      'the plugin’s rank-0 tensors are not taken for scalars',
    );
  });
});

describe('restarts and long series, as TensorBoard’s data server keeps them', () => {
  it('drops the points a restarted run recomputes, within a file and across files read in name order', async () => {
    const t0 = 1700000000;
    // The first file: steps 0–9. Then the job restarts from a checkpoint at step 5, in a second file.
    await write(
      path.join(tempDir, `events.out.tfevents.${t0}.host.1.0`),
      range(0, 10).map((s) => encodeScalarEvent(s, t0 + s, [{ tag: 'loss', value: s }])),
    );
    await write(
      path.join(tempDir, `events.out.tfevents.${t0 + 100}.host.2.0`),
      range(5, 8).map((s) => encodeScalarEvent(s, t0 + 100 + s, [{ tag: 'loss', value: 100 + s }])),
    );
    const logs = new LogDirectory(tempDir);
    await logs.poll();
    assert.deepEqual(
      logs.points('.', 'loss').map((p) => [p.step, p.value]),
      [...range(0, 5).map((s) => [s, s]), ...range(5, 8).map((s) => [s, 100 + s])],
    );
    const revision = logs.series('.', 'loss')?.revision;
    // The same step again replaces the point (rustboard preempts steps not smaller than the new one).
    await write(path.join(tempDir, `events.out.tfevents.${t0 + 100}.host.2.0`), [
      encodeScalarEvent(7, t0 + 200, [{ tag: 'loss', value: -1 }]),
    ]);
    await logs.poll();
    assert.deepEqual(
      logs
        .points('.', 'loss')
        .slice(-2)
        .map((p) => [p.step, p.value]),
      [
        [6, 106],
        [7, -1],
      ],
    );
    assert.notEqual(logs.series('.', 'loss')?.revision, revision, 'the viewer sends the series again');
  });

  it('drops every tag’s later steps at a SessionLog START, as TensorBoard’s event accumulator does', async () => {
    const t0 = 1700000000;
    await write(path.join(tempDir, 'events.out.tfevents.1.host'), [
      ...range(0, 6).map((s) =>
        encodeScalarEvent(s, t0 + s, [
          { tag: 'loss', value: s },
          { tag: 'acc', value: s / 10 },
        ]),
      ),
      encodeSessionLogEvent(3, t0 + 10),
      encodeScalarEvent(3, t0 + 11, [{ tag: 'loss', value: 30 }]),
    ]);
    const logs = new LogDirectory(tempDir);
    await logs.poll();
    assert.deepEqual(
      logs.points('.', 'loss').map((p) => [p.step, p.value]),
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 30],
      ],
    );
    assert.deepEqual(
      logs.points('.', 'acc').map((p) => p.step),
      [0, 1, 2],
      'acc has no new point, yet loses steps 3–5',
    );
    assert.deepEqual(logs.status().otherRecords, { session_log: 1 });
  });

  it('keeps a bounded, step-ordered reservoir sample of a long series, the latest point always in', async () => {
    const t0 = 1700000000;
    const steps = range(0, 20_000);
    await write(
      path.join(tempDir, 'events.out.tfevents.1.host'),
      steps.map((s) => encodeScalarEvent(s, t0, [{ tag: 'loss', value: s }])),
    );
    const read = async () => {
      const logs = new LogDirectory(tempDir, { maxPointsPerSeries: 500 });
      await logs.poll();
      return logs;
    };
    const logs = await read();
    const series = logs.series('.', 'loss');
    assert.ok(series);
    assert.equal(series.length, 500);
    assert.equal(series.seen, 20_000);
    assert.ok(series.capacity <= 1000, `room for ${series.capacity} points`);
    const kept = logs.points('.', 'loss').map((p) => p.step);
    assert.equal(kept[kept.length - 1], 19_999);
    for (let i = 1; i < kept.length; i++) assert.ok(kept[i] > kept[i - 1], 'in step order');
    // A uniform sample: about a quarter of the points in each quarter of the run.
    for (let q = 0; q < 4; q++) {
      const inQuarter = kept.filter((s) => s >= q * 5000 && s < (q + 1) * 5000).length;
      assert.ok(inQuarter > 90 && inQuarter < 160, `quarter ${q}: ${inQuarter} of 500`);
    }
    assert.deepEqual(
      (await read()).points('.', 'loss').map((p) => p.step),
      kept,
      'the same sample every time',
    );
  });

  it('reads a large file a slice a poll, so that the first points come before the whole is read', async () => {
    const t0 = 1700000000;
    const steps = range(0, 200_000);
    await write(
      path.join(tempDir, 'events.out.tfevents.1.host'),
      steps.map((s) => encodeScalarEvent(s, t0, [{ tag: 'loss', value: s }])),
    );
    const logs = new LogDirectory(tempDir, { maxBytesPerFile: 1 });
    const first = await logs.poll();
    assert.ok(first.more);
    assert.ok(first.pointsRead > 0 && first.pointsRead < steps.length, `${first.pointsRead} points first`);
    assert.ok(logs.status().bytesRead < logs.status().bytes);
    let total = first.pointsRead;
    let polls = 1;
    for (let result = first; result.more; polls++) total += (result = await logs.poll()).pointsRead;
    assert.equal(total, steps.length);
    assert.ok(polls > 1);
    assert.equal(logs.status().bytesRead, logs.status().bytes);
  });
});

describe('a folder that draws nothing, explained', () => {
  it('counts the folders searched when there are no event files', async () => {
    await fs.mkdir(path.join(tempDir, 'a', 'b'), { recursive: true });
    await fs.writeFile(path.join(tempDir, 'a', 'model.h5'), 'not an event file');
    const logs = new LogDirectory(tempDir);
    await logs.poll();
    assert.deepEqual(logs.runs(), []);
    assert.deepEqual(logs.status(), {
      folders: 3,
      eventFiles: 0,
      skippedLinks: 0,
      bytes: 0,
      bytesRead: 0,
      points: 0,
      otherTags: [],
      otherRecords: {},
    });
  });

  it('says which event files hold only a header or values that are not scalars', async () => {
    await write(path.join(tempDir, 'train', 'events.out.tfevents.1.host'), [encodeFileVersionEvent(1)]);
    await write(path.join(tempDir, 'hist', 'events.out.tfevents.2.host'), [
      encodeFileVersionEvent(2),
      ...range(0, 30).map((i) =>
        encodeTensorEvent(i, 2, {
          tag: `layer${i}/kernel`,
          plugin: 'histograms',
          dtype: 2,
          shape: [30, 3],
          content: float64s(90),
        }),
      ),
    ]);
    const logs = new LogDirectory(tempDir);
    await logs.poll();
    assert.deepEqual(logs.runs(), []);
    const status = logs.status();
    assert.equal(status.eventFiles, 2);
    assert.equal(status.points, 0);
    assert.deepEqual(status.otherRecords, { file_version: 2 });
    assert.equal(status.otherTags.length, 1);
    assert.equal(status.otherTags[0].plugin, 'histograms');
    assert.equal(status.otherTags[0].count, 30);
    assert.equal(status.otherTags[0].examples.length, 20);
  });
});
