/**
 * Puts the playground into the training panel as tabs: "Train" (the panel's existing content), "Try it"
 * (drawing pad, export, reload) and "Evaluate" (accuracy, confusion matrix, mistakes). The tabs follow the
 * WAI-ARIA tabs pattern: a tablist of buttons, arrow keys and Home/End move between them.
 *
 * In src/webview/training/app.ts:
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
import type { HostMessage, WebviewMessage } from '../../shared/protocol/training';
import type { TestSet } from './evaluation';
import { weightsOfModel } from './export';
import { mountPlayground, type Playground } from './index';

export type TabId = 'train' | 'try' | 'evaluate';

export interface TrainingPanelHooks {
  /** The panel's root element; its current children move under the "Train" tab. */
  root: HTMLElement;
  /** The panel's translated strings (the playground's are keyed `playground.<id>`). */
  strings?: Readonly<Record<string, string>>;
  /** The last run's trained model, if there is one. */
  getModel(): tf.LayersModel | undefined;
  getTestSet(): Promise<TestSet>;
  post(message: WebviewMessage): void;
  /** Evaluate on the first n test images only (tests). */
  evaluationCount?: number;
}

export interface AttachedPlayground {
  readonly playground: Playground;
  readonly tabs: Tabs;
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
    this.element = document.createElement('div');
    this.element.className = 'playground-tablist';
    this.element.setAttribute('role', 'tablist');
    this.element.setAttribute('aria-label', label);
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  add(id: TabId, title: string, panel: HTMLElement): void {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.id = `tab-${id}`;
    tab.className = 'playground-tab';
    tab.textContent = title;
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', `tabpanel-${id}`);
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

export function attachToTrainingPanel(hooks: TrainingPanelHooks): AttachedPlayground {
  const trainPanel = document.createElement('div');
  trainPanel.className = 'playground-train-panel';
  trainPanel.append(...Array.from(hooks.root.childNodes));
  const tryPanel = document.createElement('div');
  const evaluatePanel = document.createElement('div');
  const holder = document.createElement('div');
  const playground = mountPlayground(holder, {
    strings: hooks.strings,
    getWeights: async () => {
      const model = hooks.getModel();
      return model ? weightsOfModel(model) : undefined;
    },
    getTestSet: hooks.getTestSet,
    post: hooks.post,
    evaluationCount: hooks.evaluationCount,
  });
  tryPanel.append(playground.tryElement);
  evaluatePanel.append(playground.evaluateElement);
  const t = playground.t;
  const tabs = new Tabs(t('tabTry'));
  tabs.add('train', t('tabTrain'), trainPanel);
  tabs.add('try', t('tabTry'), tryPanel);
  tabs.add('evaluate', t('tabEvaluate'), evaluatePanel);
  hooks.root.append(tabs.element, trainPanel, tryPanel, evaluatePanel);
  // Opening "Try it" or "Evaluate" before any model was taken picks up the last run's.
  tabs.onSelect = (id) => {
    if (id !== 'train' && !playground.classifier) void playground.refresh();
  };
  return {
    playground,
    tabs,
    onRunFinished: () => playground.refresh(),
    handleHostMessage: (m) => playground.handleHostMessage(m),
  };
}
