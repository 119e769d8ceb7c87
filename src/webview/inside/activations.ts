/**
 * "Look inside" on the Try-it tab: every layer's output for the digit on the pad, for whatever architecture
 * the run trained. Conv and pooling layers as one small image per map (a shared scale per layer), Dropout
 * and Flatten said in words (Dropout is the identity when predicting), dense layers as bars, the softmax as
 * the ten probabilities. Pointing at a map cell, or focusing a map and moving with the arrow keys, outlines
 * its receptive field on the input (or on the maps above) and writes out the arithmetic that made it
 * (./activationsCells.ts). The numbers come from ./activationsModel.ts, so they are the same whichever
 * backend trained the model.
 *
 * ```ts
 * const view = new ActivationsView({ strings, onOpened: () => post({ type: 'insideViewOpened', view: 'activations' }) });
 * view.setModel(() => classifier.readModel());  // read lazily, the first time the view is open
 * view.show(prediction?.input);                 // after every prediction
 * ```
 */
import { makeInsideTranslate, type InsideTranslate } from '../../shared/l10n/inside';
import type { TrainedModel } from '../../shared/model';
import { el } from '../common/dom';
import { renderConvCell, renderPoolCell, strongestChannel } from './activationsCells';
import { LayerActivations, type LayerOutput } from './activationsModel';
import { buildSections, type Section } from './activationsSections';
import { fixed, paintBars, paintMap, range, readPalette } from './activationsPaint';
import './activations.css';

export interface ActivationsViewOptions {
  /** Translated strings keyed `inside.<id>`; English for any missing. */
  strings?: Readonly<Record<string, string>>;
  /** Called once, the first time the learner opens the view. */
  onOpened?(): void;
}

export interface Selection {
  layer: number;
  channel: number;
  row: number;
  col: number;
}

export class ActivationsView {
  readonly element: HTMLDetailsElement;
  private readonly t: InsideTranslate;
  private readonly body = el('div', 'inside-layers');
  private readonly status = el('p', { class: 'playground-hint inside-status', role: 'status' });
  private readonly detail = el('div', { class: 'inside-detail', 'aria-live': 'polite' });
  private read?: () => Promise<TrainedModel>;
  private reading?: Promise<void>;
  private model?: LayerActivations;
  private sections: Section[] = [];
  private input?: Float32Array;
  private outputs?: LayerOutput[];
  private opened = false;
  private channelChoice?: { key: string; channel: number };
  selection?: Selection;

  constructor(private readonly options: ActivationsViewOptions = {}) {
    const t = (this.t = makeInsideTranslate(options.strings));
    this.element = el(
      'details',
      { class: 'inside-activations', id: 'inside-activations' },
      el('summary', {}, el('h3', {}, t('activationsTitle'))),
      el('p', { class: 'playground-hint' }, t('activationsHint')),
      this.status,
      this.body,
    ) as HTMLDetailsElement;
    this.element.addEventListener('toggle', () => {
      if (!this.element.open) return;
      if (!this.opened) {
        this.opened = true;
        this.options.onOpened?.();
      }
      void this.refresh();
    });
    this.setStatus();
  }

  /** Opens the view and scrolls it into sight (the walkthrough's link to it). */
  reveal(): void {
    this.element.open = true;
    this.element.scrollIntoView({ block: 'start' });
  }

  get isOpen(): boolean {
    return this.element.open;
  }

  /** The model to look inside: `read` gives its layers and weights, asked once, when the view first needs them. */
  setModel(read: (() => Promise<TrainedModel>) | undefined): void {
    this.read = read;
    this.reading = undefined;
    this.model = undefined;
    this.outputs = undefined;
    this.selection = undefined;
    this.sections = [];
    this.body.replaceChildren();
    this.setStatus();
    if (this.isOpen) void this.refresh();
  }

  /** The 28×28 input the model saw (undefined: a blank pad). Painted at once while the view is open. */
  show(input: Float32Array | undefined): void {
    this.input = input;
    if (!this.isOpen) return;
    if (this.model) this.paint();
    else void this.refresh();
  }

  /** Reads the model if it is not read yet, then paints. Resolves once what can be shown is shown. */
  async refresh(): Promise<void> {
    if (!this.model && this.read) {
      const read = this.read;
      this.reading ??= (async () => {
        try {
          const trained = await read();
          if (read !== this.read) return;
          this.model = new LayerActivations(trained);
          this.build();
        } catch (e) {
          // A model whose weights do not fit its layers, or one replaced meanwhile: say so, keep the page.
          if (read !== this.read) return;
          this.read = undefined;
          this.status.textContent = this.t('activationsFailed', (e as Error).message);
        }
      })();
      await this.reading;
    }
    if (this.model && this.isOpen) this.paint();
  }

  private setStatus(): void {
    this.status.textContent = !this.read
      ? this.t('activationsNoModel')
      : !this.input
        ? this.t('activationsEmpty')
        : '';
    this.body.hidden = !this.model || !this.input;
  }

  // ---- building the sections (once per model) ------------------------------------------------------------

  private build(): void {
    this.sections = buildSections(this.model!.layers, this.t);
    for (const section of this.sections) {
      const [H, W, C] = section.shape;
      if (section.layer >= 0)
        section.maps?.forEach((m, c) =>
          this.makeInteractive(m.box, m.canvas, section.layer, c, H, W, C, c === 0),
        );
    }
    this.body.replaceChildren(...this.sections.map((s) => s.element));
    this.setStatus();
  }

  // ---- pointing and keys ----------------------------------------------------------------------------------

  private makeInteractive(
    box: HTMLElement,
    canvas: HTMLCanvasElement,
    layer: number,
    channel: number,
    H: number,
    W: number,
    C: number,
    first: boolean,
  ): void {
    box.tabIndex = first ? 0 : -1;
    canvas.addEventListener('pointermove', (e) => {
      const r = canvas.getBoundingClientRect();
      const col = Math.min(W - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * W)));
      const row = Math.min(H - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * H)));
      const s = this.selection;
      if (s && s.layer === layer && s.channel === channel && s.row === row && s.col === col) return;
      this.select({ layer, channel, row, col });
    });
    box.addEventListener('focus', () => {
      const s = this.selection;
      if (!s || s.layer !== layer || s.channel !== channel)
        this.select({
          layer,
          channel,
          row: s?.layer === layer ? s.row : 0,
          col: s?.layer === layer ? s.col : 0,
        });
    });
    box.addEventListener('keydown', (e) => {
      const s = this.selection ?? { layer, channel, row: 0, col: 0 };
      const move: Record<string, () => Selection> = {
        ArrowUp: () => ({ ...s, row: Math.max(0, s.row - 1) }),
        ArrowDown: () => ({ ...s, row: Math.min(H - 1, s.row + 1) }),
        ArrowLeft: () => ({ ...s, col: Math.max(0, s.col - 1) }),
        ArrowRight: () => ({ ...s, col: Math.min(W - 1, s.col + 1) }),
        PageUp: () => ({ ...s, channel: Math.max(0, channel - 1) }),
        PageDown: () => ({ ...s, channel: Math.min(C - 1, channel + 1) }),
        Home: () => ({ ...s, channel: 0 }),
        End: () => ({ ...s, channel: C - 1 }),
      };
      if (!(e.key in move)) return;
      e.preventDefault();
      const next = { ...move[e.key](), layer };
      this.select(next);
      if (next.channel !== channel) this.focusMap(layer, next.channel);
    });
  }

  private focusMap(layer: number, channel: number): void {
    const maps = this.sections.find((s) => s.layer === layer)?.maps;
    if (!maps) return;
    maps.forEach((m, c) => (m.box.tabIndex = c === channel ? 0 : -1));
    maps[channel].box.focus();
  }

  /** Shows the receptive field and arithmetic of one map cell (as pointing at it does). */
  select(selection: Selection): void {
    this.selection = selection;
    this.showSelection();
  }

  /** The section whose maps layer `layer` reads: the input's, or the nearest layer above with maps. */
  private sourceOf(layer: number): Section | undefined {
    for (let i = layer - 1; i >= -1; i--) {
      const s = this.sections.find((x) => x.layer === i);
      if (s?.maps) return s;
    }
    return undefined;
  }

  private showSelection(): void {
    for (const s of this.sections)
      for (const m of s.maps ?? []) {
        m.field.hidden = true;
        m.box.classList.remove('selected', 'source');
      }
    const sel = this.selection;
    const model = this.model;
    const section = sel && this.sections.find((s) => s.layer === sel.layer);
    if (!sel || !model || !section?.maps || !this.outputs) {
      this.detail.remove();
      return;
    }
    const [H, W] = section.shape;
    const own = section.maps[sel.channel];
    own.box.classList.add('selected');
    outline(own.field, sel.row, sel.col, 1, H, W);
    const source = this.sourceOf(sel.layer);
    const [SH, SW] = source?.shape ?? [1, 1];
    const kind = model.layers[sel.layer].layer.kind;
    let content: HTMLElement;
    if (kind === 'conv2d') {
      const cell = model.convCell(sel.layer, sel.row, sel.col, sel.channel);
      const key = `${sel.layer}/${sel.channel}/${sel.row}/${sel.col}`;
      const channel = this.channelChoice?.key === key ? this.channelChoice.channel : strongestChannel(cell);
      source?.maps?.forEach((m, c) => {
        outline(m.field, cell.top, cell.left, cell.kernelSize, SH, SW);
        if (c === channel) m.box.classList.add('source');
      });
      content = renderConvCell(
        this.t,
        section.short,
        cell,
        channel,
        (c) => {
          this.channelChoice = { key, channel: c };
          this.showSelection();
        },
        source?.layer === -1 ? this.t('theInput') : this.t('theMapsAbove'),
      );
    } else {
      const cell = model.poolCell(sel.layer, sel.row, sel.col, sel.channel);
      const map = source?.maps?.[sel.channel];
      if (map) {
        outline(map.field, cell.top, cell.left, 2, SH, SW);
        map.box.classList.add('source');
      }
      content = renderPoolCell(this.t, section.short, cell);
    }
    this.detail.replaceChildren(content);
    if (this.detail.parentElement !== section.element) section.element.append(this.detail);
  }

  // ---- painting (every prediction) ------------------------------------------------------------------------

  private paint(): void {
    const model = this.model!;
    this.setStatus();
    if (!this.input) return;
    // Read every time: the theme may have changed since (VS Code swaps the variables on the body).
    const palette = readPalette(this.element);
    const outputs = (this.outputs = model.run(this.input));
    for (const s of this.sections) {
      const values = s.layer < 0 ? this.input : outputs[s.layer].values;
      if (s.maps) {
        const scale = s.layer < 0 ? { min: 0, max: 1 } : range(values);
        const C = s.shape[2];
        s.maps.forEach((m, c) => {
          paintMap(m.image, values, c, C, scale, palette);
          m.canvas.getContext('2d')?.putImageData(m.image, 0, 0);
        });
        s.scale!.textContent = this.t('scale', fixed(scale.min, 2), fixed(scale.max, 2));
      } else if (s.bars) {
        paintBars(s.bars.canvas, values, palette);
        let best = 0;
        for (let u = 1; u < values.length; u++) if (values[u] > values[best]) best = u;
        s.bars.largest.textContent = this.t('unitsLargest', best + 1, fixed(values[best], 3));
      } else if (s.probabilities) {
        s.probabilities.forEach(({ fill, value }, d) => {
          fill.style.width = `${(values[d] * 100).toFixed(1)}%`;
          value.textContent = `${(values[d] * 100).toFixed(1)}\u00a0%`;
        });
      }
    }
    if (this.selection) this.showSelection();
  }

  /** The values of every layer from the last paint (what the maps show), for tests and the bench. */
  get lastOutputs(): readonly LayerOutput[] | undefined {
    return this.outputs;
  }
}

/** Places `field` over a k×k window at (top, left) of an H×W map, in per cent (it may reach past the edge). */
function outline(field: HTMLElement, top: number, left: number, k: number, H: number, W: number): void {
  field.style.top = `${(top / H) * 100}%`;
  field.style.left = `${(left / W) * 100}%`;
  field.style.height = `${(k / H) * 100}%`;
  field.style.width = `${(k / W) * 100}%`;
  field.hidden = false;
}
