// A run record's architecture and seed (src/shared/protocol/runRecord.ts): the host writes runs to disk and draws
// the history from them, so it keeps only stacks the editor can build (its layer kinds, fields and ranges, a
// stack validate accepts) and refuses every other one whole, rather than storing a model no backend trains.
import assert from 'node:assert/strict';
import { MAX_LAYERS, PRESETS } from '../../src/shared/architecture';
import { readArchitecture, readRunRecord, type RunRecord } from '../../src/shared/protocol/training';
import { sampleRun } from './runRecordFixture';

const run = sampleRun;

const conv = { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'same', activation: 'linear' };
const output = { kind: 'dense', units: 10, activation: 'softmax' };
const stack = (...layers: unknown[]) => ({ layers: [...layers, output] });

describe('run record: architecture and seed', () => {
  it('keeps each preset and a hand-made stack as they are, and the seed', () => {
    for (const architecture of Object.values(PRESETS)) {
      const copy = JSON.parse(JSON.stringify(architecture)) as RunRecord['architecture'];
      assert.deepEqual(readArchitecture(copy), copy);
      assert.deepEqual(
        readRunRecord(run({ architecture: copy, seed: 7 })),
        run({ architecture: copy, seed: 7 }),
      );
    }
    const made = stack(
      conv,
      { kind: 'maxPooling2d', poolSize: 2 },
      { kind: 'dropout', rate: 0.25 },
      { kind: 'flatten' },
      { kind: 'dense', units: 64, activation: 'relu' },
    );
    assert.deepEqual(readArchitecture(made), made);
    // A run recorded before the editor has neither field, and keeps having neither.
    assert.deepEqual(readRunRecord(run()), run());
    assert.ok(!('architecture' in readRunRecord(run())));
  });

  it('refuses layer kinds, fields and values the editor does not have', () => {
    const bad: [string, unknown][] = [
      ['not an object', 'conv'],
      ['no layers', {}],
      ['layers not an array', { layers: 'x' }],
      ['an extra top-level field', { ...stack({ kind: 'flatten' }), name: 'x' }],
      ['an empty stack', { layers: [] }],
      ['an unknown kind', stack({ kind: 'lstm', units: 4 }, { kind: 'flatten' })],
      ['a prototype key as kind', stack({ kind: 'constructor' }, { kind: 'flatten' })],
      ['an extra layer field', stack({ ...conv, strides: 2 }, { kind: 'flatten' })],
      ['filters 0', stack({ ...conv, filters: 0 }, { kind: 'flatten' })],
      ['filters 65', stack({ ...conv, filters: 65 }, { kind: 'flatten' })],
      ['fractional filters', stack({ ...conv, filters: 2.5 }, { kind: 'flatten' })],
      ['filters as text', stack({ ...conv, filters: '8' }, { kind: 'flatten' })],
      ['kernel 4', stack({ ...conv, kernelSize: 4 }, { kind: 'flatten' })],
      ['padding causal', stack({ ...conv, padding: 'causal' }, { kind: 'flatten' })],
      ['activation tanh', stack({ ...conv, activation: 'tanh' }, { kind: 'flatten' })],
      ['pool 3', stack({ kind: 'maxPooling2d', poolSize: 3 }, { kind: 'flatten' })],
      ['dropout 0.8', stack({ kind: 'flatten' }, { kind: 'dropout', rate: 0.8 })],
      ['dropout NaN', stack({ kind: 'flatten' }, { kind: 'dropout', rate: NaN })],
      ['dense 513 units', stack({ kind: 'flatten' }, { kind: 'dense', units: 513, activation: 'relu' })],
      [
        'softmax before the end',
        stack({ kind: 'flatten' }, { kind: 'dense', units: 8, activation: 'softmax' }),
      ],
      [
        'a last layer other than Dense(10, softmax)',
        { layers: [{ kind: 'flatten' }, { ...output, units: 9 }] },
      ],
      ['Dense without Flatten', stack({ kind: 'dense', units: 8, activation: 'relu' })],
      [
        'pooling a 1×1 image',
        stack(...Array(5).fill({ kind: 'maxPooling2d', poolSize: 2 }), { kind: 'flatten' }),
      ],
      [
        'over the parameter cap',
        stack(
          { ...conv, filters: 64 },
          { kind: 'flatten' },
          { kind: 'dense', units: 64, activation: 'relu' },
        ),
      ],
      ['more than MAX_LAYERS layers', stack(...Array(MAX_LAYERS).fill({ kind: 'flatten' }))],
    ];
    for (const [what, architecture] of bad) {
      assert.throws(() => readArchitecture(architecture), Error, what);
      assert.throws(() => readRunRecord({ ...run(), architecture }), Error, `${what} (in a run)`);
    }
  });

  it('refuses a seed that is not an integer the seed field takes', () => {
    for (const seed of [-1, 1.5, 2 ** 31, '1', null]) {
      assert.throws(() => readRunRecord({ ...run(), seed }), Error, String(seed));
    }
    assert.equal(readRunRecord({ ...run(), seed: 0 }).seed, 0);
    assert.equal(readRunRecord({ ...run(), seed: 2 ** 31 - 1 }).seed, 2 ** 31 - 1);
  });
});

describe('run record: a fine-tune of Your examples', () => {
  const of = { runId: 'run-abc.1', startedAt: 1_700_000_000_000 };
  const origin = { of, examples: 30, repeats: 42, mnistImages: 5000 };

  it('keeps what a fine-tune started from (a run, or a model file) and on how many examples', () => {
    assert.deepEqual(readRunRecord(run({ fineTune: origin })).fineTune, origin);
    const fromFile = { ofFile: 'model.json', examples: 1, repeats: 200, mnistImages: 5000 };
    assert.deepEqual(readRunRecord(run({ fineTune: fromFile })).fineTune, fromFile);
    // Only the known fields reach the disk.
    const extra = { ...origin, of: { ...of, label: 'x' }, note: 'y' };
    assert.deepEqual(readRunRecord({ ...run(), fineTune: extra }).fineTune, origin);
    assert.ok(!('fineTune' in readRunRecord(run())));
  });

  it('refuses a malformed origin', () => {
    for (const fineTune of [
      'run-1',
      { ...origin, examples: 0 },
      { ...origin, repeats: 1.5 },
      { ...origin, mnistImages: -1 },
      { ...origin, of: { runId: '../x', startedAt: 1 } },
      { ...origin, of: { runId: 'run-1', startedAt: 'now' } },
      { ...origin, ofFile: 'x'.repeat(201) },
    ]) {
      assert.throws(() => readRunRecord({ ...run(), fineTune }), /run\.fineTune/, JSON.stringify(fineTune));
    }
  });
});
