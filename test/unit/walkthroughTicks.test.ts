// Which "First model" walkthrough steps a finished run ticks (src/extension/training/walkthroughTicks.ts): the
// panel sets trainedOnce and comparedRuns from this, after saving the run. A fine-tune ticks neither.
import * as assert from 'node:assert/strict';
import { walkthroughTicks } from '../../src/extension/training/walkthroughTicks';
import type { RunRecord } from '../../src/shared/protocol/training';
import { sampleRun } from './runRecordFixture';

const first = sampleRun({ id: 'run-a' });
const changed = (id: string, extra: Partial<RunRecord> = {}): RunRecord =>
  sampleRun({ id, hyperparameters: { ...first.hyperparameters, learningRate: 0.001 }, ...extra });
const fineTune = (id: string, extra: Partial<RunRecord> = {}): RunRecord =>
  changed(id, {
    fineTune: {
      of: { runId: 'run-a', startedAt: first.startedAt },
      examples: 12,
      repeats: 4,
      mnistImages: 2000,
    },
    ...extra,
  });

describe('walkthrough ticks of a finished run', () => {
  it('a first completed run ticks "Train", not yet "Compare"', () => {
    assert.deepEqual(walkthroughTicks(first, [first]), { trainedOnce: true, comparedRuns: false });
  });

  it('a completed run that changed a hyperparameter ticks "Compare"; the same run again does not', () => {
    const second = changed('run-b');
    assert.deepEqual(walkthroughTicks(second, [first, second]), { trainedOnce: true, comparedRuns: true });
    const again = sampleRun({ id: 'run-c' });
    assert.deepEqual(walkthroughTicks(again, [first, again]), { trainedOnce: true, comparedRuns: false });
  });

  it('a finished fine-tune ticks neither, though its learning rate differs from the run it tuned', () => {
    const tune = fineTune('run-f');
    assert.deepEqual(walkthroughTicks(tune, [first, tune]), { trainedOnce: false, comparedRuns: false });
  });

  it('a fine-tune in the history is no run to compare with', () => {
    const again = sampleRun({ id: 'run-c' });
    assert.deepEqual(walkthroughTicks(again, [fineTune('run-f'), again]), {
      trainedOnce: true,
      comparedRuns: false,
    });
  });

  it('a stopped or diverged run ticks nothing, nor is it compared with', () => {
    for (const status of ['stopped', 'diverged'] as const) {
      const run = changed('run-s', { status });
      assert.deepEqual(walkthroughTicks(run, [first, run]), { trainedOnce: false, comparedRuns: false });
      const later = sampleRun({ id: 'run-d' });
      assert.deepEqual(walkthroughTicks(later, [run, later]), { trainedOnce: true, comparedRuns: false });
    }
  });
});
