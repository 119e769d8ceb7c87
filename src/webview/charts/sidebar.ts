/**
 * The panel's sidebar: smoothing (slider and number), x axis, "ignore outliers", and the run list with its
 * regex filter and show-all box. It reads and changes settings through a small host interface.
 */
import type { ChartStrings } from '../../shared/l10n/charts';
import { format as formatString } from '../../shared/l10n/format';
import { el } from '../common/dom';
import { MAX_SMOOTHING } from './settings';
import type { ChartSettings, RunState, XAxisMode } from './types';

/** What the sidebar needs from its panel. */
export interface SidebarHost {
  readonly strings: ChartStrings;
  readonly settings: ChartSettings;
  /** Applies a change the user made and tells the page (`onSettingsChange`). */
  changeSettings(partial: Partial<ChartSettings>): void;
  /** Every run, in the order added (a fresh array). */
  runStates(): RunState[];
  matchesFilter(run: RunState): boolean;
  runColor(run: RunState): string;
}

export class Sidebar {
  readonly element: HTMLElement;
  private readonly runList: HTMLElement;
  private readonly controls: {
    smoothingRange: HTMLInputElement;
    smoothingNumber: HTMLInputElement;
    xAxis: Map<XAxisMode, HTMLInputElement>;
    outliers: HTMLInputElement;
    filter: HTMLInputElement;
    filterError: HTMLElement;
    allRuns: HTMLInputElement;
  };

  constructor(
    private readonly host: SidebarHost,
    id: number,
  ) {
    const s = host.strings;
    const side = el('div', 'onramp-charts-sidebar');
    side.setAttribute('role', 'region');
    side.setAttribute('aria-label', s.toolbarLabel);

    // Smoothing: a slider and a number box, as TensorBoard has.
    const smoothing = el('div', 'onramp-charts-group');
    const smoothingId = `onramp-smoothing-${id}`;
    const smoothingLabel = el('label', 'onramp-charts-heading', s.smoothing);
    smoothingLabel.htmlFor = smoothingId;
    const row = el('div', 'onramp-charts-row');
    const range = el('input');
    range.type = 'range';
    range.id = smoothingId;
    range.min = '0';
    range.max = String(MAX_SMOOTHING);
    range.step = '0.001';
    range.className = 'onramp-charts-slider';
    const num = el('input', 'onramp-charts-number');
    num.type = 'number';
    num.min = '0';
    num.max = String(MAX_SMOOTHING);
    num.step = '0.001';
    num.setAttribute('aria-label', s.smoothing);
    range.addEventListener('input', () => this.host.changeSettings({ smoothing: Number(range.value) }));
    num.addEventListener('change', () => {
      const v = Number(num.value);
      if (Number.isFinite(v)) this.host.changeSettings({ smoothing: v });
      else this.sync();
    });
    row.append(range, num);
    smoothing.append(smoothingLabel, row);

    // X axis: radio buttons.
    const axis = el('fieldset', 'onramp-charts-group');
    axis.append(el('legend', 'onramp-charts-heading', s.xAxis));
    const axisRow = el('div', 'onramp-charts-radios');
    const radios = new Map<XAxisMode, HTMLInputElement>();
    for (const [mode, label] of [
      ['step', s.xAxisStep],
      ['relative', s.xAxisRelative],
      ['wall', s.xAxisWall],
    ] as const) {
      const lab = el('label', 'onramp-charts-radio');
      const input = el('input');
      input.type = 'radio';
      input.name = `onramp-xaxis-${id}`;
      input.value = mode;
      input.addEventListener('change', () => input.checked && this.host.changeSettings({ xAxis: mode }));
      radios.set(mode, input);
      lab.append(input, document.createTextNode(label));
      axisRow.append(lab);
    }
    axis.append(axisRow);

    // Ignore outliers.
    const outliersLabel = el('label', 'onramp-charts-check onramp-charts-group');
    const outliers = el('input');
    outliers.type = 'checkbox';
    outliers.addEventListener('change', () => this.host.changeSettings({ ignoreOutliers: outliers.checked }));
    outliersLabel.append(outliers, document.createTextNode(s.ignoreOutliers));

    // Runs: filter, all/none, list.
    const runs = el('div', 'onramp-charts-group onramp-charts-runs');
    runs.append(el('div', 'onramp-charts-heading', s.runs));
    const filter = el('input', 'onramp-charts-filter');
    filter.type = 'search';
    filter.placeholder = s.runFilterPlaceholder;
    filter.setAttribute('aria-label', s.runFilterPlaceholder);
    filter.spellcheck = false;
    filter.addEventListener('input', () => this.host.changeSettings({ runFilter: filter.value }));
    const filterError = el('div', 'onramp-charts-error');
    filterError.setAttribute('role', 'alert');
    filterError.hidden = true;
    const allLabel = el('label', 'onramp-charts-check onramp-charts-all');
    const all = el('input');
    all.type = 'checkbox';
    all.setAttribute('aria-label', s.showAllRuns);
    all.addEventListener('change', () => {
      const visible = this.host
        .runStates()
        .filter((r) => this.host.matchesFilter(r))
        .map((r) => r.spec.id);
      const hidden = new Set(this.host.settings.hiddenRuns);
      for (const id of visible) {
        if (all.checked) hidden.delete(id);
        else hidden.add(id);
      }
      this.host.changeSettings({ hiddenRuns: [...hidden] });
    });
    allLabel.append(all, document.createTextNode(s.showAllRuns));
    const list = el('ul', 'onramp-charts-runlist');
    list.setAttribute('aria-label', s.runs);
    runs.append(filter, filterError, allLabel, list);

    side.append(smoothing, axis, outliersLabel, runs);
    this.element = side;
    this.runList = list;
    this.controls = {
      smoothingRange: range,
      smoothingNumber: num,
      xAxis: radios,
      outliers,
      filter,
      filterError,
      allRuns: all,
    };
    this.sync();
    filter.value = host.settings.runFilter;
  }

  /** Shows why the run filter is not a valid regular expression ('' hides it). */
  showFilterError(error: string): void {
    const { filterError, filter } = this.controls;
    filterError.textContent = error;
    filterError.hidden = !error;
    filter.setAttribute('aria-invalid', String(!!error));
  }

  /** Sets the controls to the current settings (leaving alone a box the user is typing in). */
  sync(): void {
    const c = this.controls;
    const st = this.host.settings;
    c.smoothingRange.value = String(st.smoothing);
    if (document.activeElement !== c.smoothingNumber) {
      c.smoothingNumber.value = String(st.smoothing);
    }
    c.xAxis.forEach((input, mode) => (input.checked = mode === st.xAxis));
    c.outliers.checked = st.ignoreOutliers;
    if (c.filter.value !== st.runFilter && document.activeElement !== c.filter) {
      c.filter.value = st.runFilter;
    }
  }

  /** Redraws the run list: runs matching the filter, live first, with checkbox, colour and name. */
  renderRunList(): void {
    const list = this.runList;
    const runs = this.host
      .runStates()
      .sort((a, b) => Number(!!b.spec.live) - Number(!!a.spec.live) || a.order - b.order);
    const items: HTMLElement[] = [];
    let shown = 0;
    let checked = 0;
    for (const run of runs) {
      if (!this.host.matchesFilter(run)) continue;
      shown++;
      const li = el('li', 'onramp-charts-run');
      const label = el('label', 'onramp-charts-check');
      const box = el('input');
      box.type = 'checkbox';
      box.checked = !this.host.settings.hiddenRuns.includes(run.spec.id);
      if (box.checked) checked++;
      box.setAttribute('aria-label', formatString(this.host.strings.toggleRun, run.label));
      box.dataset.run = run.spec.id;
      box.addEventListener('change', () => {
        const hidden = this.host.settings.hiddenRuns.filter((id) => id !== run.spec.id);
        if (!box.checked) hidden.push(run.spec.id);
        this.host.changeSettings({ hiddenRuns: hidden });
      });
      const swatch = el('span', 'onramp-charts-swatch');
      swatch.style.backgroundColor = this.host.runColor(run);
      swatch.setAttribute('aria-hidden', 'true');
      const name = el('span', 'onramp-charts-runname', run.label);
      name.title = run.label;
      label.append(box, swatch, name);
      if (run.spec.live) label.append(el('span', 'onramp-charts-badge', this.host.strings.liveRun));
      li.append(label);
      items.push(li);
    }
    if (runs.length === 0) items.push(el('li', 'onramp-charts-empty', this.host.strings.noRuns));
    list.replaceChildren(...items);
    const all = this.controls.allRuns;
    all.checked = shown > 0 && checked === shown;
    all.indeterminate = checked > 0 && checked < shown;
    all.disabled = shown === 0;
  }
}
