/**
 * Automatic's choice of backend for a run: the user's choice as it is, or the fastest by measurement. A
 * missing or outdated measurement is made now (about a second, shown as "measuring…"), kept in the page's state
 * and sent to the host, which keeps it across panels and reloads.
 */
import type {
  BackendMeasurement,
  BackendName,
  Hyperparameters,
  TrainingPageConfig,
  WebviewMessage,
} from '../../shared/protocol/training';
import {
  chooseBackend,
  measurementCandidates,
  measurementKey,
  usableMeasurement,
  type BackendChoiceResult,
  type BackendProbe,
} from './backendChoice';
import type { Mnist } from './data';
import { measureBackends } from './measure';

export interface AutomaticHooks {
  post(message: WebviewMessage): void;
  /** Keeps a new measurement in the page's state. */
  save(measurement: BackendMeasurement): void;
  /** A measurement starts (`backend` undefined), or moves on to `backend`. */
  onMeasuring(candidates: BackendName[], backend?: BackendName): void;
  /** The measurement is over. */
  onMeasured(): void;
}

export class AutomaticChoice {
  /** How the last Automatic choice was made: measured now, taken from a stored one, or neither. */
  lastBasis?: 'measured' | 'stored' | 'order';

  /** @param measurements the latest one made here first, then the page's saved one, then the host's. */
  constructor(
    private readonly config: TrainingPageConfig,
    private measurements: BackendMeasurement[],
    private readonly hooks: AutomaticHooks,
  ) {}

  /** What Automatic compares here (two candidates at least) and a stored measurement that still holds. */
  plan(probes: readonly BackendProbe[], batchSize: number) {
    const candidates = measurementCandidates(probes);
    if (candidates.length < 2) return undefined;
    const threads = typeof navigator === 'object' ? (navigator.hardwareConcurrency ?? 0) : 0;
    const key = measurementKey(probes, this.config.extensionVersion ?? 'unknown', batchSize, threads);
    return { candidates, key, stored: usableMeasurement(this.measurements, key, candidates) };
  }

  /** The backend for this run. */
  async choose(
    probes: readonly BackendProbe[],
    hyper: Hyperparameters,
    data: Mnist,
  ): Promise<BackendChoiceResult> {
    const { post } = this.hooks;
    const plan = hyper.backend === 'auto' ? this.plan(probes, hyper.batchSize) : undefined;
    if (!plan) {
      this.lastBasis = hyper.backend === 'auto' ? 'order' : undefined;
      return chooseBackend(probes, hyper.backend);
    }
    if (plan.stored) {
      this.lastBasis = 'stored';
      const choice = chooseBackend(probes, 'auto', plan.stored);
      post({
        type: 'log',
        level: 'info',
        message: `backend ${choice.backend} from the measurement of ${new Date(plan.stored.measuredAt).toISOString()}`,
      });
      return choice;
    }
    this.hooks.onMeasuring(plan.candidates);
    const measuringStarted = performance.now();
    const results = await measureBackends(plan.candidates, {
      data,
      batchSize: hyper.batchSize,
      optimizer: hyper.optimizer,
      engine: this.config.engine,
      onMeasuring: (backend) => this.hooks.onMeasuring(plan.candidates, backend),
    });
    const measurement: BackendMeasurement = { key: plan.key, measuredAt: Date.now(), results };
    this.measurements = [measurement, ...this.measurements];
    this.hooks.save(measurement);
    post({ type: 'backendMeasurement', measurement });
    post({
      type: 'log',
      level: 'info',
      message: `backend measurement in ${Math.round(performance.now() - measuringStarted)} ms (${plan.key}): ${results
        .map(
          (r) =>
            `${r.backend} ${r.samplesPerSec === null ? `failed: ${r.error}` : `${Math.round(r.samplesPerSec)} samples/s`}`,
        )
        .join(', ')}`,
    });
    this.hooks.onMeasured();
    this.lastBasis = 'measured';
    return chooseBackend(probes, 'auto', measurement);
  }
}
