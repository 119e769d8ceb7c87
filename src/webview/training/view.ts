/**
 * The panel's DOM: controls (vscode-elements), status and metrics, backend with reasons, curves, and the model
 * editor (./modelEditor.ts) beside the Keras code of what it holds. Only rendering and reading controls here; app.ts decides.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import {
  HYPERPARAMETERS,
  isValidHyperparameter,
  type Hyperparameters,
  type NumericKey,
} from '../../shared/hyperparameters';
import type { BackendChoiceResult, BackendProbe } from './backendChoice';
import { kerasCode } from './kerasCode';
import { ModelEditor } from './modelEditor';
import type { Architecture } from '../../shared/model';
import type { Translate } from '../../shared/l10n/training';
import { el } from '../common/dom';

type Field = HTMLElement & { value: string; disabled: boolean; invalid?: boolean };

export type PanelState =
  'idle' | 'loading' | 'measuring' | 'training' | 'paused' | 'finished' | 'stopped' | 'failed';

export interface ViewHandlers {
  onTrain(): void;
  onPause(): void;
  onResume(): void;
  onStop(): void;
}

export class TrainingView {
  readonly chartsHost: HTMLElement;
  private readonly fields: {
    epochs: Field;
    batchSize: Field;
    learningRate: Field;
    schedule: Field;
    optimizer: Field;
    backend: Field;
  };
  private readonly buttons: { train: Field; pause: Field; resume: Field; stop: Field };
  private readonly status = el('div', { id: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly message = el('div', { id: 'message', role: 'alert' });
  private readonly progress = el('vscode-progress-bar', { id: 'progress', hidden: '' }) as HTMLElement & {
    value: number;
    max: number;
    indeterminate: boolean;
  };
  private readonly metrics = new Map<string, HTMLElement>();
  private readonly backendName = el('strong', { id: 'backend-name' });
  private readonly backendReasons = el('ul', { id: 'backend-reasons' });
  /** The model the run trains: layers, shapes, parameters, problems, seed. */
  readonly model: ModelEditor;
  /** Why Train is off although nothing runs (the model cannot train), shown beside the button. */
  private readonly trainBlocked = el('p', { id: 'train-blocked', class: 'train-blocked', hidden: '' });
  private state: PanelState = 'idle';
  private readonly kerasCode = el('pre', { id: 'keras-code' });

  constructor(
    root: HTMLElement,
    private readonly t: Translate,
    handlers: ViewHandlers,
  ) {
    // The range is the schema's. The browser flags a value off the grid min + k·step, and vscode-textfield takes
    // no step "any": a fractional field steps by its minimum (0.000001), on whose grid 0.003 and 1 both lie.
    const numberField = (id: string, key: NumericKey) => {
      const { min, max, integer } = HYPERPARAMETERS[key];
      const step = integer ? '1' : String(min);
      const attrs = { id, type: 'number', min: String(min), max: String(max), step };
      return el('vscode-textfield', attrs) as unknown as Field;
    };
    const select = (id: string, options: readonly string[], labels: (o: string) => string) => {
      const s = el('vscode-single-select', { id }) as unknown as Field;
      for (const o of options) s.append(el('vscode-option', { value: o }, labels(o)));
      return s;
    };
    this.fields = {
      epochs: numberField('epochs', 'epochs'),
      batchSize: numberField('batch-size', 'batchSize'),
      learningRate: numberField('learning-rate', 'learningRate'),
      schedule: select('schedule', HYPERPARAMETERS.schedule.values, (o) =>
        o === 'cosine' ? t('scheduleCosine') : t('scheduleConstant'),
      ),
      optimizer: select('optimizer', HYPERPARAMETERS.optimizer.values, optimizerLabel),
      backend: select('backend', HYPERPARAMETERS.backend.values, (o) =>
        o === 'auto' ? t('backendAuto') : backendLabel(o, t),
      ),
    };
    const button = (id: string, label: string, icon: string, secondary: boolean, onClick: () => void) => {
      const b = el(
        'vscode-button',
        { id, icon, ...(secondary ? { secondary: '' } : {}) },
        label,
      ) as unknown as Field;
      b.addEventListener('click', () => {
        if (!b.disabled) onClick();
      });
      return b;
    };
    this.buttons = {
      train: button('train', t('train'), 'play', false, handlers.onTrain),
      pause: button('pause', t('pause'), 'debug-pause', true, handlers.onPause),
      resume: button('resume', t('resume'), 'debug-continue', true, handlers.onResume),
      stop: button('stop', t('stop'), 'debug-stop', true, handlers.onStop),
    };
    const labelled = (label: string, field: Field) =>
      el('div', { class: 'field' }, el('vscode-label', { for: field.id }, label), field);
    const controls = el(
      'section',
      { class: 'controls', 'aria-label': t('train') },
      labelled(t('epochs'), this.fields.epochs),
      labelled(t('batchSize'), this.fields.batchSize),
      labelled(t('learningRate'), this.fields.learningRate),
      labelled(t('schedule'), this.fields.schedule),
      labelled(t('optimizer'), this.fields.optimizer),
      labelled(t('backend'), this.fields.backend),
      el(
        'div',
        { class: 'buttons' },
        this.buttons.train,
        this.buttons.pause,
        this.buttons.resume,
        this.buttons.stop,
      ),
    );
    const metric = (id: string, label: string) => {
      const value = el('span', { class: 'value', id: `metric-${id}` }, t('notYet'));
      this.metrics.set(id, value);
      return el('div', { class: 'metric' }, el('span', { class: 'label' }, label), value);
    };
    const metrics = el(
      'section',
      { class: 'metrics' },
      metric('batch-loss', t('batchLoss')),
      metric('batch-accuracy', t('batchAccuracy')),
      metric('val-loss', t('valLoss')),
      metric('val-accuracy', t('valAccuracy')),
      metric('speed', t('speed')),
      metric('eta', t('timeLeft')),
      metric('test-accuracy', t('testAccuracy')),
    );
    const backend = el(
      'section',
      { class: 'backend' },
      el('span', { class: 'codicon codicon-server-process', 'aria-hidden': 'true' }),
      ' ',
      this.backendName,
      el('details', {}, el('summary', {}, t('backendWhy')), this.backendReasons),
    );
    this.chartsHost = el('section', { id: 'charts', class: 'charts', 'aria-label': t('curves') });
    this.model = new ModelEditor(t, () => this.onModelChange());
    const summary = el(
      'section',
      { class: 'model', 'aria-labelledby': 'model-title' },
      this.model.element,
      el('div', { class: 'code' }, el('h2', {}, t('kerasCode')), this.kerasCode),
    );
    root.replaceChildren(
      el('header', {}, el('h1', {}, t('title')), el('p', { class: 'subtitle' }, t('subtitle'))),
      controls,
      this.trainBlocked,
      el('div', { class: 'status-row' }, this.status, this.progress),
      this.message,
      backend,
      metrics,
      this.chartsHost,
      summary,
    );
    for (const field of Object.values(this.fields)) field.addEventListener('change', () => this.showCode());
    this.setState('idle');
  }

  /** The stack or seed changed: the Keras code follows, and Train is off (with the reason) while it cannot train. */
  private onModelChange(): void {
    this.showCode();
    this.setState(this.state);
  }

  /** The architecture the editor shows. */
  get architecture(): Architecture {
    return this.model.architecture;
  }

  setHyperparameters(h: Hyperparameters): void {
    this.fields.epochs.value = String(h.epochs);
    this.fields.batchSize.value = String(h.batchSize);
    this.fields.learningRate.value = String(h.learningRate);
    this.fields.schedule.value = h.schedule;
    this.fields.optimizer.value = h.optimizer;
    this.fields.backend.value = h.backend;
    this.showCode();
  }

  /**
   * The Keras code for what the controls say now (left as it was while a field is invalid). The app calls it
   * once more after start-up: a vscode-single-select reports the value it was given only once it has rendered.
   */
  showCode(): void {
    const h = this.readHyperparameters();
    if ('error' in h) return;
    this.kerasCode.textContent = kerasCode(h, undefined, this.model.architecture);
  }

  /** Reads and checks the controls; marks bad fields and returns an error message instead. */
  readHyperparameters(): Hyperparameters | { error: string } {
    const num = (key: NumericKey) => {
      const field = this.fields[key];
      const v = Number(field.value);
      const ok = field.value.trim() !== '' && isValidHyperparameter(key, v);
      field.invalid = !ok;
      return ok ? v : undefined;
    };
    const epochs = num('epochs');
    const batchSize = num('batchSize');
    const learningRate = num('learningRate');
    for (const [key, v] of [
      ['epochs', epochs],
      ['batchSize', batchSize],
      ['learningRate', learningRate],
    ] as const) {
      if (v === undefined) {
        const { min, max } = HYPERPARAMETERS[key];
        return { error: this.t('invalidInput', this.t(key), min, max) };
      }
    }
    return {
      epochs: epochs!,
      batchSize: batchSize!,
      learningRate: learningRate!,
      schedule: this.fields.schedule.value as Hyperparameters['schedule'],
      optimizer: this.fields.optimizer.value as Hyperparameters['optimizer'],
      backend: this.fields.backend.value as Hyperparameters['backend'],
    };
  }

  setState(state: PanelState): void {
    this.state = state;
    document.body.dataset.state = state;
    const running =
      state === 'training' || state === 'paused' || state === 'loading' || state === 'measuring';
    const blocked = this.model.reason();
    this.buttons.train.disabled = running || blocked !== undefined;
    this.trainBlocked.textContent = blocked ?? '';
    this.trainBlocked.hidden = running || blocked === undefined;
    this.model.setDisabled(running);
    this.buttons.pause.disabled = state !== 'training';
    this.buttons.pause.hidden = state === 'paused';
    this.buttons.resume.hidden = state !== 'paused';
    this.buttons.stop.disabled = !running;
    for (const f of Object.values(this.fields)) f.disabled = running;
    this.progress.hidden = !running;
    if (state === 'loading' || state === 'measuring') this.progress.indeterminate = true;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  setProgress(fraction: number): void {
    this.progress.indeterminate = false;
    this.progress.max = 100;
    this.progress.value = Math.round(fraction * 100);
  }

  /** An error or notice; '' clears it. */
  setMessage(text: string, kind: 'error' | 'info' = 'error'): void {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
    this.message.hidden = text === '';
  }

  setMetric(id: string, text: string): void {
    const m = this.metrics.get(id);
    if (m) m.textContent = text;
  }

  /**
   * The backend that runs (or, with `toMeasure`, the candidates Automatic will measure when training starts)
   * and every other backend's reason.
   */
  showBackend(
    choice: BackendChoiceResult,
    probes: readonly BackendProbe[],
    toMeasure?: readonly string[],
  ): void {
    const t = this.t;
    const probe = probes.find((p) => p.name === choice.backend);
    const detail = probe?.renderer ? ` (${t(probe.hardware ? 'hardware' : 'software', probe.renderer)})` : '';
    this.backendName.dataset.backend = choice.backend;
    delete this.backendName.dataset.measuring;
    if (toMeasure) this.backendName.dataset.toMeasure = toMeasure.join(',');
    else delete this.backendName.dataset.toMeasure;
    this.backendName.textContent = toMeasure
      ? t('backendToMeasure', toMeasure.map((name) => backendLabel(name, t)).join(', '))
      : choice.measuredSamplesPerSec !== undefined
        ? t(
            'backendMeasured',
            backendLabel(choice.backend, t) + detail,
            Math.round(choice.measuredSamplesPerSec).toLocaleString('en-US'),
          )
        : t('backendChosen', backendLabel(choice.backend, t) + detail);
    const items = choice.skipped.map(({ name, reason }) =>
      el('li', { 'data-backend': name }, `${backendLabel(name, t)}: ${t(reason.id, ...(reason.args ?? []))}`),
    );
    if (choice.fallback) {
      const r = choice.fallback.reason;
      const why = t(r.id, ...(r.args ?? []));
      this.setMessage(
        t(
          'reasonUnavailableChosen',
          backendLabel(choice.fallback.chosen, t),
          why,
          backendLabel(choice.backend, t),
        ),
        'info',
      );
    }
    this.backendReasons.replaceChildren(...items);
  }

  /** The visible "measuring…" state while Automatic times each candidate. */
  showMeasuring(candidates: readonly string[], current?: string): void {
    this.backendName.dataset.measuring = candidates.join(',');
    this.backendName.textContent = current
      ? this.t('measuringBackend', backendLabel(current, this.t))
      : this.t('measuring');
    this.setStatus(this.backendName.textContent);
  }
}

/** A backend's name as the panel shows it, in the panel's language. */
export function backendLabel(name: string, t: Translate): string {
  return (
    {
      webgpu: 'WebGPU',
      webgl: 'WebGL',
      wasm: t('backendWasm'),
      cpu: t('backendCpu'),
      'onramp-cpu': t('backendOnrampCpu'),
    }[name] ?? name
  );
}

/** An optimizer's name as Keras writes it. */
export function optimizerLabel(name: string): string {
  return ({ adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' } as Record<string, string>)[name] ?? name;
}
