/**
 * The training panel's controller: loads MNIST once, chooses a backend, runs the trainer, turns its events
 * into the run record (posted to the host as the run goes) and into what the view shows.
 */
import * as tf from '@tensorflow/tfjs';
import {
  isBackendMeasurement,
  type BackendMeasurement,
  type BackendName,
  type Hyperparameters,
  type HostMessage,
  type RunLimits,
  type RunRecord,
  type TrainingPageConfig,
} from '../../shared/protocol/training';
import {
  activateBackend,
  chooseBackend,
  configureWasm,
  nextBackend,
  probeBackends,
  type BackendChoiceResult,
  type BackendProbe,
} from './backends';
import { measurementCandidates, measurementKey, usableMeasurement } from './backendChoice';
import { measureBackends } from './measure';
import { Curves } from './curves';
import { DataError, loadMnist, TEST_COUNT, TRAIN_COUNT, VALIDATION_COUNT, type Mnist } from './data';
import type { HostChannel } from './messaging';
import { buildModel, summarize } from './model';
import { divergenceMessage } from './divergence';
import { makeTranslate, type Translate } from '../../shared/l10n/training';
import { EngineTrainer } from './engineTrainer';
import { TfjsTrainer, type RunControl, type Trainer, type TrainingSizes } from './trainer';
import { backendLabel, TrainingView, type PanelState } from './view';
import { attachToTrainingPanel, type AttachedPlayground } from '../playground/attach';

/** How often the run so far is sent to the host (it persists it, so a closed panel keeps it). */
const UPDATE_EVERY_MS = 5_000;

export function trainingSizes(limits: RunLimits = {}): TrainingSizes {
  const fullTrain = TRAIN_COUNT - VALIDATION_COUNT;
  const trainSamples = Math.min(limits.trainSamples ?? fullTrain, fullTrain);
  // A short run validates on proportionally fewer images, so that validation does not dominate it.
  const valSamples =
    trainSamples >= fullTrain
      ? VALIDATION_COUNT
      : Math.min(VALIDATION_COUNT, Math.max(256, Math.round((trainSamples * VALIDATION_COUNT) / fullTrain)));
  const testSamples = Math.min(limits.testSamples ?? TEST_COUNT, TEST_COUNT);
  return { trainSamples, valSamples, testSamples };
}

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

export class TrainingApp implements RunControl {
  /** The tfjs instance the page trains with (its model and backends), for tests and later panel features. */
  readonly tf = tf;
  readonly t: Translate;
  readonly view: TrainingView;
  readonly curves: Curves;
  /** The Try it / Evaluate tabs (src/webview/playground). */
  readonly playground: AttachedPlayground;
  private data?: Promise<Mnist>;
  private probes?: Promise<BackendProbe[]>;
  private state: PanelState = 'idle';
  private pausedFlag = false;
  private stopFlag = false;
  private resumeWaiters: (() => void)[] = [];
  private readonly controlListeners = new Set<() => void>();
  /** The trainer of the last run; its model stays alive after the run (drawing, export). */
  trainer?: Trainer;
  run?: RunRecord;
  private lastUpdate = 0;
  /** Automatic's measurements: the latest one made here, then the page's saved one, then the host's. */
  private measurements: (BackendMeasurement | undefined)[] = [];
  /** How the last Automatic choice was made (tests read it): measured now, taken from a stored one, or neither. */
  lastChoiceBasis?: 'measured' | 'stored' | 'order';

  constructor(
    root: HTMLElement,
    private readonly config: TrainingPageConfig,
    private readonly host: HostChannel,
  ) {
    this.t = makeTranslate(config.strings);
    this.view = new TrainingView(root, this.t, {
      onTrain: () => void this.start(),
      onPause: () => this.pause(),
      onResume: () => this.resume(),
      onStop: () => this.stop(),
    });
    const saved = (host.getState() ?? config.state ?? {}) as {
      hyperparameters?: Hyperparameters;
      charts?: unknown;
      backendMeasurement?: unknown;
    };
    this.measurements = [saved.backendMeasurement, config.backendMeasurement].filter(isBackendMeasurement);
    // A state saved by an older version may lack newer fields; the host's settings fill them.
    this.view.setHyperparameters({ ...config.hyperparameters, ...saved.hyperparameters });
    this.curves = new Curves(
      this.view.chartsHost,
      this.t,
      config.strings,
      (file) => host.post({ type: 'saveFile', ...file }),
      saved.charts,
      (charts) => this.saveState({ charts }),
    );
    configureWasm(config.wasmPrefix);
    this.playground = attachToTrainingPanel({
      root,
      strings: config.strings,
      getModel: () => this.trainer?.model,
      getTestSet: async () => (await (this.data ??= loadMnist(this.config.data))).test,
      post: (m) => host.post(m),
    });
    host.onMessage((m) => this.onHostMessage(m));
  }

  private saveState(patch: Record<string, unknown>): void {
    const current = (this.host.getState() ?? {}) as Record<string, unknown>;
    this.host.setState({ ...current, ...patch });
  }

  /** Shows the model summary (built on tfjs's CPU backend, which needs no setup) and tells the host we are here. */
  async init(): Promise<void> {
    await activateBackend('cpu');
    const model = buildModel();
    const { layers, totalParams } = summarize(model);
    model.dispose();
    this.view.showSummary(layers, totalParams);
    this.probes = probeBackends({ engineAvailable: this.engineAvailable });
    const probes = await this.probes;
    const shown = this.view.readHyperparameters();
    const hyper = 'error' in shown ? this.config.hyperparameters : shown;
    const plan = this.automaticPlan(probes, hyper.batchSize);
    if (hyper.backend === 'auto' && plan && !plan.stored) {
      this.view.showBackend(chooseBackend(probes, 'auto'), probes, plan.candidates);
    } else {
      this.view.showBackend(chooseBackend(probes, hyper.backend, plan?.stored), probes);
    }
    this.host.post({ type: 'ready' });
  }

  private onHostMessage(m: HostMessage): void {
    if (this.playground.handleHostMessage(m)) return;
    switch (m.type) {
      case 'start':
        // A start the page does not follow is answered, so that the host (and whoever awaits the run) hears why.
        if (this.isRunning) return this.host.post({ type: 'startRefused', error: this.t('alreadyRunning') });
        if (m.hyperparameters) {
          const current = this.view.readHyperparameters();
          const base = 'error' in current ? this.config.hyperparameters : current;
          this.view.setHyperparameters({ ...base, ...m.hyperparameters });
        }
        void this.start(m.limits, true);
        return;
      case 'stop':
        return this.stop();
      case 'settings':
        if (!this.isRunning) this.view.setHyperparameters(m.hyperparameters);
        return;
      case 'history':
        return this.curves.showHistory(m.runs);
    }
  }

  get isRunning(): boolean {
    return (
      this.state === 'loading' ||
      this.state === 'measuring' ||
      this.state === 'training' ||
      this.state === 'paused'
    );
  }

  // ---- RunControl ----------------------------------------------------------------------------------------
  get stopRequested(): boolean {
    return this.stopFlag;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  subscribe(listener: () => void): () => void {
    this.controlListeners.add(listener);
    return () => this.controlListeners.delete(listener);
  }

  private notifyControl(): void {
    this.controlListeners.forEach((l) => l());
  }

  /** Our CPU engine is usable when the host shipped it and the page can start workers. */
  get engineAvailable(): boolean {
    return (
      this.config.engine !== undefined && typeof Worker === 'function' && typeof WebAssembly === 'object'
    );
  }

  waitWhilePaused(): Promise<void> {
    if (!this.pausedFlag || this.stopFlag) return Promise.resolve();
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  pause(): void {
    if (this.state !== 'training') return;
    this.pausedFlag = true;
    this.setState('paused');
    this.view.setStatus(this.t('paused'));
    this.notifyControl();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.pausedFlag = false;
    this.setState('training');
    this.resumeWaiters.splice(0).forEach((r) => r());
    this.notifyControl();
  }

  stop(): void {
    if (!this.isRunning) return;
    this.stopFlag = true;
    this.pausedFlag = false;
    this.resumeWaiters.splice(0).forEach((r) => r());
    this.notifyControl();
  }

  private setState(state: PanelState): void {
    this.state = state;
    this.view.setState(state);
  }

  // ---- a run ----------------------------------------------------------------------------------------------
  /** Starts a run with the fields' values; `fromHost`: a refusal is answered with `startRefused`. */
  async start(limits?: RunLimits, fromHost = false): Promise<void> {
    if (this.isRunning) return;
    const hyper = this.view.readHyperparameters();
    if ('error' in hyper) {
      this.view.setMessage(hyper.error);
      if (fromHost) this.host.post({ type: 'startRefused', error: hyper.error });
      return;
    }
    this.saveState({ hyperparameters: hyper });
    this.stopFlag = false;
    this.pausedFlag = false;
    this.view.setMessage('');
    this.setState('loading');
    this.view.setStatus(this.t('loadingData'));
    let data: Mnist;
    try {
      this.data ??= loadMnist(this.config.data);
      data = await this.data;
    } catch (e) {
      this.data = undefined;
      const message =
        e instanceof DataError
          ? this.t('dataError', e.file, e.detail)
          : this.t('failed', (e as Error).message);
      this.view.setMessage(message);
      this.view.setStatus('');
      this.setState('failed');
      this.host.post({ type: 'log', level: 'error', message });
      if (fromHost) this.host.post({ type: 'startRefused', error: message });
      return;
    }
    const sizes = trainingSizes(limits);
    let probes = await (this.probes ??= probeBackends({ engineAvailable: this.engineAvailable }));
    if (hyper.optimizer !== 'adam') {
      // The engine implements the article's optimizer only.
      probes = probes.map((p) =>
        p.name === 'onramp-cpu' && p.available
          ? { ...p, available: false, reason: { id: 'reasonEngineAdamOnly' } }
          : p,
      );
    }
    const choice = await this.chooseForRun(probes, hyper, data);
    this.view.showBackend(choice, probes);
    const run: RunRecord = {
      id: `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
      startedAt: Date.now(),
      durationMs: 0,
      status: 'running',
      hyperparameters: hyper,
      backend: choice.backend,
      trainSamples: sizes.trainSamples,
      testSamples: sizes.testSamples,
      epochsCompleted: 0,
      samplesPerSec: 0,
      curves: { trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [] },
      memory: [],
    };
    this.run = run;
    this.curves.startLive(run);
    const started = performance.now();
    try {
      await this.train(data, hyper, sizes, run, choice, probes);
    } catch (e) {
      run.status = 'failed';
      run.error = (e as Error).message ?? String(e);
      this.view.setMessage(this.t('failed', run.error));
      this.host.post({ type: 'log', level: 'error', message: `training failed: ${(e as Error).stack ?? e}` });
    }
    run.durationMs = Math.round(performance.now() - started);
    this.trainer?.releaseData();
    this.curves.endLive();
    this.setState(run.status === 'completed' ? 'finished' : run.status === 'stopped' ? 'stopped' : 'failed');
    this.host.post({ type: 'runFinished', run: structuredClone(run) });
    void this.playground.onRunFinished();
  }

  /** What Automatic compares here (two candidates at least) and a stored measurement that still holds. */
  private automaticPlan(probes: readonly BackendProbe[], batchSize: number) {
    const candidates = measurementCandidates(probes);
    if (candidates.length < 2) return undefined;
    const threads = typeof navigator === 'object' ? (navigator.hardwareConcurrency ?? 0) : 0;
    const key = measurementKey(probes, this.config.extensionVersion ?? 'unknown', batchSize, threads);
    return { candidates, key, stored: usableMeasurement(this.measurements, key, candidates) };
  }

  /**
   * The backend for this run: the user's choice, or Automatic's fastest by measurement. A missing or outdated
   * measurement is made now (about a second, shown as "measuring…"), kept in the page's state and sent to the
   * host, which keeps it across panels and reloads.
   */
  private async chooseForRun(
    probes: readonly BackendProbe[],
    hyper: Hyperparameters,
    data: Mnist,
  ): Promise<BackendChoiceResult> {
    const plan = hyper.backend === 'auto' ? this.automaticPlan(probes, hyper.batchSize) : undefined;
    if (!plan) {
      this.lastChoiceBasis = hyper.backend === 'auto' ? 'order' : undefined;
      return chooseBackend(probes, hyper.backend);
    }
    if (plan.stored) {
      this.lastChoiceBasis = 'stored';
      const choice = chooseBackend(probes, 'auto', plan.stored);
      this.host.post({
        type: 'log',
        level: 'info',
        message: `backend ${choice.backend} from the measurement of ${new Date(plan.stored.measuredAt).toISOString()}`,
      });
      return choice;
    }
    this.setState('measuring');
    this.view.showMeasuring(plan.candidates);
    const measuringStarted = performance.now();
    const results = await measureBackends(plan.candidates, {
      data,
      batchSize: hyper.batchSize,
      optimizer: hyper.optimizer,
      engine: this.config.engine,
      onMeasuring: (backend) => this.view.showMeasuring(plan.candidates, backend),
    });
    const measurement: BackendMeasurement = { key: plan.key, measuredAt: Date.now(), results };
    this.measurements = [measurement, ...this.measurements];
    this.saveState({ backendMeasurement: measurement });
    this.host.post({ type: 'backendMeasurement', measurement });
    this.host.post({
      type: 'log',
      level: 'info',
      message: `backend measurement in ${Math.round(performance.now() - measuringStarted)} ms (${plan.key}): ${results
        .map(
          (r) =>
            `${r.backend} ${r.samplesPerSec === null ? `failed: ${r.error}` : `${Math.round(r.samplesPerSec)} samples/s`}`,
        )
        .join(', ')}`,
    });
    this.setState('loading');
    this.lastChoiceBasis = 'measured';
    return chooseBackend(probes, 'auto', measurement);
  }

  private async train(
    data: Mnist,
    hyper: Hyperparameters,
    sizes: TrainingSizes,
    run: RunRecord,
    choice: BackendChoiceResult,
    probes: BackendProbe[],
  ): Promise<void> {
    const t = this.t;
    let backend: BackendName = choice.backend;
    let resume: { epochsCompleted: number; step: number; weights?: Float32Array[] } | undefined;
    this.trainer?.dispose();
    this.trainer = undefined;
    for (;;) {
      this.view.setStatus(t('preparing', backendLabel(backend, t)));
      await activateBackend(backend);
      run.backend = backend;
      const events = this.trainerEvents(run, hyper, sizes);
      const trainer: Trainer =
        backend === 'onramp-cpu'
          ? await EngineTrainer.create(this.config.engine!, data, hyper, sizes, events, resume)
          : new TfjsTrainer(backend, data, hyper, sizes, events, resume);
      this.trainer = trainer;
      this.setState(this.pausedFlag ? 'paused' : 'training');
      this.view.setStatus(t('training', backendLabel(backend, t)));
      const outcome = await trainer.train(this);
      run.epochsCompleted = trainer.epochsCompleted;
      run.samplesPerSec = trainer.samplesPerSec;
      if (outcome === 'contextLost') {
        const lost = backend;
        backend = nextBackend(probes, lost);
        this.view.setMessage(t('contextLost', backendLabel(backend, t)), 'info');
        this.host.post({
          type: 'log',
          level: 'warn',
          message: `WebGL context lost; continuing on ${backend}`,
        });
        resume = { epochsCompleted: trainer.epochsCompleted, step: trainer.step, weights: trainer.snapshot };
        trainer.dispose();
        this.trainer = undefined;
        try {
          tf.removeBackend(lost);
        } catch {
          // Already gone.
        }
        continue;
      }
      if (outcome === 'diverged') {
        run.status = 'diverged';
        run.error = divergenceMessage(t, trainer.divergence!, hyper);
        this.view.setMessage(run.error);
        this.view.setStatus('');
        this.host.post({ type: 'log', level: 'warn', message: `run ${run.id} diverged: ${run.error}` });
        return;
      }
      if (outcome === 'stopped') {
        run.status = 'stopped';
        this.view.setStatus(t('stopped'));
        return;
      }
      const test = await trainer.evaluateTest();
      run.testAccuracy = test.accuracy;
      run.testLoss = test.loss;
      run.status = 'completed';
      this.view.setMetric('test-accuracy', pct(test.accuracy));
      this.view.setStatus(t('finished', pct(test.accuracy)));
      this.view.setProgress(1);
      return;
    }
  }

  private trainerEvents(run: RunRecord, hyper: Hyperparameters, sizes: TrainingSizes) {
    const t = this.t;
    const totalBatches = hyper.epochs * Math.ceil(sizes.trainSamples / hyper.batchSize);
    return {
      onBatch: (m: import('./trainer').BatchMetrics) => {
        const wallTime = Date.now() / 1000;
        run.curves.trainLoss.push({ step: m.step, wallTime, value: m.loss });
        run.curves.trainAccuracy.push({ step: m.step, wallTime, value: m.accuracy });
        run.samplesPerSec = m.samplesPerSec;
        this.curves.appendTrain(m.step, wallTime, m.loss, m.accuracy);
        this.view.setMetric('batch-loss', m.loss.toFixed(4));
        this.view.setMetric('batch-accuracy', pct(m.accuracy));
        this.view.setMetric('speed', t('samplesPerSec', Math.round(m.samplesPerSec).toLocaleString('en-US')));
        this.view.setMetric('eta', formatDuration(m.etaSec));
        this.view.setProgress(m.step / totalBatches);
        if (this.state === 'training') {
          this.view.setStatus(
            `${t('training', backendLabel(run.backend, t))} · ${t('epochOf', m.epoch, hyper.epochs)}, ${t('batchOf', m.batch, m.batchesPerEpoch)}`,
          );
        }
        this.maybeUpdate(run);
      },
      onEpoch: (m: import('./trainer').EpochMetrics) => {
        const wallTime = Date.now() / 1000;
        run.curves.valLoss.push({ step: m.step, wallTime, value: m.valLoss });
        run.curves.valAccuracy.push({ step: m.step, wallTime, value: m.valAccuracy });
        run.memory.push(m.memory);
        run.epochsCompleted = m.epoch;
        this.curves.appendValidation(m.step, wallTime, m.valLoss, m.valAccuracy);
        this.view.setMetric('val-loss', m.valLoss.toFixed(4));
        this.view.setMetric('val-accuracy', pct(m.valAccuracy));
        this.maybeUpdate(run, true);
      },
    };
  }

  private maybeUpdate(run: RunRecord, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastUpdate < UPDATE_EVERY_MS) return;
    this.lastUpdate = now;
    run.durationMs = Date.now() - run.startedAt;
    this.host.post({ type: 'runUpdate', run: structuredClone(run) });
  }
}
