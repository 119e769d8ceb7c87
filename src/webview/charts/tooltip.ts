/** A card's tooltip (every drawn line's point nearest the pointer, as a table) and the marker on the nearest one. */
import type { ChartStrings } from '../../shared/l10n/charts';
import { formatDuration, formatValue, formatWallTime } from './format';
import type { TooltipRow } from './types';

export class Tooltip {
  readonly element: HTMLElement;
  /** The ring drawn on the nearest point; lives in the plot's overlay. */
  readonly marker: HTMLElement;

  constructor(private readonly strings: ChartStrings) {
    this.element = document.createElement('div');
    this.element.className = 'onramp-chart-tooltip';
    this.element.hidden = true;
    this.marker = document.createElement('div');
    this.marker.className = 'onramp-chart-marker';
    this.marker.hidden = true;
  }

  get hidden(): boolean {
    return this.element.hidden;
  }

  /** Shows `rows` beside the pointer at (`left`, `top`) CSS px in the plot area whose box is `over`. */
  show(
    rows: readonly (TooltipRow & { color: string })[],
    left: number,
    top: number,
    over: DOMRect | undefined,
  ): void {
    const s = this.strings;
    const table = document.createElement('table');
    const head = document.createElement('tr');
    for (const text of [
      '',
      s.tooltipRun,
      s.tooltipSmoothed,
      s.tooltipValue,
      s.tooltipStep,
      s.tooltipTime,
      s.tooltipRelative,
    ]) {
      const th = document.createElement('th');
      th.textContent = text;
      head.append(th);
    }
    table.append(head);
    for (const r of rows) {
      const tr = document.createElement('tr');
      if (r.nearest) tr.className = 'onramp-chart-nearest';
      const sw = document.createElement('td');
      const dot = document.createElement('span');
      dot.className = 'onramp-charts-swatch';
      dot.style.backgroundColor = r.color;
      sw.append(dot);
      tr.append(sw);
      for (const text of [
        r.series ? `${r.run} (${seriesName(s, r.series)})` : r.run,
        formatValue(r.smoothed),
        formatValue(r.value),
        String(r.step),
        formatWallTime(r.wallTime),
        formatDuration(r.relativeTime),
      ]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      table.append(tr);
    }
    this.element.replaceChildren(table);
    this.element.hidden = false;
    // Beside the pointer, fixed to the viewport so it may overlap neighbours, flipped to stay on screen.
    const cx = (over?.left ?? 0) + left;
    const cy = (over?.top ?? 0) + top;
    const tw = this.element.offsetWidth;
    const th = this.element.offsetHeight;
    let x = cx + 16;
    let y = cy + 16;
    if (x + tw > window.innerWidth - 4) x = Math.max(4, cx - tw - 16);
    if (y + th > window.innerHeight - 4) y = Math.max(4, cy - th - 16);
    this.element.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  hide(): void {
    this.element.hidden = true;
    this.marker.hidden = true;
  }

  /** Puts the marker on the nearest point at (`px`, `py`), or hides it when that point is not drawn. */
  mark(px: number, py: number, color: string): void {
    if (Number.isFinite(py)) {
      this.marker.hidden = false;
      this.marker.style.transform = `translate(${px}px, ${py}px)`;
      this.marker.style.borderColor = color;
    } else this.marker.hidden = true;
  }
}

/** A series as the user reads it: the two every host draws, train and validation, in the page's language. */
export function seriesName(s: ChartStrings, series: string): string {
  return series === 'train' ? s.seriesTrain : series === 'validation' ? s.seriesValidation : series;
}
