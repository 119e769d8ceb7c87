// The TensorBoard-logs page: lists the log folder's runs and tag groups, draws one TensorBoard-style card per
// tag with the shared chart component, explains a folder that draws nothing, and shows the hyperparameters table
// (hparamsTable.ts). main.ts connects it to the host.
import {
  createChartPanel,
  defaultChartStrings,
  type ChartPanel,
  type ChartStrings,
  type ExportFile,
} from '../charts';
import {
  type FolderStatus,
  type ReceivedHostMessage,
  type RunSummary,
  type WebviewMessage,
} from '../../shared/protocol/tensorboard';
import { chartPlacement, compareNames, groupTags, type ChartPlacement } from '../../shared/tensorboard/tags';
import { format } from '../../shared/l10n/format';
import { TENSORBOARD_STRINGS, type TensorBoardStrings } from '../../shared/l10n/tensorboard';
import { el } from '../common/dom';
import { formatBytes } from './bytes';
import { HParamsTable } from './hparamsTable';

/** What the host embeds in the page (`<script type="application/json" id="tb-strings">`). */
export interface EmbeddedStrings {
  page?: Partial<TensorBoardStrings>;
  charts?: Partial<ChartStrings>;
}

export class TensorBoardPage {
  private readonly strings: TensorBoardStrings;
  private readonly charts: ChartPanel;
  /** Run-list labels of chart runs that are not named after a folder (the training panel's runs). */
  private readonly runLabels = new Map<string, string>();
  private readonly folderLine = el('p', 'tb-meta');
  private readonly summaryLine = el('p', 'tb-meta');
  private readonly waiting: HTMLParagraphElement;
  private readonly progressLine = el('p', 'tb-meta');
  private readonly explanation = el('div', 'tb-explanation');
  private status: FolderStatus | undefined;
  private runCount = 0;
  private folderName = '.';
  private runList: readonly RunSummary[] = [];
  private experimentMetrics: readonly string[] | undefined;
  /** The latest value of each run's tag (key `run\0tag`), for the hyperparameters table. */
  private readonly lastValues = new Map<string, number>();
  private readonly table: HParamsTable;
  private readonly warnings = el('div', 'tb-warnings');
  private readonly warningList = el('ul');
  private readonly groupNav = el('nav', 'tb-groups');
  /** Chart runs and cards made so far (a Keras `train/` and `validation/` pair is one chart run). */
  private readonly knownRuns = new Set<string>();
  private readonly knownCards = new Set<string>();
  private readonly placements = new Map<string, ChartPlacement>();
  /** Points handed to the chart per run and tag (key `run\0tag`). */
  private readonly counts = new Map<string, number>();
  private readonly unreported = new Set<string>();
  private reportScheduled = false;

  constructor(
    root: HTMLElement,
    embedded: EmbeddedStrings,
    private readonly post: (message: WebviewMessage) => void,
  ) {
    this.strings = { ...TENSORBOARD_STRINGS, ...embedded.page };
    const chartStrings: ChartStrings = { ...defaultChartStrings, ...embedded.charts };
    this.table = new HParamsTable(this.strings, chartStrings, {
      runs: () => this.runList,
      experimentMetrics: () => this.experimentMetrics,
      lastValue: (key) => this.lastValues.get(key),
      folderName: () => this.folderName,
      place: (run, tag) => this.place(run, tag, false),
    });
    const header = el('header', 'tb-header');
    header.append(
      el('h1', undefined, this.strings.heading),
      this.folderLine,
      this.summaryLine,
      this.progressLine,
    );
    this.progressLine.hidden = true;
    this.waiting = el('p', 'tb-waiting', this.strings.waiting);
    this.explanation.hidden = true;
    this.warnings.hidden = true;
    this.warnings.append(el('strong', undefined, this.strings.warnings), this.warningList);
    this.groupNav.setAttribute('aria-label', this.strings.tagGroups);
    this.groupNav.hidden = true;
    const chartsRoot = el('div', 'tb-charts');
    root.replaceChildren(
      header,
      this.warnings,
      this.waiting,
      this.explanation,
      this.table.section,
      this.groupNav,
      chartsRoot,
    );
    this.charts = createChartPanel(chartsRoot, {
      autoCards: true,
      strings: embedded.charts,
      onDownload: (file: ExportFile) => this.post({ type: 'saveFile', ...file }),
    });
  }

  handle(message: ReceivedHostMessage): void {
    switch (message.type) {
      case 'runs':
        this.experimentMetrics = message.metrics;
        this.showRuns(message.folder, message.runs);
        return;
      case 'points': {
        const place = this.place(message.run, message.tag);
        const key = `${message.run}\0${message.tag}`;
        if (message.replace) {
          this.charts.setSeries(place.chartRun, place.card, place.series, message.points);
          this.counts.set(key, message.points.length);
        } else {
          this.charts.append(place.chartRun, place.card, place.series, message.points);
          this.counts.set(key, (this.counts.get(key) ?? 0) + message.points.length);
        }
        const last = message.points[message.points.length - 1];
        if (last) this.lastValues.set(key, last.value);
        else if (message.replace) this.lastValues.delete(key);
        this.table.schedule();
        this.unreported.add(key);
        this.scheduleReport();
        return;
      }
      case 'status':
        this.status = message.status;
        this.explain();
        return;
      case 'warning': {
        this.warningList.append(el('li', undefined, message.message));
        this.warnings.hidden = false;
        return;
      }
    }
  }

  private showRuns(folder: string, runs: readonly RunSummary[]): void {
    this.folderLine.textContent = format(this.strings.folder, folder);
    this.folderName = folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
    // The folder's own runs: the panel's runs are drawn beside them but say nothing about the folder.
    const logRuns = runs.filter((r) => r.source !== 'panel');
    const tags = new Set(logRuns.flatMap((r) => r.tags));
    this.summaryLine.textContent = format(this.strings.summary, logRuns.length, tags.size);
    this.runCount = logRuns.length;
    this.runList = runs;
    for (const run of runs) {
      if (run.source !== 'panel' || run.label === undefined) continue;
      const chartRun = run.tags.length > 0 ? chartPlacement(run.name, run.tags[0]).chartRun : run.name;
      const label = format(this.strings.panelRun, run.label);
      if (this.runLabels.get(chartRun) === label) continue;
      this.runLabels.set(chartRun, label);
      if (this.knownRuns.has(chartRun)) this.charts.addRun({ id: chartRun, label });
    }
    this.table.schedule();
    const cards = new Set<string>();
    // The folder's runs first, then the panel's, so that the run list reads in that order too.
    const ordered = [...runs].sort(
      (a, b) => Number(a.source === 'panel') - Number(b.source === 'panel') || compareNames(a.name, b.name),
    );
    for (const run of ordered) {
      for (const tag of run.tags) cards.add(this.place(run.name, tag, false).card);
    }
    const groups = groupTags(cards);
    // Cards in TensorBoard's order: by group, then tag. Tags that appear later join at the end.
    for (const group of groups) {
      for (const card of group.tags) this.addCard(card);
    }
    this.groupNav.replaceChildren(el('span', 'tb-meta', this.strings.tagGroups));
    for (const group of groups) {
      const button = el('button', undefined, `${group.name} (${group.tags.length})`);
      button.type = 'button';
      button.addEventListener('click', () => {
        const card = document.querySelector(`.onramp-chart-card[data-tag="${CSS.escape(group.tags[0])}"]`);
        card?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      });
      this.groupNav.append(button);
    }
    this.groupNav.hidden = groups.length === 0;
    this.explain();
  }

  /** Where a run's tag is drawn; makes its chart run (and, unless told not to, its card). */
  private place(run: string, tag: string, makeCard = true): ChartPlacement {
    const key = `${run}\0${tag}`;
    let place = this.placements.get(key);
    if (!place) {
      place = chartPlacement(run, tag);
      this.placements.set(key, place);
    }
    if (!this.knownRuns.has(place.chartRun)) {
      this.knownRuns.add(place.chartRun);
      this.charts.addRun({ id: place.chartRun, label: this.runLabel(place.chartRun) });
    }
    if (makeCard) this.addCard(place.card);
    return place;
  }

  private runLabel(chartRun: string): string {
    return this.runLabels.get(chartRun) ?? (chartRun === '.' ? this.folderName : chartRun);
  }

  private addCard(card: string): void {
    if (this.knownCards.has(card)) return;
    this.knownCards.add(card);
    this.charts.addCard({ tag: card, title: card });
  }

  /** Reading progress, and, while nothing can be drawn, why: what was searched, found and seen. */
  private explain(): void {
    const status = this.status;
    const s = this.strings;
    const reading = status !== undefined && status.bytesRead < status.bytes;
    this.progressLine.hidden = !reading;
    if (status && reading) {
      this.progressLine.textContent = format(
        s.reading,
        formatBytes(status.bytesRead),
        formatBytes(status.bytes),
      );
    }
    const empty = this.runCount === 0;
    this.waiting.hidden = !empty || status !== undefined;
    this.explanation.hidden = !empty || status === undefined;
    if (!empty || !status) return;
    const lines: string[] = [];
    if (status.eventFiles === 0) {
      lines.push(format(s.noEventFiles, status.folders), s.eventFilesHint);
    } else {
      lines.push(format(s.noScalars, status.eventFiles, formatBytes(status.bytes)));
      const records = Object.entries(status.otherRecords);
      const onlyHeaders = status.otherTags.length === 0 && records.every(([kind]) => kind === 'file_version');
      if (onlyHeaders && !reading) lines.push(s.onlyHeaders);
      if (status.otherTags.length > 0) {
        const list = status.otherTags.map(
          (t) => `${t.plugin}: ${format(s.tagCount, t.count, t.examples.slice(0, 3).join(', '))}`,
        );
        lines.push(format(s.otherTags, list.join('; ')));
      }
      if (records.length > 0) {
        lines.push(format(s.otherRecords, records.map(([kind, n]) => `${kind} ${n}`).join(', ')));
      }
    }
    if (status.skippedLinks > 0) lines.push(format(s.skippedLinks, status.skippedLinks));
    if (!reading) lines.push(s.waiting);
    const list = el('ul');
    for (const line of lines) list.append(el('li', undefined, line));
    this.explanation.replaceChildren(el('strong', undefined, s.whyEmpty), list);
  }

  /** Tells the host what arrived, batched (a timer, not a frame: frames stop while the tab is hidden). */
  private scheduleReport(): void {
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    setTimeout(() => {
      this.reportScheduled = false;
      for (const key of this.unreported) {
        const [run, tag] = key.split('\0');
        const place = this.placements.get(key);
        this.post({ type: 'shown', run, tag, count: this.counts.get(key) ?? 0, ...place });
      }
      this.unreported.clear();
    }, 100);
  }
}
