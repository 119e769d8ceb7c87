/**
 * The TensorBoard-logs page: the host reads event files and sends runs and points (src/extension/tensorboard/
 * protocol.ts); this page lists the runs and tag groups and draws one TensorBoard-style card per tag
 * with the shared chart component. Every host message is validated before use.
 */
import {
  createChartPanel,
  defaultChartStrings,
  type ChartPanel,
  type ChartStrings,
  type ExportFile,
} from '../charts';
import { PANEL_HPARAMS, PANEL_METRICS } from '../../shared/tensorboard/panelRuns';
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
} from '../../shared/protocol/tensorboard';
import { format } from '../../shared/l10n/format';
import { TENSORBOARD_STRINGS, type TensorBoardStrings } from '../../shared/l10n/tensorboard';
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

/** The words for the panel's hyperparameters (the names are the page's own, so they are translated). */
const PANEL_HPARAM_STRINGS: Readonly<Record<(typeof PANEL_HPARAMS)[number], keyof TensorBoardStrings>> = {
  epochs: 'hpEpochs',
  batch_size: 'hpBatchSize',
  learning_rate: 'hpLearningRate',
  schedule: 'hpSchedule',
  optimizer: 'hpOptimizer',
  backend: 'hpBackend',
  train_samples: 'hpTrainSamples',
};
const PANEL_METRIC_STRINGS: Readonly<Record<(typeof PANEL_METRICS)[number], keyof TensorBoardStrings>> = {
  test_accuracy: 'testAccuracy',
  test_loss: 'testLoss',
};
/** Names of the panel's optimizers and backends, as the training panel shows them. */
const PANEL_VALUE_NAMES: Readonly<Record<string, string>> = {
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSprop',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'tfjs CPU',
  'onramp-cpu': 'AI Onramp CPU',
};

function own<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** Whether a lower value of a metric is the better one. */
function lowerIsBetter(name: string): boolean {
  return /loss|error|mse|mae|perplexity/i.test(name);
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
  private readonly chartStrings: ChartStrings;
  private readonly charts: ChartPanel;
  /** Run-list labels of chart runs that are not named after a folder (the training panel's runs). */
  private readonly runLabels = new Map<string, string>();
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
    this.chartStrings = { ...defaultChartStrings, ...embedded.charts };
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
    this.scheduleTable();
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
   * The runs that have hyperparameters (the hparams plugin's, and the training panel's), one row each:
   * their values, then the latest value of each metric (the experiment's, else every scalar of the run and
   * of its `train/` and `validation/`, less Keras's `batch_*` and `evaluation_*_vs_iterations` where the
   * run has the `epoch_*` they repeat), then the final values no chart draws (a panel run's test metrics).
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
    const withPanel = sessions.some((r) => r.source === 'panel');
    const hparamLabel = (name: string) =>
      withPanel && own(PANEL_HPARAM_STRINGS, name) ? s[PANEL_HPARAM_STRINGS[name]] : name;
    // Metric columns by key (`card\0series`, or `\0name` for a final value): label, order, value per row.
    const columns = new Map<string, { label: string; lower: boolean; values: Map<string, number> }>();
    const column = (key: string, label: string, lower: boolean) => {
      let found = columns.get(key);
      if (!found) columns.set(key, (found = { label, lower, values: new Map() }));
      return found;
    };
    for (const session of sessions) {
      const members = this.runList.filter(
        (run) => run.name === session.name || this.chartRunOf(run) === session.name,
      );
      const runTags = new Set(members.flatMap((run) => run.tags.map((tag) => `${run.name}\0${tag}`)));
      for (const run of members) {
        for (const tag of run.tags) {
          const place = this.place(run.name, tag, false);
          if (this.experimentMetrics && !this.experimentMetrics.includes(tag)) continue;
          const repeated = /^batch_(.+)$/.exec(tag)?.[1] ?? /^evaluation_(.+)_vs_iterations$/.exec(tag)?.[1];
          if (repeated !== undefined && runTags.has(`${run.name}\0epoch_${repeated}`)) continue;
          const value = this.lastValues.get(`${run.name}\0${tag}`);
          if (value === undefined) continue;
          const label =
            place.series === 'train' ? place.card : `${place.card} (${this.seriesName(place.series)})`;
          column(`${place.card}\0${place.series}`, label, lowerIsBetter(place.card)).values.set(
            session.name,
            value,
          );
        }
      }
      for (const [name, value] of Object.entries(session.metrics ?? {})) {
        const label =
          session.source === 'panel' && own(PANEL_METRIC_STRINGS, name)
            ? s[PANEL_METRIC_STRINGS[name]]
            : name;
        column(`\0${name}`, label, lowerIsBetter(name)).values.set(session.name, value);
      }
    }
    // Charted metrics by name, then the final values.
    const keys = [...columns.keys()].sort(
      (a, b) => Number(a.startsWith('\0')) - Number(b.startsWith('\0')) || compareNames(a, b),
    );
    const chosen = this.bestBy.value;
    const noMetric = element('option', undefined, s.noMetric);
    noMetric.value = '';
    this.bestBy.replaceChildren(
      noMetric,
      ...keys.map((key) => {
        const option = element('option', undefined, columns.get(key)?.label);
        option.value = key;
        return option;
      }),
    );
    // By default a loss: the validation one where there is one (what a run is judged by), then any.
    const losses = keys.filter((key) => columns.get(key)?.lower);
    this.bestBy.value = keys.includes(chosen)
      ? chosen
      : (losses.find((key) => key.endsWith('\0validation')) ?? losses[0] ?? '');
    let best: string | undefined;
    const picked = columns.get(this.bestBy.value);
    if (picked) {
      for (const [run, value] of picked.values) {
        if (!Number.isFinite(value)) continue;
        const current = best === undefined ? undefined : picked.values.get(best);
        if (current === undefined || (picked.lower ? value < current : value > current)) best = run;
      }
    }
    const table = element('table');
    const head = element('tr');
    for (const label of [
      s.hparamsRun,
      ...shown.map(hparamLabel),
      ...keys.map((k) => columns.get(k)?.label ?? k),
    ])
      head.append(element('th', undefined, label));
    table.append(element('thead'), element('tbody'));
    table.tHead?.append(head);
    for (const session of sessions) {
      const row = element('tr');
      row.dataset.run = session.name;
      if (session.source === 'panel') row.classList.add('tb-panel-run');
      const name = element('td', undefined, this.sessionLabel(session));
      if (session.name === best) {
        row.classList.add('tb-best');
        name.append(' ', element('span', 'tb-best-marker', `★ ${s.bestMarker}`));
      }
      row.append(name);
      for (const n of shown) row.append(element('td', undefined, this.formatHParam(session, n)));
      for (const key of keys) {
        const value = columns.get(key)?.values.get(session.name);
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

  private chartRunOf(run: RunSummary): string | undefined {
    return run.tags.length > 0 ? chartPlacement(run.name, run.tags[0]).chartRun : undefined;
  }

  private sessionLabel(session: RunSummary): string {
    if (session.source === 'panel' && session.label !== undefined)
      return format(this.strings.panelRun, session.label);
    return session.name === '.' ? this.folderName : session.name;
  }

  /** A value as the table shows it; the panel's schedules in words, its optimizers and backends by name. */
  private formatHParam(session: RunSummary, name: string): string {
    const value = session.hparams?.[name];
    if (session.source !== 'panel' || typeof value !== 'string') return formatHParam(value);
    if (name === 'schedule' && value === 'cosine') return this.strings.scheduleCosine;
    if (name === 'schedule' && value === 'constant') return this.strings.scheduleConstant;
    return own(PANEL_VALUE_NAMES, value) ? PANEL_VALUE_NAMES[value] : value;
  }

  private seriesName(series: string): string {
    if (series === 'train') return this.chartStrings.seriesTrain;
    if (series === 'validation') return this.chartStrings.seriesValidation;
    return series;
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
