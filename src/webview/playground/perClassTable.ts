/**
 * The per-class accuracy table (src/shared/examples/perClass.ts computes it): a row per digit, one column per
 * set of answers, each cell a bar and "accuracy (right/count)". The Evaluate tab shows one column beside the
 * confusion matrix; "Your examples" shows the current model on the learner's drawings, and before and after a
 * fine-tune side by side. Cells carry their figures as data attributes (tests and screen readers read them).
 */
import type { ClassAccuracy } from '../../shared/examples/perClass';
import type { PlaygroundTranslate } from '../../shared/l10n/playground';
import { el } from '../common/dom';

export interface PerClassColumn {
  /** The column's heading. */
  title: string;
  /** What `data-column` says (a test's handle). */
  key: string;
  rows: readonly ClassAccuracy[];
}

const pct = (v: number) => `${(v * 100).toFixed(1)}\u00a0%`;

export function perClassTable(
  t: PlaygroundTranslate,
  columns: readonly PerClassColumn[],
  caption: string,
): HTMLTableElement {
  const head = el('tr', {}, el('th', { scope: 'col' }, t('perClassDigit')));
  for (const c of columns) head.append(el('th', { scope: 'col', 'data-column': c.key }, c.title));
  const body = el('tbody');
  const digits = columns[0]?.rows.length ?? 0;
  for (let d = 0; d < digits; d++) {
    const row = el('tr', { 'data-digit': String(d) }, el('th', { scope: 'row' }, String(d)));
    for (const c of columns) {
      const r = c.rows[d];
      const text =
        r.accuracy === undefined ? t('perClassNone') : t('perClassCell', pct(r.accuracy), r.correct, r.count);
      const fill = el('div', { class: 'fill' });
      fill.style.width = `${((r.accuracy ?? 0) * 100).toFixed(1)}%`;
      row.append(
        el(
          'td',
          {
            'data-column': c.key,
            'data-count': String(r.count),
            'data-correct': String(r.correct),
            ...(r.accuracy !== undefined && { 'data-accuracy': String(r.accuracy) }),
          },
          el('div', { class: 'track', 'aria-hidden': 'true' }, fill),
          el('span', { class: 'value' }, text),
        ),
      );
    }
    body.append(row);
  }
  return el(
    'table',
    { class: 'playground-per-class' },
    el('caption', {}, caption),
    el('thead', {}, head),
    body,
  );
}
