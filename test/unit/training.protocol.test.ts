// The training panel's protocol (src/shared/protocol/training.ts) on hostile messages: what it passes on is only what it knows
// (the host writes runs to disk as they come), its arrays are bounded, and file names are plain names that no
// file system reads as something else (`.` and `..`, Windows devices, two names that differ only in case).
import assert from 'node:assert/strict';
import {
  isPlainFileName,
  parseHostMessage,
  parseWebviewMessage,
  readRunRecord,
  type RunRecord,
} from '../../src/shared/protocol/training';
import { sampleRun } from './runRecordFixture';

const run = (): RunRecord => sampleRun();

/** The same run with an unknown field at every level, as a hostile page could send it. */
function withExtras(r: RunRecord): unknown {
  const big = 'x'.repeat(9_000);
  return {
    ...r,
    extra: big,
    hyperparameters: { ...r.hyperparameters, extra: big },
    curves: {
      ...r.curves,
      extra: [big],
      trainLoss: r.curves.trainLoss.map((p) => ({ ...p, extra: big })),
    },
    memory: r.memory.map((m) => ({ ...m, extra: big })),
  };
}

describe('training protocol: only known fields, bounded arrays, plain file names', () => {
  it('drops unknown fields of a run at every level (what the host writes to disk)', () => {
    for (const type of ['runUpdate', 'runFinished'] as const) {
      const parsed = parseWebviewMessage({ type, run: withExtras(run()), extra: 1 });
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.deepEqual(parsed.value, { type, run: run() });
    }
    assert.deepEqual(readRunRecord(withExtras(run())), run());
    // Optional fields stay absent when absent.
    const bare = run();
    delete bare.testAccuracy;
    delete bare.testLoss;
    assert.deepEqual(readRunRecord(bare), bare);
    const history = parseHostMessage({ type: 'history', runs: [withExtras(run())] });
    assert.ok(history.ok);
    assert.deepEqual(history.value, { type: 'history', runs: [run()] });
  });

  it('drops unknown fields of every other message', () => {
    const cases: [unknown, unknown][] = [
      [{ type: 'ready', x: 1 }, { type: 'ready' }],
      [
        { type: 'log', level: 'info', message: 'hi', x: 1 },
        { type: 'log', level: 'info', message: 'hi' },
      ],
      [
        { type: 'startRefused', error: 'no', x: 1 },
        { type: 'startRefused', error: 'no' },
      ],
      [
        { type: 'saveFile', filename: 'loss.csv', mime: 'text/csv', content: 'a', encoding: 'utf8', x: 1 },
        { type: 'saveFile', filename: 'loss.csv', mime: 'text/csv', content: 'a', encoding: 'utf8' },
      ],
      [
        {
          type: 'saveModelFiles',
          requestId: 'r',
          files: [{ name: 'model.json', content: 'e30=', x: 1 }],
          x: 1,
        },
        { type: 'saveModelFiles', requestId: 'r', files: [{ name: 'model.json', content: 'e30=' }] },
      ],
      [
        { type: 'loadModelFiles', requestId: 'r', x: 1 },
        { type: 'loadModelFiles', requestId: 'r' },
      ],
    ];
    for (const [raw, clean] of cases) {
      const parsed = parseWebviewMessage(raw);
      assert.ok(parsed.ok, JSON.stringify(raw));
      assert.deepEqual(parsed.value, clean);
    }
    const hostCases: [unknown, unknown][] = [
      [
        { type: 'start', hyperparameters: { epochs: 2, x: 1 }, limits: { trainSamples: 64, x: 1 }, x: 1 },
        { type: 'start', hyperparameters: { epochs: 2 }, limits: { trainSamples: 64 } },
      ],
      [{ type: 'start' }, { type: 'start' }],
      [{ type: 'stop', x: 1 }, { type: 'stop' }],
      [
        { type: 'settings', hyperparameters: { ...run().hyperparameters, x: 1 } },
        { type: 'settings', hyperparameters: run().hyperparameters },
      ],
      [
        { type: 'modelFilesSaved', requestId: 'r', outcome: 'saved', folder: '/tmp', x: 1 },
        { type: 'modelFilesSaved', requestId: 'r', outcome: 'saved', folder: '/tmp' },
      ],
      [
        {
          type: 'modelFilesLoaded',
          requestId: 'r',
          outcome: 'loaded',
          files: [{ name: 'a.bin', content: '' }],
          x: 1,
        },
        {
          type: 'modelFilesLoaded',
          requestId: 'r',
          outcome: 'loaded',
          files: [{ name: 'a.bin', content: '' }],
        },
      ],
    ];
    for (const [raw, clean] of hostCases) {
      const parsed = parseHostMessage(raw);
      assert.ok(parsed.ok, JSON.stringify(raw));
      assert.deepEqual(parsed.value, clean);
    }
  });

  it('bounds run.memory (one entry an epoch, at most 1,000 epochs) and checks each entry', () => {
    const memory = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ epoch: i + 1, numTensors: 1, numBytes: 1 }));
    assert.ok(parseWebviewMessage({ type: 'runUpdate', run: { ...run(), memory: memory(1000) } }).ok);
    const long = parseWebviewMessage({ type: 'runUpdate', run: { ...run(), memory: memory(1001) } });
    assert.deepEqual(long, { ok: false, error: 'run.memory must be an array of at most 1000 entries' });
    const noBytes = parseWebviewMessage({
      type: 'runUpdate',
      run: { ...run(), memory: [{ epoch: 1, numTensors: 1 }] },
    });
    assert.equal(noBytes.ok, false);
  });

  it('accepts a refused start only with its reason', () => {
    assert.equal(parseWebviewMessage({ type: 'startRefused' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'startRefused', error: 'x'.repeat(10_001) }).ok, false);
  });

  it('takes only plain file names: not . or .., no separators, no Windows device names', () => {
    for (const name of ['loss.csv', 'run 1 训练.png', 'a..b.json', '.hidden.csv', 'console.csv']) {
      assert.equal(isPlainFileName(name), true, name);
    }
    for (const name of [
      '.',
      '..',
      '',
      'a/b.csv',
      'a\\b.csv',
      'c:x.csv',
      'CON',
      'nul.csv',
      'Com1.png',
      'LPT9.json',
      'a\0b',
    ]) {
      assert.equal(isPlainFileName(name), false, JSON.stringify(name));
      const saved = parseWebviewMessage({
        type: 'saveFile',
        filename: name,
        mime: 'text/csv',
        content: '',
        encoding: 'utf8',
      });
      assert.equal(saved.ok, false, JSON.stringify(name));
    }
  });

  it('refuses model files whose names differ only in case (one file on Windows and macOS), or name a device', () => {
    const files = (...names: string[]) => names.map((name) => ({ name, content: '' }));
    const twice = parseWebviewMessage({
      type: 'saveModelFiles',
      requestId: 'r',
      files: files('model.json', 'MODEL.json'),
    });
    assert.deepEqual(twice, {
      ok: false,
      error: 'saveModelFiles.files has model.json and MODEL.json, one file where case does not count',
    });
    const loaded = parseHostMessage({
      type: 'modelFilesLoaded',
      requestId: 'r',
      outcome: 'loaded',
      files: files('model.json', 'w.bin', 'W.BIN'),
    });
    assert.equal(loaded.ok, false);
    assert.equal(
      parseWebviewMessage({ type: 'saveModelFiles', requestId: 'r', files: files('nul.bin') }).ok,
      false,
    );
  });
});
