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
    root.replaceChildren(header, this.warnings, this.waiting, this.explanation, this.groupNav, chartsRoot);
    this.charts = createChartPanel(chartsRoot, {
      autoCards: true,
      strings: embedded.charts,
      onDownload: (file: ExportFile) => this.post({ type: 'export', ...file, mime: file.mime as ExportMime }),
    });
  }

  handle(message: ReceivedHostMessage): void {
    switch (message.type) {
      case 'runs':
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
