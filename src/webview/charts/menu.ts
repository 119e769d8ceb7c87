/** A card's download menu: CSV and JSON of each series, PNG and SVG of the card; keyboard-navigable. */
import { format as formatString } from '../../shared/l10n/format';
import type { CardHost } from './cardHost';
import { seriesName } from './tooltip';

export class DownloadMenu {
  readonly element: HTMLElement;

  constructor(
    private readonly host: CardHost,
    private readonly tag: string,
    /** The card's button that opens the menu; focus returns to it. */
    private readonly button: HTMLButtonElement,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'onramp-chart-menu';
    this.element.setAttribute('role', 'menu');
    this.element.hidden = true;
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('focusout', (e) => {
      if (!this.element.contains(e.relatedTarget as Node | null) && e.relatedTarget !== this.button) {
        this.close(false);
      }
    });
  }

  /** Opens the menu (listing every series with data now) or closes it. */
  toggle(): void {
    if (!this.element.hidden) return this.close(true);
    const s = this.host.strings;
    const items: HTMLElement[] = [];
    for (const d of this.host.seriesForTag(this.tag)) {
      const run = this.host.runLabel(d.runId);
      for (const format of ['csv', 'json'] as const) {
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('role', 'menuitem');
        b.className = 'onramp-chart-menuitem';
        b.dataset.run = d.runId;
        b.dataset.series = d.series;
        b.dataset.format = format;
        b.textContent = formatString(
          format === 'csv' ? s.downloadCsv : s.downloadJson,
          run,
          seriesName(s, d.series),
        );
        b.addEventListener('click', () => {
          this.host.exportSeries(this.tag, d.runId, d.series, format);
          this.close(true);
        });
        items.push(b);
      }
    }
    if (items.length > 0) {
      for (const format of ['png', 'svg'] as const) {
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('role', 'menuitem');
        b.className = 'onramp-chart-menuitem';
        b.dataset.format = format;
        b.textContent = format === 'png' ? s.downloadPng : s.downloadSvg;
        b.addEventListener('click', () => {
          this.host.exportImage(this.tag, format);
          this.close(true);
        });
        items.push(b);
      }
    }
    if (items.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'onramp-chart-menuempty';
      empty.textContent = s.noData;
      items.push(empty);
    }
    this.element.replaceChildren(...items);
    this.element.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    (this.element.querySelector('button') as HTMLElement | null)?.focus();
  }

  close(refocus: boolean): void {
    this.element.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (refocus) this.button.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const items = [...this.element.querySelectorAll<HTMLElement>('button')];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') this.close(true);
    else if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
  }
}
