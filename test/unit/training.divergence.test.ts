// The divergence rule both trainers apply to the loss they read back (src/webview/training/divergence.ts), on
// loss readings recorded from real runs in the panel, and the message the panel then shows.
import assert from 'node:assert/strict';
import { DEFAULT_HYPERPARAMETERS } from '../../src/extension/training/defaults';
import {
  DIVERGENCE_BATCHES,
  DivergenceWatch,
  divergenceMessage,
  type Divergence,
} from '../../src/webview/training/divergence';
import { makeTranslate } from '../../src/shared/l10n/training';

const LN10 = Math.log(10);

/** Feeds [step, loss] readings; the first verdict and the index of the reading that gave it. */
function watch(readings: [number, number][], fromStep = 0): { verdict?: Divergence; at?: number } {
  const w = new DivergenceWatch(LN10, fromStep);
  for (let i = 0; i < readings.length; i++) {
    const verdict = w.observe(...readings[i]);
    if (verdict) return { verdict, at: i };
  }
  return {};
}

describe('training: divergence', () => {
  it('flags the tfjs trainer at learning rate 1 once the loss has stayed near 14 for 50 batches', () => {
    // Recorded on wasm (Adam, learning rate 1, batch 32): the first read after batch 1, then every 4–6 batches.
    const losses = [
      2.33, 13.98, 14.48, 14.48, 14.36, 14.23, 14.61, 14.61, 14.48, 14.61, 13.6, 14.81, 15.24, 15.24,
    ];
    const steps = [1, 5, 9, 14, 18, 23, 27, 31, 36, 40, 45, 49, 53, 58];
    const { verdict, at } = watch(steps.map((s, i) => [s, losses[i]]));
    assert.deepEqual(verdict, { kind: 'rising', step: 53, start: LN10, loss: 15.24, batches: 52 });
    assert.equal(at, 12);
  });

  it('flags our CPU engine, whose first reading (25 batches) has already climbed to 14', () => {
    const { verdict } = watch([
      [25, 14.05],
      [50, 14.3],
    ]);
    assert.equal(verdict?.kind, 'rising');
    assert.equal(verdict?.step, 50);
  });

  it('flags a loss that is not finite at once, NaN or Infinity', () => {
    for (const loss of [NaN, Infinity, -Infinity]) {
      assert.deepEqual(
        watch([
          [1, 2.3],
          [5, loss],
        ]).verdict,
        { kind: 'notFinite', step: 5, loss },
      );
    }
    assert.deepEqual(new DivergenceWatch(LN10).observeValidation(96, NaN), {
      kind: 'notFinite',
      step: 96,
      loss: NaN,
    });
    assert.equal(new DivergenceWatch(LN10).observeValidation(96, 14.2), undefined);
  });

  it('does not flag a run that learns, a spike shorter than 50 batches, or a run stuck at ln 10', () => {
    // Recorded on wasm at the default recipe (Adam from 0.003): the loss falls.
    const learning: [number, number][] = [2.31, 2.1, 1.62, 1.05, 0.78, 0.6, 0.52, 0.41, 0.44, 0.37].map(
      (l, i) => [1 + i * 10, l],
    );
    assert.equal(watch(learning).verdict, undefined);
    const spike: [number, number][] = [
      [25, 1.2],
      [50, 9],
      [74, 9],
      [99, 0.9],
      [124, 9],
      [148, 0.8],
    ];
    assert.equal(watch(spike).verdict, undefined, 'two spikes of 49 batches each');
    assert.equal(
      watch([...spike.slice(0, 3), [75, 9]]).verdict?.kind,
      'rising',
      'the same spike for 50 batches',
    );
    // SGD at learning rate 1 sits at chance (2.30) rather than climbing: not divergence by this rule.
    const stuck: [number, number][] = Array.from({ length: 40 }, (_, i) => [1 + 4 * i, 2.3 + (i % 3) * 0.01]);
    assert.equal(watch(stuck).verdict, undefined);
    // 3 × ln 10 is the line: at it, nothing; above it for the whole window, a verdict.
    assert.equal(
      watch([
        [25, 3 * LN10],
        [75, 3 * LN10],
      ]).verdict,
      undefined,
    );
    assert.equal(
      watch([
        [25, 3 * LN10 + 0.01],
        [DIVERGENCE_BATCHES, 3 * LN10 + 0.01],
      ]).verdict?.kind,
      'rising',
    );
  });

  it('counts a resumed run (another backend after a lost context) from where it resumed', () => {
    assert.equal(watch([[525, 14]], 500).verdict, undefined);
    assert.deepEqual(
      watch(
        [
          [525, 14],
          [550, 14],
        ],
        500,
      ).verdict,
      {
        kind: 'rising',
        step: 550,
        start: LN10,
        loss: 14,
        batches: 50,
      },
    );
  });

  it('says what happened and which smaller learning rate to try', () => {
    const t = makeTranslate();
    const hyper = { ...DEFAULT_HYPERPARAMETERS, learningRate: 1 };
    assert.equal(
      divergenceMessage(t, { kind: 'rising', step: 53, start: LN10, loss: 15.24, batches: 52 }, hyper),
      'The loss rose from 2.30 to 15.24 and stayed that high for 52 batches: the run diverged, so training ' +
        'stopped. Try a smaller learning rate than 1, such as 0.001.',
    );
    assert.equal(
      divergenceMessage(
        t,
        { kind: 'notFinite', step: 9, loss: NaN },
        { ...hyper, optimizer: 'sgd', learningRate: 0.5 },
      ),
      'The loss became NaN (not a finite number): the run diverged, so training stopped. Try a smaller ' +
        'learning rate than 0.5, such as 0.01.',
    );
    // Below Keras's default already: a tenth of it.
    assert.match(
      divergenceMessage(t, { kind: 'notFinite', step: 9, loss: Infinity }, { ...hyper, learningRate: 0.004 }),
      /^The loss became Infinity .* than 0\.004, such as 0\.0004\.$/,
    );
  });
});
