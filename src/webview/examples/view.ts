/**
 * "Your examples": the learner draws a digit on the playground's pad (same preprocessing, so an example is the
 * same 28×28 the model sees), labels it with any digit and adds it; a counter per digit; the examples as
 * thumbnails, each deletable, and all at once (the host asks first); how the current model reads them (accuracy
 * per digit, and the ones it gets wrong); a fine-tune from the current weights on MNIST plus the examples, with
 * per-digit accuracy on the examples and on the test set before and after, side by side; an IDX export.
 * The host keeps the list (a file in global storage): every change goes to it, and the list it sends back is
 * what is shown.
 *
 * Keyboard: the pad as in Try it (arrows, Space, Delete), a digit key on the pad picks the label, the label
 * buttons are a radio group (arrow keys), every thumbnail has its own delete button.
 */
import { perClassAccuracy, type ClassAccuracy } from '../../shared/examples/perClass';
import { makeExamplesTranslate, type ExamplesTranslate } from '../../shared/l10n/examples';
import { makePlaygroundTranslate } from '../../shared/l10n/playground';
import { ARTICLE_MODEL, CLASSES, IMAGE_PIXELS, type Architecture } from '../../shared/model';
import type {
  BackendName,
  HostMessage,
  LearnerExample,
  WebviewMessage,
} from '../../shared/protocol/training';
import { el } from '../common/dom';
import { button, type Button } from '../common/button';
import { DrawPad } from '../playground/drawPad';
import { digitCanvas, evaluateClassifier, paintDigit, type TestSet } from '../playground/evaluation';
import { fromBase64, toBase64 } from '../playground/export';
import { argMax, type Classifier } from '../playground/forward';
import { perClassTable, type PerClassColumn } from '../playground/perClassTable';
import { MNIST_SIZE, preprocessDigit } from '../playground/preprocess';
import './examples.css';

/** What a fine-tune is made of (the training page's fineTune.ts has the same shape). */
export interface FineTuneRequest {
  architecture: Architecture;
  weights: Float32Array[];
  images: Uint8Array;
  labels: Uint8Array;
  /** The model file it starts from, when the model was loaded from files. */
  fromFile?: string;
}

export interface FineTunePlanFigures {
  mnistImages: number;
  repeats: number;
  learningRate: number;
}

/** The training page's fine-tune (it owns the data, the backends and the model). */
export interface FineTuneHooks {
  plan(examples: number): FineTunePlanFigures;
  /** 'stopped': `stop` was called, and the model is still the one from before. */
  run(
    request: FineTuneRequest,
    onStart?: (backend: BackendName, plan: FineTunePlanFigures) => void,
  ): Promise<{ backend: BackendName; plan: FineTunePlanFigures; outcome: 'completed' | 'stopped' }>;
  /** Stops the fine-tune going (nothing of it is applied). */
  stop(): void;
}

export interface ExamplesOptions {
  strings?: Readonly<Record<string, string>>;
  post(message: WebviewMessage): void;
  /** The model Try it and Evaluate use now, if any. */
  classifier(): Classifier | undefined;
  /** The file the current model was loaded from, if it was (a fine-tune's record names it). */
  modelFile?(): string | undefined;
  /** Takes the last run's model when there is none yet (the playground's refresh). */
  refreshModel(): Promise<void>;
  getTestSet(): Promise<TestSet>;
  fineTune?: FineTuneHooks;
  /** A test hook: the test set's first n images only, before and after a fine-tune. */
  evaluationCount?: number;
  /** The name of a backend, as the Train tab says it. */
  backendLabel?(backend: BackendName): string;
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}\u00a0%`);

/** What the model says for each example. */
export interface ExampleReading {
  predicted: Uint8Array;
  perClass: ClassAccuracy[];
  correct: number;
}

/**
 * Reads every example with `classifier`; `known` (an example's id → the answer this classifier gave it) spares
 * the ones read before, so adding the 500th example does not read the other 499 again.
 */
export function readExamples(
  classifier: Classifier,
  images: Uint8Array,
  labels: Uint8Array,
  ids?: readonly string[],
  known?: Map<string, number>,
): ExampleReading {
  const predicted = new Uint8Array(labels.length);
  const probs = new Float32Array(CLASSES);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const id = ids?.[i];
    let answer = id !== undefined ? known?.get(id) : undefined;
    if (answer === undefined) {
      classifier.predictBytes(images, i * IMAGE_PIXELS, probs);
      answer = argMax(probs);
      if (id !== undefined) known?.set(id, answer);
    }
    predicted[i] = answer;
    if (answer === labels[i]) correct++;
  }
  return { predicted, perClass: perClassAccuracy(labels, predicted), correct };
}

/** The architecture and weights (tfjs order) of the model behind a classifier: where a fine-tune starts. */
export async function startingPoint(classifier: Classifier): Promise<{
  architecture: Architecture;
  weights: Float32Array[];
}> {
  if (classifier.weights) {
    const w = classifier.weights;
    return { architecture: ARTICLE_MODEL, weights: [w.convKernel, w.convBias, w.denseKernel, w.denseBias] };
  }
  if (classifier.readModel) {
    const trained = await classifier.readModel();
    return { architecture: trained.architecture, weights: [...trained.weights] };
  }
  throw new Error('this model has no weights to start from');
}

const overall = (rows: readonly ClassAccuracy[]) => {
  const count = rows.reduce((s, r) => s + r.count, 0);
  return count ? rows.reduce((s, r) => s + r.correct, 0) / count : undefined;
};

export class ExamplesView {
  readonly element: HTMLElement;
  readonly pad: DrawPad;
  readonly t: ExamplesTranslate;
  /** The list as the host last sent it (plus changes sent since, until it answers). */
  examples: LearnerExample[] = [];
  label = 0;
  private readonly pixels = new Map<string, Uint8Array>();
  private readonly preview = el('canvas', {
    class: 'playground-preview',
    width: String(MNIST_SIZE),
    height: String(MNIST_SIZE),
  });
  private readonly labelButtons: HTMLButtonElement[] = [];
  private readonly status = el('p', { id: 'examples-status', role: 'status', 'aria-live': 'polite' });
  private readonly listTitle = el('h3', { id: 'examples-list-title' });
  private readonly list = el('ol', {
    class: 'examples-list',
    id: 'examples-list',
    'aria-labelledby': 'examples-list-title',
  });
  private readonly fileStatus = el('p', {
    id: 'examples-file-status',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly modelSummary = el('p', {
    id: 'examples-model-summary',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly modelTable = el('div', { id: 'examples-per-class' });
  private readonly wrong = el('div', { class: 'playground-gallery', id: 'examples-wrong' });
  private readonly fineTuneHint = el('p', { class: 'playground-hint', id: 'examples-fine-tune-hint' });
  private readonly fineTuneStatus = el('p', {
    id: 'examples-fine-tune-status',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly beforeAfter = el('div', { id: 'examples-before-after' });
  private readonly buttons: Record<
    'add' | 'clear' | 'deleteAll' | 'export' | 'fineTune' | 'stopFineTune',
    Button
  >;
  private reading?: ExampleReading;
  /** What each model said of each example (a model's answers stay what they were; a new model has none). */
  private readonly answers = new WeakMap<Classifier, Map<string, number>>();
  private requestCount = 0;
  private exportRequest?: string;
  private busy = false;
  /** Stop was pressed during this fine-tune (before its training began, or during it). */
  private stopRequested = false;
  /** A fine-tune is going and has not finished training (Stop can still keep the model from before). */
  private stoppable = false;

  constructor(private readonly options: ExamplesOptions) {
    const t = (this.t = makeExamplesTranslate(options.strings));
    this.pad = new DrawPad({
      label: t('padLabel'),
      className: 'examples-pad-canvas',
      onChange: () => this.showPreview(),
    });
    this.pad.canvas.addEventListener('keydown', (e) => {
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        this.setLabel(Number(e.key));
      }
    });
    this.buttons = {
      add: button('examples-add', 'add', t('add', 0), () => this.add(), false),
      clear: button('examples-clear', 'trash', t('clear'), () => this.pad.clear()),
      deleteAll: button('examples-delete-all', 'clear-all', t('deleteAll'), () =>
        this.options.post({ type: 'deleteAllExamples' }),
      ),
      export: button('examples-export', 'export', t('export'), () => this.export()),
      fineTune: button('examples-fine-tune', 'sparkle', t('fineTune'), () => void this.fineTune(), false),
      stopFineTune: button('examples-fine-tune-stop', 'debug-stop', t('stopFineTune'), () =>
        this.stopFineTune(),
      ),
    };
    this.buttons.stopFineTune.title = t('stopFineTuneHint');
    this.buttons.stopFineTune.disabled = true;
    const group = el('div', { class: 'examples-labels', role: 'radiogroup', 'aria-label': t('labelGroup') });
    for (let d = 0; d < CLASSES; d++) {
      const b = el('button', {
        type: 'button',
        role: 'radio',
        'data-digit': String(d),
        class: 'examples-label',
      });
      b.addEventListener('click', () => this.setLabel(d));
      this.labelButtons.push(b);
      group.append(b);
    }
    group.addEventListener('keydown', (e) => this.onLabelKey(e));
    this.list.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-delete]');
      if (b) this.delete(b.dataset.delete!);
    });
    const titleId = 'examples-title';
    this.element = el(
      'section',
      { class: 'examples', 'aria-labelledby': titleId },
      el('h2', { id: titleId }, t('title')),
      el('p', { class: 'playground-hint' }, t('hint')),
      el(
        'div',
        { class: 'playground-row' },
        el('div', { class: 'playground-pad-column' }, this.pad.element),
        el(
          'figure',
          { class: 'playground-input' },
          this.preview,
          el('figcaption', {}, makePlaygroundTranslate(options.strings)('modelInput')),
        ),
        el(
          'div',
          { class: 'examples-add-column' },
          group,
          el('div', { class: 'playground-buttons' }, this.buttons.add, this.buttons.clear),
          this.status,
        ),
      ),
      this.listTitle,
      this.list,
      el('div', { class: 'playground-buttons' }, this.buttons.export, this.buttons.deleteAll),
      el('p', { class: 'playground-hint' }, t('exportHint')),
      this.fileStatus,
      el('h3', {}, t('modelTitle')),
      this.modelSummary,
      this.modelTable,
      el('h4', {}, t('wrongTitle')),
      this.wrong,
      el('h3', {}, t('fineTuneTitle')),
      this.fineTuneHint,
      el('div', { class: 'playground-buttons' }, this.buttons.fineTune, this.buttons.stopFineTune),
      this.fineTuneStatus,
      this.beforeAfter,
    );
    this.setLabel(0);
    this.render();
  }

  // ---- adding --------------------------------------------------------------------------------------------

  setLabel(digit: number): void {
    this.label = digit;
    this.labelButtons.forEach((b, d) => {
      b.setAttribute('aria-checked', String(d === digit));
      b.tabIndex = d === digit ? 0 : -1;
    });
    this.buttons.add.textContent = this.t('add', digit);
  }

  private onLabelKey(e: KeyboardEvent): void {
    const step: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    let next: number | undefined;
    if (e.key in step) next = (this.label + step[e.key] + CLASSES) % CLASSES;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = CLASSES - 1;
    else if (/^[0-9]$/.test(e.key)) next = Number(e.key);
    if (next === undefined) return;
    e.preventDefault();
    this.setLabel(next);
    this.labelButtons[next].focus();
  }

  /** The drawing as the model sees it, 784 bytes; undefined for a blank pad. */
  private drawing(): Uint8Array | undefined {
    if (this.pad.isBlank) return undefined;
    const input = preprocessDigit(this.pad.ink())?.input;
    return input && Uint8Array.from(input, (v) => Math.round(v * 255));
  }

  private showPreview(): void {
    const bytes = this.drawing();
    if (bytes) paintDigit(this.preview, bytes);
    else this.preview.getContext('2d')?.clearRect(0, 0, MNIST_SIZE, MNIST_SIZE);
  }

  /** Adds the drawing with the chosen label; returns the example, or undefined for a blank pad. */
  add(): LearnerExample | undefined {
    const bytes = this.drawing();
    if (!bytes) {
      this.status.textContent = this.t('drawFirst');
      return undefined;
    }
    const example: LearnerExample = {
      id: `ex-${Date.now().toString(36)}-${(++this.requestCount).toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
      label: this.label,
      pixels: toBase64(bytes),
      addedAt: Date.now(),
    };
    this.pixels.set(example.id, bytes);
    this.examples = [...this.examples, example];
    this.options.post({ type: 'addExample', example });
    this.pad.clear();
    this.render();
    this.status.textContent = this.t('added', example.label, this.counts()[example.label]);
    return example;
  }

  delete(id: string): void {
    const at = this.examples.findIndex((e) => e.id === id);
    if (at < 0) return;
    this.examples = this.examples.filter((e) => e.id !== id);
    this.options.post({ type: 'deleteExamples', ids: [id] });
    this.render();
    // Focus stays in the list: on the example that took its place, else the one before, else the pad.
    const buttons = this.list.querySelectorAll<HTMLButtonElement>('button[data-delete]');
    (buttons[Math.min(at, buttons.length - 1)] ?? this.pad.canvas).focus();
  }

  private export(): void {
    this.exportRequest = `examples-${Date.now().toString(36)}-${++this.requestCount}`;
    this.options.post({ type: 'exportExamples', requestId: this.exportRequest });
  }

  counts(): number[] {
    const counts = new Array<number>(CLASSES).fill(0);
    for (const e of this.examples) counts[e.label]++;
    return counts;
  }

  private bytesOf(e: LearnerExample): Uint8Array {
    let bytes = this.pixels.get(e.id);
    if (!bytes) this.pixels.set(e.id, (bytes = fromBase64(e.pixels)));
    return bytes;
  }

  /** The examples as one image block and their labels (what the classifier and a fine-tune take). */
  private asArrays(): { images: Uint8Array; labels: Uint8Array } {
    const images = new Uint8Array(this.examples.length * IMAGE_PIXELS);
    const labels = new Uint8Array(this.examples.length);
    this.examples.forEach((e, i) => {
      images.set(this.bytesOf(e), i * IMAGE_PIXELS);
      labels[i] = e.label;
    });
    return { images, labels };
  }

  // ---- showing -------------------------------------------------------------------------------------------

  private render(): void {
    const t = this.t;
    const counts = this.counts();
    this.labelButtons.forEach((b, d) => {
      b.replaceChildren(
        el('span', { class: 'digit' }, String(d)),
        el('span', { class: 'count' }, String(counts[d])),
      );
      b.setAttribute('aria-label', t('labelButton', d, counts[d]));
      b.dataset.count = String(counts[d]);
    });
    this.listTitle.textContent = t('listTitle', this.examples.length);
    this.list.replaceChildren(
      ...(this.examples.length
        ? this.examples.map((e, i) => {
            const name = t('thumbnail', i + 1, e.label);
            return el(
              'li',
              { 'data-id': e.id, 'data-label': String(e.label), title: name },
              digitCanvas(this.bytesOf(e)),
              el('span', { class: 'examples-caption' }, String(e.label)),
              el(
                'button',
                {
                  type: 'button',
                  class: 'examples-delete',
                  'data-delete': e.id,
                  'aria-label': t('deleteOne', i + 1, e.label),
                  title: t('deleteOne', i + 1, e.label),
                },
                el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }),
              ),
            );
          })
        : [el('li', { class: 'examples-empty' }, t('listEmpty'))]),
    );
    this.buttons.deleteAll.disabled = this.examples.length === 0;
    this.buttons.export.disabled = this.examples.length === 0;
    const plan = this.options.fineTune?.plan(this.examples.length);
    this.fineTuneHint.textContent = t('fineTuneHint', (plan?.mnistImages ?? 0).toLocaleString('en-US'), 5);
    this.showReading();
  }

  /** How the current model reads the examples (after every change of the list or of the model). */
  showReading(): void {
    const t = this.t;
    const classifier = this.options.classifier();
    this.buttons.fineTune.disabled =
      this.busy || !classifier || this.examples.length === 0 || !this.options.fineTune;
    this.buttons.stopFineTune.disabled = !this.stoppable || this.stopRequested;
    if (!classifier || this.examples.length === 0) {
      this.reading = undefined;
      this.modelSummary.textContent = classifier ? t('noExamples') : t('noModel');
      this.modelTable.replaceChildren();
      this.wrong.replaceChildren();
      return;
    }
    const { images, labels } = this.asArrays();
    let known = this.answers.get(classifier);
    if (!known) this.answers.set(classifier, (known = new Map()));
    const ids = this.examples.map((e) => e.id);
    const reading = (this.reading = readExamples(classifier, images, labels, ids, known));
    this.modelSummary.textContent = t(
      'summary',
      reading.correct,
      labels.length,
      pct(reading.correct / labels.length),
    );
    this.modelSummary.dataset.correct = String(reading.correct);
    this.modelTable.replaceChildren(
      perClassTable(
        makePlaygroundTranslate(this.options.strings),
        [{ title: t('yours'), key: 'yours', rows: reading.perClass }],
        makePlaygroundTranslate(this.options.strings)('perClassTitle'),
      ),
    );
    const wrong = this.examples
      .map((e, i) => ({ e, i }))
      .filter(({ i }) => reading.predicted[i] !== labels[i]);
    this.wrong.replaceChildren(
      ...(wrong.length
        ? wrong.map(({ e, i }) => {
            const caption = t('thumbnailRead', i + 1, e.label, reading.predicted[i]);
            const fig = el(
              'figure',
              { 'data-id': e.id },
              digitCanvas(this.bytesOf(e)),
              el('figcaption', {}, `${e.label} → ${reading.predicted[i]}`),
            );
            fig.title = caption;
            fig.setAttribute('aria-label', caption);
            return fig;
          })
        : [el('p', {}, t('noneWrong'))]),
    );
    // The list's thumbnails say what the model read too.
    for (const li of this.list.querySelectorAll<HTMLElement>('li[data-id]')) {
      const i = this.examples.findIndex((e) => e.id === li.dataset.id);
      if (i >= 0) li.classList.toggle('wrong', reading.predicted[i] !== labels[i]);
    }
  }

  /** Takes the host's list (and the answer to an export); returns whether the message was one of these. */
  handleHostMessage(m: HostMessage): boolean {
    if (m.type === 'examples') {
      this.examples = m.examples;
      const ids = new Set(m.examples.map((e) => e.id));
      for (const id of this.pixels.keys()) if (!ids.has(id)) this.pixels.delete(id);
      this.render();
      return true;
    }
    if (m.type === 'examplesExported') {
      if (m.requestId !== this.exportRequest) return true;
      this.exportRequest = undefined;
      this.fileStatus.textContent =
        m.outcome === 'saved'
          ? this.t('exported', (m.files ?? []).join(', '), m.folder ?? '')
          : m.outcome === 'cancelled'
            ? this.t('cancelled')
            : this.t('exportFailed', m.error ?? '');
      return true;
    }
    return false;
  }

  // ---- fine-tune ------------------------------------------------------------------------------------------

  private async testReading(classifier: Classifier): Promise<ClassAccuracy[]> {
    const set = await this.options.getTestSet();
    const result = await evaluateClassifier(classifier, set, { count: this.options.evaluationCount });
    return perClassAccuracy(set.labels, result.predicted, result.count);
  }

  /** Says that the fine-tune was stopped, and that the model is the one from before (which it checks). */
  private showStopped(before: Classifier): void {
    if (this.options.classifier() !== before) throw new Error('a stopped fine-tune changed the model');
    this.fineTuneStatus.textContent = this.t('fineTuneStopped');
    this.fineTuneStatus.dataset.state = 'stopped';
  }

  /** Stops the fine-tune going: the model stays the one from before it (nothing of it is applied). */
  stopFineTune(): void {
    if (!this.stoppable || this.stopRequested) return;
    this.stopRequested = true;
    this.fineTuneStatus.textContent = this.t('fineTuneStopping');
    this.options.fineTune?.stop();
    this.showReading();
  }

  /** Fine-tunes the current model on MNIST + the examples, then shows before and after. */
  async fineTune(): Promise<void> {
    const t = this.t;
    const hooks = this.options.fineTune;
    if (this.busy || !hooks) return;
    await this.options.refreshModel();
    const before = this.options.classifier();
    if (!before) return void (this.fineTuneStatus.textContent = t('noModel'));
    if (this.examples.length === 0) return void (this.fineTuneStatus.textContent = t('noExamples'));
    this.busy = true;
    this.stoppable = true;
    this.stopRequested = false;
    this.showReading();
    this.fineTuneStatus.dataset.state = 'running';
    const started = performance.now();
    try {
      const { images, labels } = this.asArrays();
      const ids = this.examples.map((e) => e.id).join();
      this.fineTuneStatus.textContent = t('fineTuneEvaluating');
      const yoursBefore = readExamples(before, images, labels).perClass;
      const testBefore = await this.testReading(before);
      const label = (b: BackendName) => this.options.backendLabel?.(b) ?? b;
      const fromFile = this.options.modelFile?.();
      const request = { ...(await startingPoint(before)), images, labels, ...(fromFile && { fromFile }) };
      if (this.stopRequested) return this.showStopped(before);
      const { backend, outcome } = await hooks.run(request, (b, plan) => {
        if (this.stopRequested) return;
        this.fineTuneStatus.textContent = t(
          'fineTuning',
          label(b),
          plan.mnistImages.toLocaleString('en-US'),
          labels.length,
          plan.repeats,
        );
      });
      // Trained (or stopped): from here there is nothing left to stop.
      this.stoppable = false;
      if (outcome === 'stopped') return this.showStopped(before);
      const after = this.options.classifier();
      if (!after || after === before) throw new Error('the fine-tuned model did not arrive');
      this.fineTuneStatus.textContent = t('fineTuneEvaluating');
      const yoursAfter = readExamples(after, images, labels).perClass;
      const testAfter = await this.testReading(after);
      const columns: PerClassColumn[] = [
        { title: t('yoursBefore'), key: 'yours-before', rows: yoursBefore },
        { title: t('yoursAfter'), key: 'yours-after', rows: yoursAfter },
        { title: t('testBefore'), key: 'test-before', rows: testBefore },
        { title: t('testAfter'), key: 'test-after', rows: testAfter },
      ];
      this.beforeAfter.replaceChildren(
        perClassTable(makePlaygroundTranslate(this.options.strings), columns, t('beforeAfterTitle')),
      );
      this.beforeAfter.dataset.examples = ids;
      this.fineTuneStatus.textContent = t(
        'fineTuned',
        label(backend),
        ((performance.now() - started) / 1000).toFixed(1),
        pct(overall(yoursBefore)),
        pct(overall(yoursAfter)),
        pct(overall(testBefore)),
        pct(overall(testAfter)),
      );
      this.fineTuneStatus.dataset.state = 'done';
    } catch (e) {
      this.fineTuneStatus.textContent = t('fineTuneFailed', (e as Error).message);
      this.fineTuneStatus.dataset.state = 'failed';
      this.options.post({
        type: 'log',
        level: 'error',
        message: `fine-tune failed: ${(e as Error).stack ?? e}`,
      });
    } finally {
      this.busy = false;
      this.stoppable = false;
      this.showReading();
    }
  }
}
