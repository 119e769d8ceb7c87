/**
 * The model editor of the Train tab: the layers between the 28×28 input and the fixed Dense(10, softmax), each
 * with its fields, its output shape and parameter count as Keras's `model.summary()` prints them, and the
 * sentence of whatever `validate` finds wrong with it, on its own row; a preset picker, add / remove / move,
 * and the seed of the initial weights. Shapes, counts and problems are src/shared/architecture.ts's, so the
 * numbers shown are the ones every backend trains with. Only the DOM and the layer list here; the view wires
 * it to the Keras code and the Train button.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import {
  inferShapes,
  LIMITS,
  MAX_LAYERS,
  PRESETS,
  SEED,
  sameArchitecture,
  validate,
  type PresetId,
} from '../../shared/architecture';
import {
  ARTICLE_MODEL,
  OUTPUT_LAYER,
  type Architecture,
  type Layer,
  type LayerKind,
} from '../../shared/model';
import type { Translate } from '../../shared/l10n/training';
import { el } from '../common/dom';
import {
  count,
  CUSTOM,
  KERAS_NAMES,
  kerasShape,
  NEW_LAYERS,
  PRESET_IDS,
  PRESET_LABELS,
  problemSentence,
} from './modelWords';

type Control = HTMLElement & { value: string; disabled: boolean; invalid?: boolean };

/**
 * Focuses a control of a row just rendered: a vscode-elements control takes focus (its tabindex) only once
 * it has rendered, which Lit does after the current task.
 */
function focusSoon(target: HTMLElement | null | undefined): void {
  if (!target) return;
  const pending = (target as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
  if (pending) void pending.then(() => target.focus());
  else target.focus();
}

interface Row {
  element: HTMLTableRowElement;
  shape: HTMLElement;
  params: HTMLElement;
  problem: HTMLElement;
  /** The row's number fields by the layer field they edit (marked invalid when out of range). */
  fields: Map<string, Control>;
}

export class ModelEditor {
  readonly element: HTMLElement;
  private layers: Layer[] = [];
  private rows: Row[] = [];
  private disabled = false;
  /** Off while the constructor fills the list, so `onChange` never runs before the view has its editor. */
  private ready = false;
  private readonly body = el('tbody');
  private readonly preset: Control;
  private readonly seed: Control;
  private readonly addKind: Control;
  private readonly addButton: Control;
  private readonly total = el('p', { id: 'total-params' });
  private readonly status = el('p', { id: 'model-status', class: 'model-status' });

  constructor(
    private readonly t: Translate,
    /** Called after every change of the stack or the seed (as the learner types). */
    private readonly onChange: () => void,
  ) {
    this.preset = el('vscode-single-select', { id: 'model-preset' }) as unknown as Control;
    for (const id of [...PRESET_IDS, CUSTOM]) {
      const label = id === CUSTOM ? t('presetCustom') : t(PRESET_LABELS[id as PresetId]);
      this.preset.append(el('vscode-option', { value: id }, label));
    }
    this.preset.addEventListener('change', () => {
      const id = this.preset.value as PresetId | typeof CUSTOM;
      if (id !== CUSTOM && PRESETS[id]) this.setArchitecture(PRESETS[id]);
    });
    this.seed = el('vscode-textfield', {
      id: 'seed',
      type: 'number',
      min: String(SEED.min),
      max: String(SEED.max),
      step: '1',
      value: String(SEED.default),
    }) as unknown as Control;
    this.seed.addEventListener('input', () => this.changed());
    this.addKind = el('vscode-single-select', {
      id: 'add-layer-kind',
      'aria-label': t('addLayerKind'),
    }) as unknown as Control;
    for (const kind of Object.keys(KERAS_NAMES) as LayerKind[])
      this.addKind.append(el('vscode-option', { value: kind }, KERAS_NAMES[kind]));
    this.addButton = el(
      'vscode-button',
      { id: 'add-layer', icon: 'add', secondary: '' },
      t('addLayer'),
    ) as unknown as Control;
    this.addButton.addEventListener('click', () => {
      if (!this.addButton.disabled) this.add(this.addKind.value as LayerKind);
    });
    const labelled = (label: string, control: Control) =>
      el('div', { class: 'field' }, el('vscode-label', { for: control.id }, label), control);
    this.element = el(
      'div',
      { class: 'model-editor' },
      el('h2', { id: 'model-title' }, t('model')),
      el(
        'div',
        { class: 'model-options' },
        labelled(t('modelPreset'), this.preset),
        labelled(t('seed'), this.seed),
      ),
      el(
        'table',
        { id: 'model-layers', 'aria-labelledby': 'model-title' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, t('layer')),
            el('th', { scope: 'col' }, t('fields')),
            el('th', { scope: 'col' }, t('outputShape')),
            el('th', { scope: 'col', class: 'number' }, t('params')),
            el('th', { scope: 'col' }, t('actions')),
          ),
        ),
        this.body,
      ),
      this.total,
      el('div', { class: 'model-add' }, this.addKind, this.addButton),
      this.status,
    );
    this.setArchitecture(ARTICLE_MODEL);
    this.ready = true;
  }

  /** The stack as it stands (a copy), the output layer last. */
  get architecture(): Architecture {
    return { layers: this.layers.map((l) => ({ ...l })) };
  }

  /** Replaces the list (a preset, a saved stack); the preset picker names the preset it equals, if any. */
  setArchitecture(arch: Architecture): void {
    const editable = arch.layers.slice(0, -1).map((l) => ({ ...l }));
    this.layers = [...editable, OUTPUT_LAYER];
    this.render();
  }

  /** The seed field's integer, or undefined while it holds something else. */
  readSeed(): number | undefined {
    const text = this.seed.value.trim();
    const v = Number(text);
    const ok = text !== '' && Number.isInteger(v) && v >= SEED.min && v <= SEED.max;
    this.seed.invalid = !ok;
    return ok ? v : undefined;
  }

  setSeed(seed: number): void {
    this.seed.value = String(seed);
    this.readSeed();
  }

  /** Why the model cannot train now (its first problem, or a bad seed), or undefined when it can. */
  reason(): string | undefined {
    const p = validate(this.architecture)[0];
    if (p) return this.t('modelCannotTrain', p.layer + 1, problemSentence(this.t, p));
    if (this.readSeed() === undefined) return this.t('seedInvalid', SEED.min, SEED.max);
    return undefined;
  }

  /** Locks every control while a run goes. */
  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    for (const c of this.element.querySelectorAll<Control>(
      'vscode-textfield, vscode-single-select, vscode-button',
    ))
      c.disabled = disabled;
    if (!disabled) this.updateButtons();
  }

  // ---- the list ----------------------------------------------------------------------------------------------

  private add(kind: LayerKind): void {
    if (this.layers.length >= MAX_LAYERS) return;
    this.layers.splice(this.layers.length - 1, 0, { ...NEW_LAYERS[kind] });
    this.render();
    focusSoon(
      this.rows[this.layers.length - 2]?.element.querySelector<HTMLElement>(
        'vscode-textfield, vscode-single-select, vscode-button',
      ),
    );
  }

  private remove(i: number): void {
    this.layers.splice(i, 1);
    this.render();
    // Focus stays in the list: the row that took this one's place, else the add control.
    const next = this.rows[i]?.element.querySelector<HTMLElement>('.remove-layer');
    focusSoon(next ?? this.addKind);
  }

  private move(i: number, by: -1 | 1): void {
    const j = i + by;
    if (j < 0 || j >= this.layers.length - 1) return;
    [this.layers[i], this.layers[j]] = [this.layers[j], this.layers[i]];
    this.render();
    const button = this.rows[j].element.querySelector<Control>(by < 0 ? '.move-up' : '.move-down');
    focusSoon(
      button && !button.disabled ? button : this.rows[j].element.querySelector<HTMLElement>('.remove-layer'),
    );
  }

  /** Rebuilds the rows (after a change of the list itself), then the figures. */
  private render(): void {
    this.rows = this.layers.map((layer, i) => this.renderRow(layer, i));
    this.body.replaceChildren(...this.rows.map((r) => r.element));
    this.setDisabled(this.disabled);
    this.changed();
  }

  private renderRow(layer: Layer, i: number): Row {
    const t = this.t;
    const last = i === this.layers.length - 1;
    const fields = new Map<string, Control>();
    const id = (name: string) => `layer-${i}-${name}`;
    const problemId = id('problem');
    const numberField = (name: 'filters' | 'units' | 'rate', min: number, max: number, step: string) => {
      const f = el('vscode-textfield', {
        id: id(name),
        type: 'number',
        min: String(min),
        max: String(max),
        step,
        value: String((layer as unknown as Record<string, number>)[name]),
        'aria-describedby': problemId,
      }) as unknown as Control;
      f.addEventListener('input', () => {
        const text = f.value.trim();
        (layer as unknown as Record<string, number>)[name] = text === '' ? NaN : Number(text);
        this.changed();
      });
      fields.set(name, f);
      return this.labelled(t(name), f, t('fieldRange', t(name), min, max));
    };
    const select = (name: 'kernelSize' | 'padding' | 'activation', options: [string, string][]) => {
      const s = el('vscode-single-select', {
        id: id(name),
        'aria-describedby': problemId,
      }) as unknown as Control;
      for (const [value, label] of options) s.append(el('vscode-option', { value }, label));
      s.value = String((layer as unknown as Record<string, unknown>)[name]);
      s.addEventListener('change', () => {
        (layer as unknown as Record<string, unknown>)[name] =
          name === 'kernelSize' ? Number(s.value) : s.value;
        this.changed();
      });
      return this.labelled(t(name === 'kernelSize' ? 'kernel' : name), s);
    };
    const activations: [string, string][] = [
      ['relu', 'ReLU'],
      ['linear', 'linear'],
    ];
    let controls: HTMLElement[] = [];
    if (last) controls = [el('span', { class: 'fixed' }, t('outputLayer'))];
    else
      switch (layer.kind) {
        case 'conv2d':
          controls = [
            numberField('filters', LIMITS.filters.min, LIMITS.filters.max, '1'),
            select(
              'kernelSize',
              LIMITS.kernelSizes.map((k) => [String(k), `${k}×${k}`]),
            ),
            select('padding', [
              ['valid', 'valid'],
              ['same', 'same'],
            ]),
            select('activation', activations),
          ];
          break;
        case 'maxPooling2d':
          controls = [el('span', { class: 'fixed' }, `${t('poolSize')}: 2×2`)];
          break;
        case 'dropout':
          controls = [numberField('rate', LIMITS.dropoutRate.min, LIMITS.dropoutRate.max, '0.05')];
          break;
        case 'flatten':
          break;
        case 'dense':
          controls = [
            numberField('units', LIMITS.units.min, LIMITS.units.max, '1'),
            select('activation', activations),
          ];
          break;
      }
    const name = KERAS_NAMES[layer.kind];
    const action = (cls: string, icon: string, label: string, onClick: () => void) => {
      const b = el('vscode-button', {
        class: cls,
        icon,
        secondary: '',
        title: label,
        'aria-label': `${label}: ${t('layerNamed', name, i + 1)}`,
      }) as unknown as Control;
      b.addEventListener('click', () => {
        if (!b.disabled) onClick();
      });
      return b;
    };
    const actions = last
      ? []
      : [
          action('move-up', 'arrow-up', t('moveUp'), () => this.move(i, -1)),
          action('move-down', 'arrow-down', t('moveDown'), () => this.move(i, 1)),
          action('remove-layer', 'trash', t('removeLayer'), () => this.remove(i)),
        ];
    const shape = el('td', { class: 'shape' });
    const params = el('td', { class: 'params number' });
    const problem = el('div', { class: 'layer-problem', id: problemId, hidden: '' });
    const element = el(
      'tr',
      { 'data-layer': String(i), 'data-kind': layer.kind },
      el('th', { scope: 'row', class: 'kind' }, name),
      el('td', { class: 'fields' }, el('div', { class: 'layer-fields' }, ...controls), problem),
      shape,
      params,
      el('td', { class: 'actions' }, ...actions),
    ) as HTMLTableRowElement;
    return { element, shape, params, problem, fields };
  }

  private labelled(label: string, control: Control, title?: string): HTMLElement {
    if (title) control.setAttribute('title', title);
    return el('span', { class: 'layer-field' }, el('vscode-label', { for: control.id }, label), control);
  }

  private updateButtons(): void {
    const editable = this.layers.length - 1;
    this.rows.forEach((row, i) => {
      const up = row.element.querySelector<Control>('.move-up');
      const down = row.element.querySelector<Control>('.move-down');
      if (up) up.disabled = this.disabled || i === 0;
      if (down) down.disabled = this.disabled || i >= editable - 1;
    });
    this.addButton.disabled = this.disabled || this.layers.length >= MAX_LAYERS;
  }

  /** The figures and problems of the stack as it stands, and the preset it equals. */
  private changed(): void {
    const arch = this.architecture;
    const report = inferShapes(arch);
    const problems = validate(arch);
    this.rows.forEach((row, i) => {
      const info = report.layers[i];
      row.shape.textContent = kerasShape(info.output);
      row.params.textContent = info.output.length ? count(info.parameters) : '—';
      const mine = problems.filter((p) => p.layer === i);
      row.problem.textContent = mine.map((p) => problemSentence(this.t, p)).join(' ');
      row.problem.hidden = mine.length === 0;
      if (mine.length) row.element.dataset.problem = mine.map((p) => p.key).join(' ');
      else delete row.element.dataset.problem;
      for (const [name, field] of row.fields)
        field.invalid = mine.some((p) => p.key === 'outOfRange' && p.args.field === name);
    });
    this.total.textContent = this.t('totalParams', count(report.totalParameters));
    this.total.dataset.params = String(report.totalParameters);
    const preset = PRESET_IDS.find((id) => sameArchitecture(PRESETS[id], arch));
    this.preset.value = preset ?? CUSTOM;
    const reason = this.reason();
    this.status.textContent = reason ?? '';
    this.status.hidden = reason === undefined;
    this.updateButtons();
    if (this.ready) this.onChange();
  }
}
