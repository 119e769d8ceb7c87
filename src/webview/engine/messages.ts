/** Messages between the onramp CPU engine's driver (./engine.ts) and its workers (./workerCore.ts). */
import type { Architecture } from '../../shared/model';
import type { OptimizerName } from '../../shared/protocol/training';
import type { KernelKind } from './kernels';

export type KernelPreference = 'auto' | 'wasm' | 'ts';

export interface TrainRequest {
  /** Index of the first batch (to continue an epoch that was stopped). */
  startBatch: number;
  batchSize: number;
  learningRate: number;
  /** When > 0, the learning rate decays along a half cosine to 0 over this many updates of the run. */
  decaySteps: number;
  /** The run's update count before this epoch's first batch (the decay's position at batch 0). */
  stepOffset: number;
  /** The update rule after every batch (Adam with beta1/beta2/epsilon, SGD, or RMSprop with Keras's rho). */
  optimizer: OptimizerName;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Seeds the epoch's shuffle and, with the step number, every Dropout mask of the epoch. */
  shuffleSeed: number;
  /** The leader reports progress after every this many batches. */
  progressEvery: number;
}

export type DriverToWorker =
  | {
      type: 'init';
      id: number;
      rank: number;
      size: number;
      wasm: ArrayBuffer | null;
      kernels: KernelPreference;
      /** One port per other worker, indexed by rank (null at this worker's own rank). */
      peers: (MessagePort | null)[];
    }
  | { type: 'setData'; id: number; images: Uint8Array; labels: Uint8Array }
  /** Parameters in the layout of the kernels that train `architecture` (answered with 'ready'). */
  | {
      type: 'setParams';
      id: number;
      architecture: Architecture;
      params: Float32Array;
      resetOptimizer: boolean;
    }
  /**
   * The parameters (answered with 'params'); with `ranges` ([offset, length] pairs), only those slices, one
   * after the other. Answered between batches while an epoch trains (the live filter view's reads).
   */
  | { type: 'getParams'; id: number; ranges?: number[] }
  | ({
      type: 'train';
      id: number;
      epochId: number;
      /** Held from the start: pause() came between epochs (the leader waits for resume before batch one). */
      paused: boolean;
    } & TrainRequest)
  | { type: 'evaluate'; id: number; images: Uint8Array; labels: Uint8Array }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export interface ProgressReport {
  /** Batches done in this epoch (1-based count). */
  batch: number;
  batches: number;
  /** Mean loss and accuracy over the batches since the previous report. */
  loss: number;
  acc: number;
  /** Running mean loss and accuracy over the epoch so far. */
  epochLoss: number;
  epochAcc: number;
  /** Training samples per second over the epoch so far (pauses excluded). */
  samplesPerSec: number;
  samples: number;
}

export interface TrainDone {
  completedBatches: number;
  batches: number;
  stopped: boolean;
  /** The loss became NaN or infinite (the epoch stopped there). */
  diverged: boolean;
  lossSum: number;
  correct: number;
  samples: number;
  /** Wall time of the epoch (pauses excluded) and, of it, time waiting for the other workers. */
  ms: number;
  syncMs: number;
}

export type WorkerToDriver =
  | { type: 'ready'; id: number; kind: KernelKind }
  | { type: 'ok'; id: number }
  | { type: 'params'; id: number; params: Float32Array }
  | ({ type: 'progress'; id: number } & ProgressReport)
  | ({ type: 'trainDone'; id: number } & TrainDone)
  | { type: 'evaluated'; id: number; lossSum: number; correct: number; count: number }
  | { type: 'error'; id?: number; message: string };

/** Worker-to-worker message of one training step. */
export type PeerMessage =
  | { epochId: number; step: number; rank: number; grads: Float32Array; lossSum: number; correct: number }
  | { epochId: number; step: number; rank: number; abort: true };
