/**
 * The TensorBoard-logs page: the host reads event files and sends runs and points (src/tensorboard/
 * protocol.ts); this page lists the runs and tag groups and draws one TensorBoard-style card per tag
 * with the shared chart component. Every host message is validated before use.
 */
import { createChartPanel, type ChartPanel, type ChartStrings, type ExportFile } from '../charts';
import {
  compareNames,
  groupTags,
  parseHostMessage,
  type ExportMime,
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

/** Keras writes `train/` and `validation/` runs: validation ones are drawn dashed, as in the training panel. */
function seriesOf(run: string): string {
  const last = run.slice(run.lastIndexOf('/') + 1);
  return /^(validation|val|eval|test)$/i.test(last) ? 'validation' : 'train';
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
  private readonly warnings = element('div', 'tb-warnings');
  private readonly warningList = element('ul');
  private readonly groupNav = element('nav', 'tb-groups');
  private readonly knownRuns = new Set<string>();
  private readonly knownTags = new Set<string>();
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
    header.append(element('h1', undefined, this.strings.heading), this.folderLine, this.summaryLine);
    this.waiting = element('p', 'tb-waiting', this.strings.waiting);
    this.warnings.hidden = true;
    this.warnings.append(element('strong', undefined, this.strings.warnings), this.warningList);
    this.groupNav.setAttribute('aria-label', this.strings.tagGroups);
    this.groupNav.hidden = true;
    const chartsRoot = element('div', 'tb-charts');
    root.replaceChildren(header, this.warnings, this.waiting, this.groupNav, chartsRoot);
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
        if (!this.knownRuns.has(message.run)) this.addRun(message.run);
        this.charts.append(message.run, message.tag, seriesOf(message.run), message.points);
        const key = `${message.run}\0${message.tag}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + message.points.length);
        this.unreported.add(key);
        this.scheduleReport();
        return;
      }
      case 'warning': {
        this.warningList.append(element('li', undefined, message.message));
        this.warnings.hidden = false;
        return;
      }
    }
  }

  private showRuns(folder: string, runs: readonly RunSummary[]): void {
    this.folderLine.textContent = format(this.strings.folder, folder);
    const tags = new Set(runs.flatMap((r) => r.tags));
    this.summaryLine.textContent = format(this.strings.summary, runs.length, tags.size);
    this.waiting.hidden = runs.length > 0;
    for (const run of [...runs].sort((a, b) => compareNames(a.name, b.name))) {
      if (!this.knownRuns.has(run.name)) this.addRun(run.name);
    }
    const groups = groupTags(tags);
    // Cards in TensorBoard's order: by group, then tag. Tags that appear later join at the end.
    for (const group of groups) {
      for (const tag of group.tags) {
        if (this.knownTags.has(tag)) continue;
        this.knownTags.add(tag);
        this.charts.addCard({ tag, title: tag });
      }
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
  }

  private addRun(name: string): void {
    this.knownRuns.add(name);
    this.charts.addRun({ id: name, label: name });
  }

  /** Tells the host what arrived, batched (a timer, not a frame: frames stop while the tab is hidden). */
  private scheduleReport(): void {
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    setTimeout(() => {
      this.reportScheduled = false;
      for (const key of this.unreported) {
        const [run, tag] = key.split('\0');
        this.post({ type: 'shown', run, tag, count: this.counts.get(key) ?? 0 });
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
