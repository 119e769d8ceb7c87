/**
 * The playground: what the newcomer does with the model they trained. Draw a digit and watch the ten
 * probabilities move; evaluate on the test set (accuracy, confusion matrix, most confident mistakes); save the
 * model (TensorFlow.js files and a NumPy .npz) to a folder through the host, and load a saved one of any
 * architecture back (./files.ts);
 * look inside the network at every layer's output for the digit drawn (src/webview/inside/activations.ts).
 *
 * ```ts
 * const playground = mountPlayground(container, {
 *   strings: config.strings,                 // `playground.<id>` keys, English where missing
 *   getWeights: () => app.currentWeights(),  // the last run's weights, tfjs/Keras layout, or undefined
 *   getTestSet: () => data.then((d) => d.test),
 *   post: (m) => host.post(m),
 * });
 * host.onMessage((m) => playground.handleHostMessage(m));
 * void playground.refresh();                 // after every finished run
 * ```
 * `tryElement` and `evaluateElement` are the two sections, for a host that puts them on separate tabs.
 */
import type { HostMessage, WebviewMessage } from '../../shared/protocol/training';
import { el } from '../common/dom';
import { button, type Button } from '../common/button';
import { ActivationsView } from '../inside/activations';
import { DrawPad, type PadChange } from './drawPad';
import {
  EvaluationView,
  evaluateClassifier,
  paintDigit,
  type EvaluationResult,
  type TestSet,
} from './evaluation';
import { arraysToWeights } from './export';
import { PlaygroundFiles } from './files';
import { createClassifier, CLASSES, type Classifier, type ModelWeights } from './forward';
import { createArraysClassifier } from './modelClassifier';
import { LivePredictor, type Prediction } from './predict';
import { MNIST_PIXELS, MNIST_SIZE } from './preprocess';
import { makePlaygroundTranslate, type PlaygroundTranslate } from '../../shared/l10n/playground';
import { sameArchitecture } from '../../shared/architecture';
import { ARTICLE_MODEL, type TrainedModel } from '../../shared/model';
import './playground.css';

export type { ModelWeights } from './forward';
export type { TestSet, EvaluationResult } from './evaluation';
export { PLAYGROUND_STRINGS, STRING_PREFIX } from '../../shared/l10n/playground';

export interface PlaygroundOptions {
  /** Translated strings keyed `playground.<id>` (see strings.ts); English for any missing. */
  strings?: Readonly<Record<string, string>>;
  /** The weights of the last trained model, or undefined when nothing has been trained yet. */
  getWeights(): Promise<ModelWeights | undefined>;
  /**
   * A classifier of the last trained model when it is not the article's (the fast forward pass of ./forward.ts
   * is the article's); undefined otherwise, and then `getWeights` is asked.
   */
  getClassifier?(): Promise<Classifier | undefined>;
  /** The MNIST test set (loaded once by the caller). */
  getTestSet(): Promise<TestSet>;
  /** Sends saveModelFiles / loadModelFiles / log / insideViewOpened to the host. */
  post(message: WebviewMessage): void;
  /** A test hook (see training/testHooks.ts): evaluate on the first n test images only; default all. */
  evaluationCount?: number;
  /** Told when the model in use changes (a run's, a loaded one), after the change. */
  onModelChange?(): void;
}

export type ModelSource = { kind: 'run' } | { kind: 'file'; name: string };

const pct = (v: number) => `${(v * 100).toFixed(1)}\u00a0%`;

export class Playground {
  readonly tryElement: HTMLElement;
  readonly evaluateElement: HTMLElement;
  readonly pad: DrawPad;
  readonly predictor: LivePredictor;
  readonly t: PlaygroundTranslate;
  /** "Look inside": every layer's output for the digit on the pad. */
  readonly inside: ActivationsView;
  classifier?: Classifier;
  source?: ModelSource;
  lastPrediction?: Prediction;
  lastEvaluation?: EvaluationResult;
  private readonly preview = el('canvas', {
    class: 'playground-preview',
    width: String(MNIST_SIZE),
    height: String(MNIST_SIZE),
  });
  private readonly bars: { fill: HTMLElement; value: HTMLElement; row: HTMLElement }[] = [];
  private readonly verdict = el('p', { id: 'playground-verdict', role: 'status', 'aria-live': 'polite' });
  private readonly modelLine = el('p', { id: 'playground-model' });
  private readonly files: PlaygroundFiles;
  private readonly evaluation: EvaluationView;
  private readonly buttons: Record<
    'clear' | 'sample' | 'useRun' | 'save' | 'load' | 'python' | 'evaluate',
    Button
  >;
  private evaluating = false;

  constructor(private readonly options: PlaygroundOptions) {
    const t = (this.t = makePlaygroundTranslate(options.strings));
    this.pad = new DrawPad({ label: t('padLabel'), onChange: (c) => this.onPadChange(c) });
    this.predictor = new LivePredictor(
      () => (this.pad.isBlank ? undefined : this.pad.ink()),
      () => this.classifier,
      (p) => this.showPrediction(p),
    );
    this.files = new PlaygroundFiles(
      t,
      (m) => options.post(m),
      () => this.classifier,
      (model, name) => this.useLoaded(model, name),
    );
    this.inside = new ActivationsView({
      strings: options.strings,
      onOpened: () => options.post({ type: 'insideViewOpened', view: 'activations' }),
    });
    this.buttons = {
      clear: button('playground-clear', 'trash', t('clear'), () => this.pad.clear()),
      sample: button('playground-sample', 'symbol-numeric', t('sampleDigit'), () => void this.showSample()),
      useRun: button('playground-use-run', 'history', t('useLatestRun'), () => void this.refresh()),
      save: button('playground-save', 'save', t('exportButton'), () => void this.files.save()),
      load: button('playground-load', 'folder-opened', t('loadButton'), () => this.files.load()),
      python: button('playground-python', 'code', t('pythonButton'), () => this.files.openPythonProject()),
      evaluate: button('playground-evaluate', 'checklist', t('evaluate'), () => void this.evaluate(), false),
    };

    const barList = el('ol', { class: 'playground-bars', 'aria-label': t('probabilities') });
    for (let d = 0; d < CLASSES; d++) {
      const fill = el('div', { class: 'fill' });
      const value = el('span', { class: 'value' }, '—');
      const row = el(
        'li',
        {
          'data-digit': String(d),
          role: 'meter',
          'aria-valuemin': '0',
          'aria-valuemax': '100',
          'aria-label': String(d),
        },
        el('span', { class: 'digit' }, String(d)),
        el('div', { class: 'track' }, fill),
        value,
      );
      this.bars.push({ fill, value, row });
      barList.append(row);
    }
    const hintId = 'playground-draw-hint';
    this.pad.canvas.setAttribute('aria-describedby', hintId);
    this.tryElement = el(
      'section',
      { class: 'playground-try', 'aria-labelledby': 'playground-try-title' },
      el('h2', { id: 'playground-try-title' }, t('drawTitle')),
      el('p', { id: hintId, class: 'playground-hint' }, t('drawHint')),
      el(
        'div',
        { class: 'playground-row' },
        el(
          'div',
          { class: 'playground-pad-column' },
          this.pad.element,
          el('div', { class: 'playground-buttons' }, this.buttons.clear, this.buttons.sample),
        ),
        el('figure', { class: 'playground-input' }, this.preview, el('figcaption', {}, t('modelInput'))),
        el('div', { class: 'playground-probabilities' }, el('h3', {}, t('probabilities')), barList),
      ),
      this.verdict,
      this.inside.element,
      el('h3', {}, t('exportTitle')),
      this.modelLine,
      el('p', { class: 'playground-hint' }, t('exportHint')),
      el(
        'div',
        { class: 'playground-buttons' },
        this.buttons.save,
        this.buttons.load,
        this.buttons.useRun,
        this.buttons.python,
      ),
      this.files.status,
    );
    this.evaluation = new EvaluationView(t, this.buttons.evaluate);
    this.evaluateElement = el(
      'section',
      { class: 'playground-evaluate', 'aria-labelledby': 'playground-evaluate-title' },
      el('h2', { id: 'playground-evaluate-title' }, t('tabEvaluate')),
      el('div', { class: 'playground-buttons' }, this.buttons.evaluate),
      this.evaluation.element,
    );
    this.updateModelState();
  }

  // ---- the model --------------------------------------------------------------------------------------------

  /** Takes the last run's weights (when there are any) and predicts with them. */
  async refresh(): Promise<void> {
    try {
      const other = await this.options.getClassifier?.();
      if (other) return this.useClassifier(other, { kind: 'run' });
      const weights = await this.options.getWeights();
      if (weights) this.setModel(weights, { kind: 'run' });
      else this.updateModelState();
    } catch (e) {
      // A run that failed (NaN weights) or a model already disposed: keep the model in use.
      this.options.post({
        type: 'log',
        level: 'warn',
        message: `playground: the run's model is not usable: ${(e as Error).message}`,
      });
    }
  }

  /**
   * Takes a model loaded from files: the article's takes the fast forward pass (as a run's does), any other
   * architecture tfjs's predict on the loaded weights.
   */
  useLoaded(model: TrainedModel, name: string): void {
    const source: ModelSource = { kind: 'file', name };
    if (sameArchitecture(model.architecture, ARTICLE_MODEL))
      this.setModel(arraysToWeights(model.weights), source);
    else this.useClassifier(createArraysClassifier(model), source);
  }

  setModel(weights: ModelWeights, source: ModelSource): void {
    this.useClassifier(createClassifier(weights), source);
  }

  /** Predicts with `classifier` from now on (freeing the one it replaces). */
  useClassifier(classifier: Classifier, source: ModelSource): void {
    if (classifier !== this.classifier) this.classifier?.dispose?.();
    this.classifier = classifier;
    this.source = source;
    this.lastEvaluation = undefined;
    this.evaluation.clear();
    this.updateModelState();
    const read = classifier.readModel;
    this.inside.setModel(read && (() => read.call(classifier)));
    this.predictor.flush();
    this.options.onModelChange?.();
  }

  private updateModelState(): void {
    const t = this.t;
    const has = this.classifier !== undefined;
    this.modelLine.textContent = !this.source
      ? t('noModel')
      : this.source.kind === 'run'
        ? t('modelFromRun')
        : t('modelFromFile', this.source.name);
    // Export writes the article model's weights, or another architecture's layers and weights.
    this.buttons.save.disabled = !this.classifier?.weights && !this.classifier?.readModel;
    this.buttons.evaluate.disabled = !has || this.evaluating;
    if (!has) this.verdict.textContent = t('noModel');
    if (!has) this.inside.setModel(undefined);
  }

  // ---- drawing ----------------------------------------------------------------------------------------------

  private onPadChange(change: PadChange): void {
    if (change === 'stroke') this.predictor.request();
    else this.predictor.flush();
  }

  private showPrediction(p: Prediction | undefined): void {
    this.lastPrediction = p;
    if (p) paintDigit(this.preview, p.input);
    else this.preview.getContext('2d')?.clearRect(0, 0, MNIST_SIZE, MNIST_SIZE);
    this.bars.forEach(({ fill, value, row }, d) => {
      const v = p ? p.probabilities[d] : 0;
      fill.style.width = `${(v * 100).toFixed(1)}%`;
      value.textContent = p ? pct(v) : '—';
      row.setAttribute('aria-valuenow', (v * 100).toFixed(1));
      row.classList.toggle('top', p !== undefined && d === p.label);
    });
    if (p) this.verdict.textContent = this.t('prediction', p.label, pct(p.probabilities[p.label]));
    else this.verdict.textContent = this.classifier ? this.t('drawSomething') : this.t('noModel');
    this.inside.show(p?.input);
  }

  private async showSample(): Promise<void> {
    const set = await this.options.getTestSet();
    const i = Math.floor(Math.random() * set.count);
    this.pad.showDigit(set.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
  }

  // ---- evaluation -------------------------------------------------------------------------------------------

  async evaluate(): Promise<EvaluationResult | undefined> {
    const classifier = this.classifier;
    if (!classifier || this.evaluating) return undefined;
    this.evaluating = true;
    this.updateModelState();
    try {
      const set = await this.options.getTestSet();
      const result = await evaluateClassifier(classifier, set, {
        count: this.options.evaluationCount,
        onProgress: (done, total) => this.evaluation.setProgress(done, total),
      });
      // A model loaded meanwhile makes this result stale.
      if (classifier !== this.classifier) return undefined;
      this.lastEvaluation = result;
      this.evaluation.show(result, set);
      return result;
    } catch (e) {
      this.evaluation.clear((e as Error).message);
      this.options.post({
        type: 'log',
        level: 'error',
        message: `playground evaluation failed: ${(e as Error).stack ?? e}`,
      });
      return undefined;
    } finally {
      this.evaluating = false;
      this.updateModelState();
    }
  }

  /** Shows the images of one confusion-matrix cell (as a click on it does). */
  showCell(actual: number, said: number): void {
    this.evaluation.showCell(actual, said);
  }

  // ---- files ------------------------------------------------------------------------------------------------

  save(): Promise<void> {
    return this.files.save();
  }

  /** Takes the host's answers to save/load/open; returns whether the message was one of them. */
  handleHostMessage(m: HostMessage): boolean {
    return this.files.handleHostMessage(m);
  }

  dispose(): void {
    this.predictor.dispose();
    this.tryElement.remove();
    this.evaluateElement.remove();
  }
}

/** Builds the playground and appends its two sections to `container`. */
export function mountPlayground(container: HTMLElement, options: PlaygroundOptions): Playground {
  const playground = new Playground(options);
  container.append(playground.tryElement, playground.evaluateElement);
  return playground;
}
