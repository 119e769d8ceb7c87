/**
 * The page's tab strip: "Train" (the training panel's own content), "Try it" (the playground's drawing pad,
 * export, reload), "Evaluate" (accuracy, confusion matrix, mistakes) and "Your examples" (src/webview/examples). The strip is the page's, so it lives
 * with the page; the playground (src/webview/playground) only provides the two panels' content, and imports
 * nothing from the training page. The tabs follow the WAI-ARIA tabs pattern: a tablist of buttons, arrow keys
 * and Home/End move between them.
 *
 * In app.ts:
 * ```ts
 * this.playground = attachToTrainingPanel({
 *   root,                                   // the panel's #app element, already filled by the view
 *   strings: config.strings,
 *   getModel: () => this.trainer?.model,
 *   getTestSet: async () => (await (this.data ??= loadMnist(this.config.data))).test,
 *   post: (m) => host.post(m),
 * });
 * // first thing in onHostMessage:  if (this.playground.handleHostMessage(m)) return;
 * // when a run ends (any status):  void this.playground.onRunFinished();
 * ```
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendName, HostMessage, WebviewMessage } from '../../shared/protocol/training';
import { el } from '../common/dom';
import './pageTabs.css';
import type { TestSet } from '../playground/evaluation';
import { weightsOfModel } from '../playground/export';
import { createModelClassifier } from '../playground/modelClassifier';
import { sameArchitecture } from '../../shared/architecture';
import { ARTICLE_MODEL, type Architecture } from '../../shared/model';
import { mountPlayground, type Playground } from '../playground/index';
import { ExamplesView, type FineTuneHooks } from '../examples/view';
import { makeExamplesTranslate } from '../../shared/l10n/examples';

export type TabId = 'train' | 'try' | 'evaluate' | 'examples';

export interface TrainingPanelHooks {
  /** The panel's root element; its current children move under the "Train" tab. */
  root: HTMLElement;
  /** The panel's translated strings (the playground's are keyed `playground.<id>`). */
  strings?: Readonly<Record<string, string>>;
  /** The last run's trained model, if there is one. */
  getModel(): tf.LayersModel | undefined;
  /** The architecture of that model (undefined: the article's). */
  getArchitecture?(): Architecture | undefined;
  getTestSet(): Promise<TestSet>;
  post(message: WebviewMessage): void;
  /** A test hook (see testHooks.ts): evaluate on the first n test images only. */
  evaluationCount?: number;
  /** "Your examples"' fine-tune (the page's trainer runs it). */
  fineTune?: FineTuneHooks;
  /** A backend's name as the Train tab says it. */
  backendLabel?(backend: BackendName): string;
  /** Told when the model Try it uses changes (a run's, a fine-tune's, one loaded from files), after the change. */
  onModelChange?(): void;
}

export interface AttachedPlayground {
  readonly playground: Playground;
  readonly tabs: Tabs;
  /** "Your examples" (src/webview/examples): the learner's drawings, the model on them, the fine-tune. */
  readonly examples: ExamplesView;
  /** Takes the finished run's model (it replaces a model loaded from files, as the newest work). */
  onRunFinished(): Promise<void>;
  handleHostMessage(message: HostMessage): boolean;
}

export class Tabs {
  readonly element: HTMLElement;
  readonly panels = new Map<TabId, HTMLElement>();
  private readonly tabs = new Map<TabId, HTMLButtonElement>();
  private readonly order: TabId[] = [];
  onSelect?: (id: TabId) => void;

  constructor(label: string) {
    this.element = el('div', { class: 'page-tablist', role: 'tablist', 'aria-label': label });
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  add(id: TabId, title: string, panel: HTMLElement): void {
    const tab = el(
      'button',
      {
        type: 'button',
        id: `tab-${id}`,
        class: 'page-tab',
        role: 'tab',
        'aria-controls': `tabpanel-${id}`,
      },
      title,
    );
    tab.addEventListener('click', () => this.select(id));
    panel.id = `tabpanel-${id}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    this.element.append(tab);
    this.tabs.set(id, tab);
    this.panels.set(id, panel);
    this.order.push(id);
    this.show(this.order[0]);
  }

  get selected(): TabId {
    return (
      this.order.find((id) => this.tabs.get(id)!.getAttribute('aria-selected') === 'true') ?? this.order[0]
    );
  }

  select(id: TabId): void {
    this.show(id);
    this.onSelect?.(id);
  }

  private show(id: TabId): void {
    for (const [tabId, tab] of this.tabs) {
      const on = tabId === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      this.panels.get(tabId)!.hidden = !on;
    }
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.order.indexOf(this.selected);
    const next: Record<string, number> = {
      ArrowRight: (i + 1) % this.order.length,
      ArrowLeft: (i - 1 + this.order.length) % this.order.length,
      Home: 0,
      End: this.order.length - 1,
    };
    if (!(e.key in next)) return;
    e.preventDefault();
    const id = this.order[next[e.key]];
    this.select(id);
    this.tabs.get(id)!.focus();
  }
}

const isArticle = (a: Architecture | undefined) => a === undefined || sameArchitecture(a, ARTICLE_MODEL);

export function attachToTrainingPanel(hooks: TrainingPanelHooks): AttachedPlayground {
  const trainPanel = el('div', { class: 'page-train-panel' }, ...Array.from(hooks.root.childNodes));
  const tryPanel = el('div');
  const evaluatePanel = el('div');
  const holder = el('div');
  const playground = mountPlayground(holder, {
    strings: hooks.strings,
    // The article's model takes the playground's fast forward pass; any other, tfjs's predict.
    getWeights: async () => {
      const model = hooks.getModel();
      return model && isArticle(hooks.getArchitecture?.()) ? weightsOfModel(model) : undefined;
    },
    getClassifier: async () => {
      const model = hooks.getModel();
      const architecture = hooks.getArchitecture?.();
      return model && architecture && !isArticle(architecture)
        ? createModelClassifier(model, architecture)
        : undefined;
    },
    getTestSet: hooks.getTestSet,
    post: hooks.post,
    evaluationCount: hooks.evaluationCount,
    // Whatever the model becomes (a run's, a fine-tune's, one loaded from files), Your examples reads it again.
    // (Called only once a model is taken, after `examples` below exists.)
    onModelChange: () => {
      examples.showReading();
      hooks.onModelChange?.();
    },
  });
  tryPanel.append(playground.tryElement);
  evaluatePanel.append(playground.evaluateElement);
  const t = playground.t;
  const tabs = new Tabs(t('tabTry'));
  tabs.add('train', t('tabTrain'), trainPanel);
  tabs.add('try', t('tabTry'), tryPanel);
  tabs.add('evaluate', t('tabEvaluate'), evaluatePanel);
  const examples = new ExamplesView({
    strings: hooks.strings,
    post: hooks.post,
    classifier: () => playground.classifier,
    modelFile: () => (playground.source?.kind === 'file' ? playground.source.name : undefined),
    refreshModel: async () => {
      if (!playground.classifier) await playground.refresh();
    },
    getTestSet: hooks.getTestSet,
    fineTune: hooks.fineTune,
    evaluationCount: hooks.evaluationCount,
    backendLabel: hooks.backendLabel,
  });
  const examplesPanel = el('div', {}, examples.element);
  tabs.add('examples', makeExamplesTranslate(hooks.strings)('tabExamples'), examplesPanel);
  hooks.root.append(tabs.element, trainPanel, tryPanel, evaluatePanel, examplesPanel);
  // Opening "Try it", "Evaluate" or "Your examples" before any model was taken picks up the last run's.
  tabs.onSelect = (id) => {
    if (id === 'train') return;
    void (playground.classifier ? Promise.resolve() : playground.refresh()).then(() => {
      if (id === 'examples') examples.showReading();
    });
  };
  return {
    playground,
    tabs,
    examples,
    onRunFinished: () => playground.refresh(),
    handleHostMessage: (m) => playground.handleHostMessage(m) || examples.handleHostMessage(m),
  };
}
