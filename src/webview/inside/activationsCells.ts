/**
 * The arithmetic behind one feature-map cell, written out as CNN Explainer does: the input patch, the kernel
 * and their products as small number grids (for one input channel at a time when there are several, with
 * each channel's sum listed), then Σ products + bias = the value before the activation, then ReLU (or linear)
 * = the value in the map. A max-pooling cell shows its 2×2 window and its maximum. Every figure shown is
 * also on the element's data attributes at full precision (what the webview test compares).
 */
import type { InsideTranslate } from '../../shared/l10n/inside';
import { el } from '../common/dom';
import type { ConvCell, PoolCell } from './activationsModel';
import { fixed } from './activationsPaint';

const GRID_DIGITS = 2;
const SUM_DIGITS = 4;

function numberGrid(
  label: string,
  side: number,
  value: (i: number) => number,
  outside: (i: number) => boolean,
): HTMLElement {
  const grid = el('div', {
    class: 'inside-numbers',
    role: 'table',
    'aria-label': label,
  });
  // Through the CSSOM: the page's CSP refuses style attributes.
  grid.style.gridTemplateColumns = `repeat(${side}, auto)`;
  for (let i = 0; i < side * side; i++) {
    const v = value(i);
    grid.append(
      el(
        'span',
        { role: 'cell', class: outside(i) ? 'pad' : v < 0 ? 'neg' : '', 'data-value': String(v) },
        fixed(v, GRID_DIGITS),
      ),
    );
  }
  return el('figure', 'inside-grid', grid, el('figcaption', {}, label));
}

function setData(element: HTMLElement, data: Record<string, number | string>): void {
  for (const [k, v] of Object.entries(data)) element.dataset[k] = String(v);
}

/** The channel whose products add up to the most (in size): the one worth reading first. */
export function strongestChannel(cell: ConvCell): number {
  let best = 0;
  cell.channelSums.forEach((s, c) => {
    if (Math.abs(s) > Math.abs(cell.channelSums[best])) best = c;
  });
  return best;
}

export function renderConvCell(
  t: InsideTranslate,
  layerName: string,
  cell: ConvCell,
  channel: number,
  onChannel: (channel: number) => void,
  fieldOf: string,
): HTMLElement {
  const { kernelSize: k, channels: C } = cell;
  const at = (i: number) => i * C + channel;
  const outside = (i: number) => !cell.inside[i];
  const many = C > 1;
  const box = el('div', { class: 'inside-cell' });
  setData(box, {
    kind: 'conv',
    layer: cell.layer,
    filter: cell.filter,
    row: cell.row,
    col: cell.col,
    top: cell.top,
    left: cell.left,
    channel,
    sum: cell.sum,
    bias: cell.bias,
    pre: cell.pre,
    value: cell.value,
  });
  box.append(
    el('h4', {}, t('cellTitle', layerName, cell.filter + 1, cell.row + 1, cell.col + 1)),
    el(
      'p',
      {},
      t('convField', cell.top + 1, cell.top + k, cell.left + 1, cell.left + k, fieldOf),
      cell.inside.every(Boolean) ? undefined : ` ${t('fieldOutside')}`,
    ),
  );
  if (many) {
    const select = el('select', { class: 'inside-channel', 'aria-label': t('channel') });
    for (let c = 0; c < C; c++) {
      const option = el(
        'option',
        { value: String(c) },
        `${c + 1}: Σ ${fixed(cell.channelSums[c], SUM_DIGITS)}`,
      );
      if (c === channel) option.selected = true;
      select.append(option);
    }
    select.addEventListener('change', () => onChannel(Number(select.value)));
    box.append(el('label', 'inside-channel-label', `${t('channel')} `, select));
  }
  box.append(
    el(
      'div',
      'inside-grids',
      numberGrid(many ? t('patchOfChannel', channel + 1) : t('patch'), k, (i) => cell.patch[at(i)], outside),
      el('span', { class: 'inside-op', 'aria-hidden': 'true' }, '×'),
      numberGrid(
        many ? t('kernelOfChannel', cell.filter + 1, channel + 1) : t('kernel', cell.filter + 1),
        k,
        (i) => cell.kernel[at(i)],
        () => false,
      ),
      el('span', { class: 'inside-op', 'aria-hidden': 'true' }, '='),
      numberGrid(t('products'), k, (i) => cell.patch[at(i)] * cell.kernel[at(i)], outside),
    ),
  );
  if (many) {
    const sums = el('ol', 'inside-channel-sums');
    cell.channelSums.forEach((s, c) =>
      sums.append(el('li', c === channel ? 'selected' : '', `${c + 1}: ${fixed(s, SUM_DIGITS)}`)),
    );
    box.append(el('p', {}, t('channelSums')), sums);
  }
  const pre = fixed(cell.pre, SUM_DIGITS);
  box.append(
    el(
      'p',
      'inside-equation',
      el('span', 'inside-sum', t('sumLine', fixed(cell.sum, SUM_DIGITS))),
      el('br'),
      t('biasLine', fixed(cell.sum, SUM_DIGITS), fixed(cell.bias, SUM_DIGITS), pre),
      el('br'),
      el(
        'strong',
        'inside-value',
        cell.activation === 'relu'
          ? t('reluLine', pre, fixed(cell.value, SUM_DIGITS))
          : t('linearLine', pre, fixed(cell.value, SUM_DIGITS)),
      ),
    ),
  );
  return box;
}

export function renderPoolCell(t: InsideTranslate, layerName: string, cell: PoolCell): HTMLElement {
  const box = el('div', { class: 'inside-cell' });
  setData(box, {
    kind: 'pool',
    layer: cell.layer,
    channel: cell.channel,
    row: cell.row,
    col: cell.col,
    top: cell.top,
    left: cell.left,
    value: cell.value,
  });
  const values = Array.from(cell.window, (v) => fixed(v, SUM_DIGITS)).join(', ');
  box.append(
    el('h4', {}, t('poolTitle', layerName, cell.channel + 1, cell.row + 1, cell.col + 1)),
    el('p', {}, t('poolField', cell.top + 1, cell.top + 2, cell.left + 1, cell.left + 2)),
    el(
      'div',
      'inside-grids',
      numberGrid(
        t('patch'),
        2,
        (i) => cell.window[i],
        () => false,
      ),
    ),
    el(
      'p',
      'inside-equation',
      el('strong', 'inside-value', t('poolLine', values, fixed(cell.value, SUM_DIGITS))),
    ),
  );
  return box;
}
