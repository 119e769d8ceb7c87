/**
 * The training panel's controller: loads MNIST once, chooses a backend, runs the trainer, turns its events
 * into the run record (posted to the host as the run goes) and into what the view shows.
 */
import * as tf from '@tensorflow/tfjs';
import {
  isBackendMeasurement,
  readArchitecture,
  type BackendName,
  type Hyperparameters,
  type HostMessage,
  type InsideView,
  type RunLimits,
  type RunRecord,
  type TrainingPageConfig,
} from '../../shared/protocol/training';
import {
  activateBackend,
  ADAPTER_WAIT_MS,
  chooseBackend,
  configureWasm,
  nextBackend,
  probeBackends,
  type BackendChoiceResult,
  type BackendProbe,
} from './backends';
import { AutomaticChoice } from './automatic';
import { Curves } from './curves';
import { DataError, loadMnist, type Mnist } from './data';
import type { HostChannel } from './messaging';
import { SEED } from '../../shared/architecture';
import type { Architecture } from '../../shared/model';
import { divergenceMessage } from './divergence';
import { makeTranslate, type Translate } from '../../shared/l10n/training';
import { engineTrainer } from './engineBackend';
import { attachToTrainingPanel, type AttachedPlayground } from './pageTabs';
import {
  newRunRecord,
  pct,
  recordBatch,
  recordEpoch,
  RunProgress,
  trainingSizes,
  UPDATE_EVERY_MS,
} from './runProgress';
import type { ModelChoice, Resume, Trainer, TrainingSizes } from './runner';
import { RunDiffView } from './runDiffView';
import { RunSwitch } from './runSwitch';
import { tfjsTrainer } from './tfjsBackend';
import {
  fineTunePlan,
  fineTuneSizes,
  runFineTune,
  type FineTunePlan,
  type FineTuneRequest,
} from './fineTune';
import { backendLabel, TrainingView, type PanelState } from './view';
import { FiltersView, type FiltersOrigin } from '../inside/filtersView';
import { architectureName } from './modelWords';
import { makeInsideTranslate } from '../../shared/l10n/inside';

export class TrainingApp {
  readonly t: Translate;
  readonly view: TrainingView;
  readonly curves: Curves;
  /** The Try it / Evaluate tabs (src/webview/playground), in the page's tab strip. */
  readonly playground: AttachedPlayground;
  /** The live filter view (src/webview/inside), under the curves. */
  readonly filters: FiltersView;
  /** Pause, resume and stop of the run, as the trainer reads them. */
  private readonly control = new RunSwitch();
  /** Automatic's choice of backend, with its measurements. */
  readonly automatic: AutomaticChoice;
  /** "What changed" between two runs, below the curves. */
  readonly runDiff: RunDiffView;
  private data?: Promise<Mnist>;
  private probes?: Promise<BackendProbe[]>;
  private state: PanelState = 'idle';
  /** The trainer of the last run; its model stays alive after the run (drawing, export). */
  trainer?: Trainer;
  run?: RunRecord;
  /** The record of the last fine-tune of Your examples (as it goes, then as it ended). */
  fineTuneRun?: RunRecord;
  /** The architecture the last run's trainer was built for (what its model is). */
  private trainedArchitecture?: Architecture;
  /** A fine-tune of "Your examples" is training (no run may start meanwhile, nor it during a run). */
  private fineTuning = false;
  /** The fine-tune's stop (its own: the panel's run switch belongs to the run). */
  private fineTuneControl?: RunSwitch;
  /** The record of the run (or fine-tune) whose model `trainer` holds: what a fine-tune says it started from. */
  private modelRun?: RunRecord;
  /** The trainer whose kernels the filter view shows (undefined: a model loaded from files, or none). */
  private filtersTrainer?: Trainer;
  /** What made `trainer`'s model: a run or a fine-tune of "Your examples". */
  private trainerKind: 'run' | 'fineTune' = 'run';

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
      architecture?: unknown;
      seed?: unknown;
    };
    // The latest measurement made here comes first, then the page's saved one, then the host's.
    this.automatic = new AutomaticChoice(
      config,
      [saved.backendMeasurement, config.backendMeasurement].filter(isBackendMeasurement),
      {
        post: (m) => host.post(m),
        save: (backendMeasurement) => this.saveState({ backendMeasurement }),
        onMeasuring: (candidates, backend) => {
          if (backend === undefined) this.setState('measuring');
          this.view.showMeasuring(candidates, backend);
        },
        onMeasured: () => this.setState('loading'),
      },
    );
    // A state saved by an older version may lack newer fields; the host's settings fill them.
    this.view.setHyperparameters({ ...config.hyperparameters, ...saved.hyperparameters });
    // The model the learner left, when the saved one is still one the editor builds (else the article's).
    if (saved.architecture !== undefined) {
      try {
        this.view.model.setArchitecture(readArchitecture(saved.architecture));
      } catch {
        // Saved by a version with other limits: the article's model stays.
      }
    }
    if (
      Number.isInteger(saved.seed) &&
      (saved.seed as number) >= SEED.min &&
      (saved.seed as number) <= SEED.max
    )
      this.view.model.setSeed(saved.seed as number);
    this.curves = new Curves(
      this.view.chartsHost,
      this.t,
      config.strings,
      (file) => host.post({ type: 'saveFile', ...file }),
      saved.charts,
      (charts) => this.saveState({ charts }),
    );
    this.filters = new FiltersView(makeInsideTranslate(config.strings), () =>
      host.post({ type: 'insideViewOpened', view: 'filters' }),
    );
    this.view.chartsHost.after(this.filters.element);
    this.runDiff = new RunDiffView(this.t);
    this.view.chartsHost.after(this.runDiff.element);
    configureWasm(config.wasmPrefix);
    this.playground = attachToTrainingPanel({
      root,
      strings: config.strings,
      getModel: () => this.trainer?.model,
      getArchitecture: () => this.trainedArchitecture,
      getTestSet: async () => (await (this.data ??= loadMnist(this.config.data))).test,
      post: (m) => host.post(m),
      backendLabel: (backend) => backendLabel(backend, this.t),
      onModelChange: () => this.followPlaygroundModel(),
      fineTune: {
        plan: (examples) => this.fineTunePlanFor(examples),
        run: (request, onStart) => this.fineTune(request, onStart),
        stop: () => this.stopFineTune(),
      },
    });
    host.onMessage((m) => this.onHostMessage(m));
  }

  private saveState(patch: Record<string, unknown>): void {
    const current = (this.host.getState() ?? {}) as Record<string, unknown>;
    this.host.setState({ ...current, ...patch });
  }

  /** Starts tfjs on its CPU backend (which needs no setup), probes the others and tells the host we are here. */
  async init(): Promise<void> {
    // Until `ready` the host holds its messages: a start that hangs leaves a dead panel, so the log names the step.
    let step = 'starting tfjs on its CPU backend';
    const slow = setTimeout(
      () => this.host.post({ type: 'log', level: 'warn', message: `panel start: still ${step} after 15 s` }),
      15_000,
    );
    let probes: BackendProbe[];
    try {
      await activateBackend('cpu');
      this.view.showCode();
      step = 'probing the backends';
      this.probes = probeBackends({ engineAvailable: this.engineAvailable });
      probes = await this.probes;
    } finally {
      clearTimeout(slow);
    }
    // The log says it in English, as the host's own lines do; the page says it in the learner's language.
    if (probes.some((p) => p.reason?.id === 'reasonAdapterLate')) {
      const message = `WebGPU gave no adapter within ${ADAPTER_WAIT_MS / 1000} s; this panel trains without it`;
      this.host.post({ type: 'log', level: 'warn', message });
    }
    const shown = this.view.readHyperparameters();
    const hyper = 'error' in shown ? this.config.hyperparameters : shown;
    const plan = this.automatic.plan(probes, hyper.batchSize);
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
        this.runDiff.addRuns(m.runs);
        return this.curves.showHistory(m.runs);
      case 'showInsideView':
        return this.showInsideView(m.view);
    }
  }

  /** Selects the view's tab and opens the view there (opening it tells the host, as a click would). */
  showInsideView(view: InsideView): void {
    if (view === 'filters') {
      this.playground.tabs.select('train');
      this.filters.reveal();
    } else {
      this.playground.tabs.select('try');
      this.playground.playground.inside.reveal();
    }
  }

  get isRunning(): boolean {
    return (
      this.fineTuning ||
      this.state === 'loading' ||
      this.state === 'measuring' ||
      this.state === 'training' ||
      this.state === 'paused'
    );
  }

  /** Our CPU engine is usable when the host shipped it and the page can start workers. */
  get engineAvailable(): boolean {
    return (
      this.config.engine !== undefined && typeof Worker === 'function' && typeof WebAssembly === 'object'
    );
  }

  pause(): void {
    if (this.state !== 'training') return;
    this.control.pause();
    this.setState('paused');
    this.view.setStatus(this.t('paused'));
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.setState('training');
    this.control.resume();
  }

  stop(): void {
    if (!this.isRunning) return;
    this.control.stop();
    this.stopFineTune();
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
    // The editor keeps Train off while the model cannot train; a start from the host hears the same reason.
    const blocked = this.view.model.reason();
    if (blocked !== undefined) {
      this.view.setMessage(blocked);
      if (fromHost) this.host.post({ type: 'startRefused', error: blocked });
      return;
    }
    const model = { architecture: this.view.architecture, seed: this.view.model.readSeed()! };
    this.saveState({ hyperparameters: hyper, architecture: model.architecture, seed: model.seed });
    this.control.reset();
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
    const probes = await (this.probes ??= probeBackends({ engineAvailable: this.engineAvailable }));
    const choice = await this.automatic.choose(probes, hyper, data);
    this.view.showBackend(choice, probes);
    const run = newRunRecord(hyper, choice.backend, sizes, model);
    this.run = run;
    this.curves.startLive(run);
    const started = performance.now();
    try {
      await this.train(data, hyper, model, sizes, run, choice, probes);
    } catch (e) {
      run.status = 'failed';
      run.error = (e as Error).message ?? String(e);
      this.view.setMessage(this.t('failed', run.error));
      this.host.post({ type: 'log', level: 'error', message: `training failed: ${(e as Error).stack ?? e}` });
    }
    run.durationMs = Math.round(performance.now() - started);
    this.trainer?.releaseData();
    this.filters.setLive(false);
    this.curves.endLive();
    this.setState(run.status === 'completed' ? 'finished' : run.status === 'stopped' ? 'stopped' : 'failed');
    this.host.post({ type: 'runFinished', run: structuredClone(run) });
    this.runDiff.addRuns([structuredClone(run)]);
    void this.playground.onRunFinished();
  }

  // ---- a fine-tune (Your examples) ---------------------------------------------------------------------------
  private fineTunePlanFor(examples: number): FineTunePlan {
    const shown = this.view.readHyperparameters();
    return fineTunePlan(examples, 'error' in shown ? this.config.hyperparameters : shown);
  }

  /**
   * Fine-tunes from `request.weights` on the backend the last run trained on (else Automatic's choice), and
   * makes the result the panel's model (Try it, Evaluate, export). It is a run of the history like any other
   * (`runUpdate` as it goes, `runFinished` at the end) whose record says what it is a fine-tune of. Stopped
   * (`stopFineTune`, or the panel's Stop), it is recorded as stopped and nothing of it is kept: the model stays
   * the one from before. Throws saying why it could not run.
   */
  async fineTune(
    request: FineTuneRequest,
    onStart?: (backend: BackendName, plan: FineTunePlan) => void,
  ): Promise<{ backend: BackendName; plan: FineTunePlan; outcome: 'completed' | 'stopped' }> {
    if (this.isRunning) throw new Error(this.t('alreadyRunning'));
    this.fineTuning = true;
    const control = (this.fineTuneControl = new RunSwitch());
    let run: RunRecord | undefined;
    const started = performance.now();
    try {
      const plan = this.fineTunePlanFor(request.labels.length);
      this.data ??= loadMnist(this.config.data);
      const data = await this.data;
      const probes = await (this.probes ??= probeBackends({ engineAvailable: this.engineAvailable }));
      const backend =
        this.trainer?.backend ?? (await this.automatic.choose(probes, plan.hyperparameters, data)).backend;
      if (control.stopRequested) return { backend, plan, outcome: 'stopped' };
      await activateBackend(backend);
      onStart?.(backend, plan);
      const base = request.fromFile === undefined ? this.modelRun : undefined;
      run = {
        ...newRunRecord(plan.hyperparameters, backend, fineTuneSizes(plan, data.test.count)),
        architecture: request.architecture,
        fineTune: {
          ...(base && { of: { runId: base.id, startedAt: base.startedAt } }),
          ...(request.fromFile !== undefined && { ofFile: request.fromFile }),
          examples: plan.examples,
          repeats: plan.repeats,
          mnistImages: plan.mnistImages,
        },
      };
      const record = (this.fineTuneRun = run);
      let lastUpdate = performance.now();
      const update = (force: boolean) => {
        if (!force && performance.now() - lastUpdate < UPDATE_EVERY_MS) return;
        lastUpdate = performance.now();
        record.durationMs = Math.round(performance.now() - started);
        this.host.post({ type: 'runUpdate', run: structuredClone(record) });
      };
      update(true);
      const trainer = await runFineTune(backend, this.config.engine, data, request, plan, control, {
        onBatch: (m) => (recordBatch(record, m), update(false)),
        onEpoch: (m) => (recordEpoch(record, m), update(true)),
      });
      if (!trainer) {
        record.status = 'stopped';
        return { backend, plan, outcome: 'stopped' };
      }
      const test = await trainer.evaluateTest();
      trainer.releaseData();
      record.testAccuracy = test.accuracy;
      record.testLoss = test.loss;
      record.samplesPerSec = trainer.samplesPerSec;
      record.status = 'completed';
      this.trainer?.dispose();
      this.trainer = trainer;
      this.trainedArchitecture = request.architecture;
      this.modelRun = record;
      this.trainerKind = 'fineTune';
      this.showTrainerFilters(trainer, request.architecture, false);
      await this.playground.onRunFinished();
      return { backend, plan, outcome: 'completed' };
    } catch (e) {
      if (run) {
        run.status = 'failed';
        run.error = (e as Error).message ?? String(e);
      }
      throw e;
    } finally {
      this.fineTuning = false;
      this.fineTuneControl = undefined;
      if (run) {
        run.durationMs = Math.round(performance.now() - started);
        this.host.post({ type: 'runFinished', run: structuredClone(run) });
        this.runDiff.addRuns([structuredClone(run)]);
      }
    }
  }

  /** Stops the fine-tune going, if one is: the model stays the one from before it. */
  stopFineTune(): void {
    this.fineTuneControl?.stop();
  }

  // ---- the filter view's model ---------------------------------------------------------------------------
  /** The filter view shows `trainer`'s kernels (read between batches while `live`). */
  private showTrainerFilters(trainer: Trainer, architecture: Architecture, live: boolean): void {
    if (this.filtersTrainer === trainer) return this.filters.setLive(live);
    this.filtersTrainer = trainer;
    const origin: FiltersOrigin = { kind: this.trainerKind, model: architectureName(this.t, architecture) };
    this.filters.show({ architecture, origin, read: (only) => trainer.weights(only) }, live);
  }

  /**
   * Try it's model changed: one loaded from files shows in the filter view too (the newest model wins, as in
   * Try it); back on the run's model (a finished run, "Use the latest run"), the view shows the trainer again.
   */
  private followPlaygroundModel(): void {
    const { source, classifier } = this.playground.playground;
    if (source?.kind === 'file' && classifier?.readModel) {
      // A loaded model's layers and weights are on the CPU already: this resolves at once.
      void classifier.readModel().then(
        (loaded) => {
          if (this.playground.playground.classifier !== classifier) return;
          this.filtersTrainer = undefined;
          const origin: FiltersOrigin = {
            kind: 'file',
            file: source.name,
            model: architectureName(this.t, loaded.architecture),
          };
          const read = async (only: readonly number[]) => only.map((i) => loaded.weights[i]);
          this.filters.show({ architecture: loaded.architecture, origin, read }, false);
        },
        (e: Error) => this.host.post({ type: 'log', level: 'warn', message: `filter view: ${e.message}` }),
      );
    } else if (source?.kind === 'run' && this.trainer && this.trainedArchitecture) {
      const live = this.state === 'training' || this.state === 'paused';
      this.showTrainerFilters(this.trainer, this.trainedArchitecture, live);
    }
  }

  /** Trains on the chosen backend; when a WebGL context is lost, goes on from the last epoch on the next one. */
  private async train(
    data: Mnist,
    hyper: Hyperparameters,
    model: ModelChoice,
    sizes: TrainingSizes,
    run: RunRecord,
    choice: BackendChoiceResult,
    probes: BackendProbe[],
  ): Promise<void> {
    const t = this.t;
    let backend: BackendName = choice.backend;
    let resume: Resume | undefined;
    this.trainer?.dispose();
    this.trainer = undefined;
    this.trainedArchitecture = model.architecture;
    this.modelRun = run;
    const events = new RunProgress(run, hyper, sizes, {
      view: this.view,
      curves: this.curves,
      t,
      isTraining: () => this.state === 'training',
      update: (r) => this.host.post({ type: 'runUpdate', run: structuredClone(r) }),
    });
    for (;;) {
      this.view.setStatus(t('preparing', backendLabel(backend, t)));
      await activateBackend(backend);
      run.backend = backend;
      const trainer: Trainer =
        backend === 'onramp-cpu'
          ? await engineTrainer(this.config.engine!, data, hyper, sizes, events, resume, model)
          : tfjsTrainer(backend, data, hyper, sizes, events, resume, model);
      this.trainer = trainer;
      if (trainer.detail) this.host.post({ type: 'log', level: 'info', message: trainer.detail });
      this.trainerKind = 'run';
      this.showTrainerFilters(trainer, model.architecture, true);
      this.setState(this.control.paused ? 'paused' : 'training');
      this.view.setStatus(t('training', backendLabel(backend, t)));
      const outcome = await trainer.train(this.control);
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
}
