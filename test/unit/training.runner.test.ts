// The epoch runner (src/webview/training/runner.ts) over a scripted backend: what a run is (resume, steps,
// samples/s, schedule, stop, divergence, a lost device) is the runner's, whichever backend trains.
import assert from 'node:assert/strict';
import type { Hyperparameters } from '../../src/shared/protocol/training';
import { cosineDecayedRate } from '../../src/shared/model';
import {
  EpochRunner,
  type BatchMetrics,
  type EpochContext,
  type EpochDone,
  type EpochMetrics,
  type EpochPlan,
  type RunControl,
  type TrainingBackend,
} from '../../src/webview/training/runner';

const SIZES = { trainSamples: 320, valSamples: 64, testSamples: 100 };
const HYPER: Hyperparameters = {
  epochs: 3,
  batchSize: 32,
  learningRate: 0.01,
  schedule: 'constant',
  optimizer: 'adam',
  backend: 'wasm',
};

/** Reports every `every` batches with the next loss of `losses` (2.0 once they run out); 10 ms a batch. */
class ScriptedBackend implements TrainingBackend {
  readonly name = 'wasm' as const;
  readonly plans: EpochPlan[] = [];
  readonly answers: boolean[] = [];
  finished = 0;
  lostAfterEpoch?: number;
  memoryFigure?: { numTensors: number; numBytes: number } = { numTensors: 8, numBytes: 1000 };

  constructor(
    private readonly losses: number[] = [],
    private readonly every = 5,
  ) {}

  async trainEpoch(plan: EpochPlan, context: EpochContext): Promise<EpochDone> {
    this.plans.push(plan);
    let samples = 0;
    let batches = 0;
    for (let b = 0; b < plan.batchesPerEpoch; b++) {
      if (context.halted) break;
      batches++;
      samples += Math.min(plan.batchSize, SIZES.trainSamples - b * plan.batchSize);
      if (batches % this.every === 0 || b === plan.batchesPerEpoch - 1) {
        const loss = this.losses.shift() ?? 2;
        this.answers.push(context.report({ batch: batches, samples, ms: batches * 10, loss, accuracy: 0.5 }));
      }
    }
    return { batches, samples, ms: batches * 10, stopped: context.control.stopRequested };
  }

  async evaluate(): Promise<{ loss: number; accuracy: number }> {
    return { loss: 1.5, accuracy: 0.6 };
  }

  async weights(): Promise<Float32Array[]> {
    return [new Float32Array([this.plans.length])];
  }

  memory() {
    return this.memoryFigure;
  }

  isLost(): boolean {
    return this.lostAfterEpoch !== undefined && this.plans.length >= this.lostAfterEpoch;
  }

  async finish(): Promise<void> {
    this.finished++;
  }

  releaseData(): void {}
  dispose(): void {}
}

function control(stopRequested = false): RunControl {
  return { stopRequested, paused: false, waitWhilePaused: () => Promise.resolve() };
}

function events() {
  const batches: BatchMetrics[] = [];
  const epochs: EpochMetrics[] = [];
  return {
    batches,
    epochs,
    onBatch: (m: BatchMetrics) => batches.push(m),
    onEpoch: (m: EpochMetrics) => epochs.push(m),
  };
}

describe('training: the epoch runner', () => {
  it('trains the epochs after a resumed run, on one step count, with samples/s over the training time', async () => {
    const backend = new ScriptedBackend();
    const ev = events();
    const runner = new EpochRunner(backend, HYPER, SIZES, ev, { epochsCompleted: 1, step: 10 });
    assert.equal(await runner.train(control()), 'completed');
    assert.deepEqual(
      backend.plans.map((p) => [p.epoch, p.startStep, p.batchesPerEpoch]),
      [
        [2, 10, 10],
        [3, 20, 10],
      ],
    );
    assert.deepEqual(
      ev.batches.map((b) => [b.epoch, b.batch, b.step]),
      [
        [2, 5, 15],
        [2, 10, 20],
        [3, 5, 25],
        [3, 10, 30],
      ],
    );
    // 32 samples in 10 ms a batch: 3,200 samples/s, and 320 samples (a tenth of a second) left after epoch 2.
    assert.equal(ev.batches[1].samplesPerSec, 3200);
    assert.equal(ev.batches[1].etaSec, 0.1);
    assert.equal(runner.samplesPerSec, 3200);
    assert.equal(runner.epochsCompleted, 3);
    assert.equal(runner.step, 30);
    assert.deepEqual(runner.snapshot, [new Float32Array([2])]);
    assert.deepEqual(
      ev.epochs.map((e) => [e.epoch, e.step, e.valLoss, e.memory]),
      [
        [2, 20, 1.5, { epoch: 2, numTensors: 8, numBytes: 1000 }],
        [3, 30, 1.5, { epoch: 3, numTensors: 8, numBytes: 1000 }],
      ],
    );
    assert.equal(backend.finished, 1);
  });

  it('gives every backend the same cosine schedule: per batch, and as the engine takes it', async () => {
    const backend = new ScriptedBackend();
    await new EpochRunner(backend, { ...HYPER, schedule: 'cosine' }, SIZES, events()).train(control());
    const second = backend.plans[1];
    assert.deepEqual(second.schedule, { learningRate: 0.01, cosineDecay: { steps: 30, offset: 10 } });
    assert.equal(second.learningRate(3), cosineDecayedRate(0.01, 13, 30));
    const constant = new ScriptedBackend();
    await new EpochRunner(constant, HYPER, SIZES, events()).train(control());
    assert.deepEqual(constant.plans[1].schedule, { learningRate: 0.01, cosineDecay: undefined });
    assert.equal(constant.plans[1].learningRate(3), 0.01);
  });

  it('ends a run whose loss is not finite at once, without a curve point for that reading', async () => {
    const backend = new ScriptedBackend([2.3, NaN, 2.0]);
    const ev = events();
    const runner = new EpochRunner(backend, HYPER, SIZES, ev);
    assert.equal(await runner.train(control()), 'diverged');
    assert.deepEqual(backend.answers, [true, false]);
    assert.deepEqual(
      ev.batches.map((b) => b.loss),
      [2.3],
    );
    assert.deepEqual(runner.divergence, { kind: 'notFinite', step: 10, loss: NaN });
    assert.equal(runner.epochsCompleted, 0);
    assert.equal(backend.finished, 1);
  });

  it('ends a run whose loss stays far above its start, after showing the reading that decided it', async () => {
    // Readings at 14 every 5 batches: the 50 batches above 3 × ln 10 are up at step 50, the fifth epoch's last.
    const backend = new ScriptedBackend(Array(20).fill(14));
    const ev = events();
    const runner = new EpochRunner(backend, { ...HYPER, epochs: 10 }, SIZES, ev);
    assert.equal(await runner.train(control()), 'diverged');
    assert.equal(runner.divergence?.kind, 'rising');
    assert.equal(runner.divergence?.step, 50);
    assert.equal(ev.batches.at(-1)!.step, 50);
    assert.equal(backend.answers.at(-1), false);
  });

  it('stops when asked, and gives no memory figure for a backend that has none', async () => {
    const stopped = new ScriptedBackend();
    assert.equal(await new EpochRunner(stopped, HYPER, SIZES, events()).train(control(true)), 'stopped');
    assert.equal(stopped.plans.length, 0);
    const noMemory = new ScriptedBackend();
    noMemory.memoryFigure = undefined;
    const ev = events();
    await new EpochRunner(noMemory, HYPER, SIZES, ev).train(control());
    assert.deepEqual(
      ev.epochs.map((e) => e.memory),
      [undefined, undefined, undefined],
    );
  });

  it('says contextLost when the backend has lost its device, keeping the epochs finished before', async () => {
    const backend = new ScriptedBackend();
    backend.lostAfterEpoch = 2;
    const runner = new EpochRunner(backend, HYPER, SIZES, events());
    assert.equal(await runner.train(control()), 'contextLost');
    assert.equal(runner.epochsCompleted, 1);
    assert.deepEqual(runner.snapshot, [new Float32Array([1])]);
    assert.equal(backend.finished, 1);
  });
});
