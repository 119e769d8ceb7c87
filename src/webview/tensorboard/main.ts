/**
 * The TensorBoard-logs page: the host reads event files and sends runs and points (src/tensorboard/
 * protocol.ts); this page lists the runs and tag groups and draws one TensorBoard-style card per tag
 * with the shared chart component. Every host message is validated before use.
 */
import { createChartPanel, type ChartPanel, type ChartStrings, type ExportFile } from '../charts';
import {
  chartPlacement,
  compareNames,
  groupTags,
  parseHostMessage,
  type ChartPlacement,
  type ExportMime,
  type FolderStatus,
  type HParamValue,
  type ReceivedHostMessage,
  type RunSummary,
  type WebviewMessage,
} from '../../tensorboard/protocol';
import { TENSORBOARD_STRINGS, format, type TensorBoardStrings } from './strings';
import './tensorboard.css';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What the host embeds in the page (`<script type="application/json" id="tb-strings">`). */
interface EmbeddedStrings {
  page?: Partial<TensorBoardStrings>;
  charts?: Partial<ChartStrings>;
}

function readEmbeddedStrings(): EmbeddedStrings {
  try {
    const text = document.getElementById('tb-strings')?.textContent;
    const parsed: unknown = text ? JSON.parse(text) : {};
    return typeof parsed === 'object' && parsed !== null ? (parsed as EmbeddedStrings) : {};
  } catch {
    return {};
  }
}

/** Outside VS Code (a test page) messages go to `window.tensorBoardOutbox` and an event instead. */
function connect(): (message: WebviewMessage) => void {
  const acquire = (window as unknown as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi;
  const api = typeof acquire === 'function' ? acquire() : undefined;
  return (message) => {
    if (api) return api.postMessage(message);
    const outbox = ((window as unknown as { tensorBoardOutbox?: WebviewMessage[] }).tensorBoardOutbox ??= []);
    outbox.push(message);
    window.dispatchEvent(new CustomEvent('tensorboard-message', { detail: message }));
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function formatHParam(value: HParamValue | undefined): string {
  return value === undefined ? '' : String(value);
}

function formatMetric(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

class TensorBoardPage {
  private readonly strings: TensorBoardStrings;
  private readonly charts: ChartPanel;
  private readonly folderLine = element('p', 'tb-meta');
  private readonly summaryLine = element('p', 'tb-meta');
  private readonly waiting: HTMLParagraphElement;
  private readonly progressLine = element('p', 'tb-meta');
  private readonly explanation = element('div', 'tb-explanation');
  private status: FolderStatus | undefined;
  private runCount = 0;
  private folderName = '.';
  private runList: readonly RunSummary[] = [];
  private experimentMetrics: readonly string[] | undefined;
  /** The latest value of each run's tag (key `run\0tag`), for the hyperparameters table. */
  private readonly lastValues = new Map<string, number>();
  private readonly hparamsSection = element('section', 'tb-hparams');
  private readonly onlyDiffering = element('input');
  private readonly bestBy = element('select');
  private tableScheduled = false;
  private readonly warnings = element('div', 'tb-warnings');
  private readonly warningList = element('ul');
  private readonly groupNav = element('nav', 'tb-groups');
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
    const header = element('header', 'tb-header');
    header.append(
      element('h1', undefined, this.strings.heading),
      this.folderLine,
      this.summaryLine,
      this.progressLine,
    );
    this.progressLine.hidden = true;
    this.waiting = element('p', 'tb-waiting', this.strings.waiting);
    this.explanation.hidden = true;
    this.warnings.hidden = true;
    this.warnings.append(element('strong', undefined, this.strings.warnings), this.warningList);
    this.groupNav.setAttribute('aria-label', this.strings.tagGroups);
    this.groupNav.hidden = true;
    const chartsRoot = element('div', 'tb-charts');
    this.hparamsSection.hidden = true;
    this.onlyDiffering.type = 'checkbox';
    this.onlyDiffering.addEventListener('change', () => this.renderTable());
    this.bestBy.setAttribute('aria-label', this.strings.bestBy);
    this.bestBy.addEventListener('change', () => this.renderTable());
    root.replaceChildren(
      header,
      this.warnings,
      this.waiting,
      this.explanation,
      this.hparamsSection,
      this.groupNav,
      chartsRoot,
    );
    this.charts = createChartPanel(chartsRoot, {
      autoCards: true,
      strings: embedded.charts,
      onDownload: (file: ExportFile) => this.post({ type: 'export', ...file, mime: file.mime as ExportMime }),
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
        this.scheduleTable();
        this.unreported.add(key);
        this.scheduleReport();
        return;
      }
      case 'status':
        this.status = message.status;
        this.explain();
        return;
      case 'warning': {
        this.warningList.append(element('li', undefined, message.message));
        this.warnings.hidden = false;
        return;
      }
    }
  }

  private showRuns(folder: string, runs: readonly RunSummary[]): void {
    this.folderLine.textContent = format(this.strings.folder, folder);
    this.folderName = folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
    const tags = new Set(runs.flatMap((r) => r.tags));
    this.summaryLine.textContent = format(this.strings.summary, runs.length, tags.size);
    this.runCount = runs.length;
    this.runList = runs;
    this.scheduleTable();
    const cards = new Set<string>();
    for (const run of [...runs].sort((a, b) => compareNames(a.name, b.name))) {
      for (const tag of run.tags) cards.add(this.place(run.name, tag, false).card);
    }
    const groups = groupTags(cards);
    // Cards in TensorBoard's order: by group, then tag. Tags that appear later join at the end.
    for (const group of groups) {
      for (const card of group.tags) this.addCard(card);
    }
    this.groupNav.replaceChildren(element('span', 'tb-meta', this.strings.tagGroups));
    for (const group of groups) {
      const button = element('button', undefined, `${group.name} (${group.tags.length})`);
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
      const label = place.chartRun === '.' ? this.folderName : place.chartRun;
      this.charts.addRun({ id: place.chartRun, label });
    }
    if (makeCard) this.addCard(place.card);
    return place;
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
    const list = element('ul');
    for (const line of lines) list.append(element('li', undefined, line));
    this.explanation.replaceChildren(element('strong', undefined, s.whyEmpty), list);
  }

  private scheduleTable(): void {
    if (this.tableScheduled) return;
    this.tableScheduled = true;
    setTimeout(() => {
      this.tableScheduled = false;
      this.renderTable();
    }, 100);
  }

  /**
   * The runs that have hyperparameters, one row each: their values, then the latest value of each
   * metric (the experiment's, else every scalar of the run and of its `train/` and `validation/`).
   * "Only hyperparameters that differ" hides columns equal in every row; the best row for the chosen
   * metric (lowest for a loss or error, highest otherwise) is marked.
   */
  private renderTable(): void {
    const s = this.strings;
    const sessions = this.runList.filter((run) => run.hparams);
    this.hparamsSection.hidden = sessions.length === 0;
    if (sessions.length === 0) return;
    const names = [...new Set(sessions.flatMap((run) => Object.keys(run.hparams ?? {})))].sort(compareNames);
    const same = (name: string) => sessions.every((r) => r.hparams?.[name] === sessions[0].hparams?.[name]);
    const shown = this.onlyDiffering.checked && sessions.length > 1 ? names.filter((n) => !same(n)) : names;
    // Metric columns: label → value per session row.
    const columns = new Map<string, Map<string, number>>();
    for (const session of sessions) {
      for (const run of this.runList) {
        for (const tag of run.tags) {
          const place = this.place(run.name, tag, false);
          if (run.name !== session.name && place.chartRun !== session.name) continue;
          if (this.experimentMetrics && !this.experimentMetrics.includes(tag)) continue;
          const value = this.lastValues.get(`${run.name}\0${tag}`);
          if (value === undefined) continue;
          const label = place.series === 'train' ? place.card : `${place.card} (${place.series})`;
          let column = columns.get(label);
          if (!column) columns.set(label, (column = new Map()));
          column.set(session.name, value);
        }
      }
    }
    const metricLabels = [...columns.keys()].sort(compareNames);
    const chosen = this.bestBy.value;
    this.bestBy.replaceChildren(
      element('option', undefined, s.noMetric),
      ...metricLabels.map((label) => element('option', undefined, label)),
    );
    (this.bestBy.options[0] as HTMLOptionElement).value = '';
    this.bestBy.value = metricLabels.includes(chosen)
      ? chosen
      : (metricLabels.find((l) => /loss/i.test(l)) ?? '');
    let best: string | undefined;
    const column = columns.get(this.bestBy.value);
    if (column) {
      const lower = /loss|error|mse|mae|perplexity/i.test(this.bestBy.value);
      for (const [run, value] of column) {
        if (!Number.isFinite(value)) continue;
        const current = best === undefined ? undefined : column.get(best);
        if (current === undefined || (lower ? value < current : value > current)) best = run;
      }
    }
    const table = element('table');
    const head = element('tr');
    for (const label of [s.hparamsRun, ...shown, ...metricLabels])
      head.append(element('th', undefined, label));
    table.append(element('thead'), element('tbody'));
    table.tHead?.append(head);
    for (const session of sessions) {
      const row = element('tr');
      row.dataset.run = session.name;
      const name = element('td', undefined, session.name === '.' ? this.folderName : session.name);
      if (session.name === best) {
        row.classList.add('tb-best');
        name.append(' ', element('span', 'tb-best-marker', `★ ${s.bestMarker}`));
      }
      row.append(name);
      for (const n of shown) row.append(element('td', undefined, formatHParam(session.hparams?.[n])));
      for (const label of metricLabels) {
        const value = columns.get(label)?.get(session.name);
        row.append(element('td', 'tb-number', value === undefined ? '' : formatMetric(value)));
      }
      table.tBodies[0].append(row);
    }
    const differing = element('label', 'tb-meta');
    differing.append(this.onlyDiffering, ` ${s.onlyDiffering}`);
    const bestLabel = element('label', 'tb-meta');
    bestLabel.append(`${s.bestBy} `, this.bestBy);
    const controls = element('div', 'tb-hparams-controls');
    controls.append(differing, bestLabel);
    this.hparamsSection.replaceChildren(element('h2', undefined, s.hparams), controls, table);
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

const post = connect();
const page = new TensorBoardPage(
  document.getElementById('app') ?? document.body,
  readEmbeddedStrings(),
  post,
);
window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (message) page.handle(message);
  else console.warn('TensorBoard logs: ignored a malformed host message');
});
post({ type: 'ready' });
