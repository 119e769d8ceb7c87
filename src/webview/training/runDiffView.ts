/**
 * "What changed": the learner picks two runs (the runs of the charts' run list, by the same names) and sees
 * what tells them apart (src/shared/runDiff.ts): layers added, removed or with a field changed, the settings
 * that change the model, and apart from those the backend and training images. "Show only what differs" is on
 * at first, as W&B's run comparer's "diff only"; off, every layer and setting is listed, the equal ones muted.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import './runDiff.css';
import type { RunRecord } from '../../shared/protocol/training';
import {
  architectureSummary,
  diffRuns,
  type FieldChange,
  type LayerRow,
  type SettingKey,
  type SettingRow,
} from '../../shared/runDiff';
import type { StringId, Translate } from '../../shared/l10n/training';
import { el } from '../common/dom';
import { Curves } from './curves';
import { KERAS_NAMES } from './modelWords';
import { backendLabel, optimizerLabel } from './view';

type Select = HTMLElement & { value: string };
type Checkbox = HTMLElement & { checked: boolean };

/** The words of each setting, as the panel's fields name them. */
const SETTING_WORDS: Readonly<Record<SettingKey, StringId>> = {
  learningRate: 'learningRate',
  schedule: 'schedule',
  epochs: 'epochs',
  batchSize: 'batchSize',
  optimizer: 'optimizer',
  seed: 'seed',
  backend: 'backend',
  trainSamples: 'diffTrainSamples',
};

/** The words of each layer field, as the model editor labels it. */
const FIELD_WORDS: Readonly<Record<string, StringId>> = {
  filters: 'filters',
  kernelSize: 'kernel',
  padding: 'padding',
  activation: 'activation',
  rate: 'rate',
  units: 'units',
  poolSize: 'poolSize',
};

const ICONS: Readonly<Record<LayerRow['change'], string>> = {
  same: 'codicon-circle-small',
  changed: 'codicon-diff-modified',
  added: 'codicon-diff-added',
  removed: 'codicon-diff-removed',
};

export class RunDiffView {
  readonly element: HTMLElement;
  private readonly runs = new Map<string, RunRecord>();
  private readonly from: Select;
  private readonly to: Select;
  private readonly onlyDiffering: Checkbox;
  private readonly summary = el('p', { id: 'run-diff-summary', role: 'status' });
  private readonly body = el('div', { id: 'run-diff-body' });
  /** Whether the learner chose the runs; until then the two newest are compared. */
  private picked = false;
  /**
   * The runs compared, kept here: a vscode-single-select takes a value only once it has rendered its options,
   * which it does after they are added.
   */
  private fromId = '';
  private toId = '';

  constructor(private readonly t: Translate) {
    const select = (id: string) => {
      const s = el('vscode-single-select', { id }) as unknown as Select;
      s.addEventListener('change', () => {
        this.picked = true;
        if (s === this.from) this.fromId = s.value;
        else this.toId = s.value;
        this.render();
      });
      return s;
    };
    this.from = select('run-diff-a');
    this.to = select('run-diff-b');
    this.onlyDiffering = el('vscode-checkbox', {
      id: 'run-diff-only',
      label: t('diffOnly'),
      checked: '',
    }) as unknown as Checkbox;
    this.onlyDiffering.checked = true;
    this.onlyDiffering.addEventListener('change', () => this.render());
    const field = (label: string, s: Select) =>
      el('div', { class: 'field' }, el('vscode-label', { for: s.id }, label), s);
    this.element = el(
      'section',
      { id: 'run-diff', class: 'run-diff', 'aria-labelledby': 'run-diff-title' },
      el(
        'h2',
        { id: 'run-diff-title' },
        el('span', { class: 'codicon codicon-diff', 'aria-hidden': 'true' }),
        ' ',
        t('diffTitle'),
      ),
      el(
        'div',
        { class: 'run-diff-pick' },
        field(t('diffFrom'), this.from),
        el('span', { class: 'codicon codicon-arrow-right', 'aria-hidden': 'true' }),
        field(t('diffTo'), this.to),
        this.onlyDiffering,
      ),
      this.summary,
      this.body,
    );
    this.render();
  }

  /** Adds runs or updates them (the host's history, a run that just finished); the newest are compared. */
  addRuns(runs: readonly RunRecord[]): void {
    for (const run of runs) this.runs.set(run.id, run);
    const ids = this.sorted().map((r) => r.id);
    if (!this.picked || !ids.includes(this.fromId) || !ids.includes(this.toId)) {
      this.picked = false;
      this.fill(ids.at(-2) ?? ids.at(-1) ?? '', ids.at(-1) ?? '');
    } else {
      this.fill(this.fromId, this.toId);
    }
    this.render();
  }

  /** Chooses the two runs to compare (as picking them in the selects does). */
  compare(fromId: string, toId: string): void {
    this.picked = true;
    this.fill(fromId, toId);
    this.render();
  }

  private sorted(): RunRecord[] {
    return [...this.runs.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Lists the runs in both selects, newest first, with the compared ones selected. */
  private fill(fromId: string, toId: string): void {
    this.fromId = fromId;
    this.toId = toId;
    for (const [s, value] of [
      [this.from, fromId],
      [this.to, toId],
    ] as const) {
      s.replaceChildren(
        ...this.sorted()
          .reverse()
          .map((run) =>
            el(
              'vscode-option',
              { value: run.id, ...(run.id === value && { selected: '' }) },
              Curves.runLabel(run, this.t),
            ),
          ),
      );
      s.value = value;
    }
  }

  private render(): void {
    const t = this.t;
    const a = this.runs.get(this.fromId);
    const b = this.runs.get(this.toId);
    this.element.dataset.runs = String(this.runs.size);
    if (this.runs.size < 2 || !a || !b) {
      this.summary.textContent = t('diffNeedTwo');
      this.body.replaceChildren();
      return;
    }
    const d = diffRuns(a, b);
    const only = this.onlyDiffering.checked;
    this.summary.textContent =
      a === b
        ? t('diffSameRun')
        : d.modelChanges + d.otherChanges === 0
          ? t('diffNothing')
          : t('diffCount', d.modelChanges, d.otherChanges);
    const layers = d.layers.filter((r) => !only || r.change !== 'same');
    const settings = d.settings.filter((r) => !only || !r.same);
    const apart = d.apart.filter((r) => !only || !r.same);
    const parts: HTMLElement[] = [];
    if (layers.length > 0)
      parts.push(
        el('h3', {}, t('diffLayers')),
        el(
          'ul',
          { id: 'run-diff-layers', class: 'run-diff-layers' },
          ...layers.map((r) => this.layerItem(r)),
        ),
      );
    if (settings.length > 0)
      parts.push(el('h3', {}, t('diffSettings')), this.settingsTable('run-diff-settings', settings, a, b));
    if (apart.length > 0)
      parts.push(el('h3', {}, t('diffApart')), this.settingsTable('run-diff-apart', apart, a, b));
    this.body.replaceChildren(...parts);
  }

  private layerItem(r: LayerRow): HTMLElement {
    const t = this.t;
    const words = architectureSummary({ layers: [r.layer] });
    const name = KERAS_NAMES[r.kind];
    const text =
      r.change === 'added'
        ? t('diffLayerAdded', r.to, words)
        : r.change === 'removed'
          ? t('diffLayerRemoved', r.from, words)
          : r.change === 'changed'
            ? t(
                'diffLayerChanged',
                name,
                r.from === r.to ? r.to : `${r.from} → ${r.to}`,
                r.fields.map((f) => this.fieldChange(f)).join(', '),
              )
            : t('diffLayerSame', r.to, words);
    return el(
      'li',
      { class: `run-diff-${r.change}`, 'data-change': r.change },
      el('span', { class: `codicon ${ICONS[r.change]}`, 'aria-hidden': 'true' }),
      el('span', { class: 'run-diff-text' }, text),
    );
  }

  private fieldChange(f: FieldChange): string {
    const words = FIELD_WORDS[f.field];
    const value = (v: string | number) =>
      f.field === 'kernelSize' || f.field === 'poolSize' ? `${v}×${v}` : v === 'relu' ? 'ReLU' : String(v);
    return `${words ? this.t(words) : f.field} ${value(f.from)} → ${value(f.to)}`;
  }

  private settingsTable(id: string, rows: readonly SettingRow[], a: RunRecord, b: RunRecord): HTMLElement {
    const t = this.t;
    const head = el(
      'tr',
      {},
      el('th', { scope: 'col' }, t('diffSetting')),
      el('th', { scope: 'col', title: Curves.runLabel(a, t) }, t('diffFrom')),
      el('th', { scope: 'col', title: Curves.runLabel(b, t) }, t('diffTo')),
    );
    const body = rows.map((r) =>
      el(
        'tr',
        { 'data-key': r.key, class: r.same ? 'run-diff-same' : 'run-diff-changed' },
        el('th', { scope: 'row' }, t(SETTING_WORDS[r.key])),
        el('td', {}, this.settingValue(r.key, r.a)),
        el('td', {}, this.settingValue(r.key, r.b)),
      ),
    );
    return el('table', { id, class: 'run-diff-table' }, el('thead', {}, head), el('tbody', {}, ...body));
  }

  private settingValue(key: SettingKey, v: string | number | undefined): string {
    const t = this.t;
    if (v === undefined) return t('notYet');
    switch (key) {
      case 'schedule':
        return v === 'cosine' ? t('scheduleCosine') : t('scheduleConstant');
      case 'optimizer':
        return optimizerLabel(String(v));
      case 'backend':
        return backendLabel(String(v), t);
      case 'trainSamples':
        return v.toLocaleString('en-US');
      default:
        return String(v);
    }
  }
}
