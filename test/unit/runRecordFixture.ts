// A sample training run record as the page sends it and the history keeps it: one finished short run on tfjs
// WASM with a point in each kind of curve (a null validation loss among them) and one memory entry. Shared by
// the tests of the run record's validator and of what reads runs, so that they check one shape.
import type { RunRecord } from '../../src/shared/protocol/training';

/** The sample run, with `extra` fields set over it (an architecture, a seed, other hyperparameters). */
export function sampleRun(extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'run-1',
    startedAt: 1_700_000_000_000,
    durationMs: 1234,
    status: 'completed',
    hyperparameters: {
      epochs: 1,
      batchSize: 32,
      learningRate: 0.003,
      schedule: 'cosine',
      optimizer: 'adam',
      backend: 'wasm',
    },
    backend: 'wasm',
    trainSamples: 512,
    testSamples: 100,
    epochsCompleted: 1,
    samplesPerSec: 900,
    testAccuracy: 0.9,
    testLoss: 0.3,
    curves: {
      trainLoss: [{ step: 1, wallTime: 1_700_000_000, value: 2.3 }],
      trainAccuracy: [{ step: 1, wallTime: 1_700_000_000, value: 0.1 }],
      valLoss: [{ step: 16, wallTime: 1_700_000_001, value: null as unknown as number }],
      valAccuracy: [],
    },
    memory: [{ epoch: 1, numTensors: 30, numBytes: 4096 }],
    ...extra,
  };
}
