// The TensorBoard-logs panel: reads a log folder with LogDirectory, keeps it live with a file watcher
// (and a once-a-second poll, see `POLL_MS`), and sends runs and points to the page in
// src/webview/tensorboard/main.ts; beside them, the training panel's runs from its history
// (src/tensorboard/panelRuns.ts), refreshed whenever the panel saves one.
import * as vscode from 'vscode';
import type { RunRecord } from '../../shared/protocol/training';
import { webviewPageHtml, webviewPanelOptions } from '../webview/webviewPage';
import { WebviewHost, type HostHandled, type PageMessages } from '../webview/webviewHost';
import type { Services } from '../common/services';
import { translatedStrings } from './strings';
import {
  encodePoints,
  parseWebviewMessage,
  type ChartPlacement,
  type HostMessage,
  type RunSummary,
  type WebviewMessage,
} from '../../shared/protocol/tensorboard';
import { LogDirectory } from './reader';
import {
  isPanelRun,
  panelRunLabel,
  panelRunLogs,
  type PanelRunLogs,
} from '../../shared/tensorboard/panelRuns';

/** The training panel's runs: src/training/history.ts's RunHistory. */
export interface PanelRunSource {
  list(): Promise<RunRecord[]>;
  readonly onDidSave: vscode.Event<RunRecord>;
}

/** What "Open TensorBoard Logs" returns: the open viewer (used by callers and host tests). */
export interface TensorBoardLogsView {
  readonly folder: vscode.Uri;
  readonly panel: vscode.WebviewPanel;
  /** Resolves when the page has first loaded and asked for its data. */
  readonly ready: Promise<void>;
  /** Runs with scalars read so far, and their tags. */
  runs(): RunSummary[];
  /** The training panel's runs drawn beside them (names under PANEL_RUN_ROOT). */
  panelRuns(): RunSummary[];
  /** Points of a run's tag read from its event files (or, for a panel run, from its record) so far. */
  readCount(run: string, tag: string): number;
  /** Points of a run's tag the page reports it has handed to its chart. */
  shownCount(run: string, tag: string): number;
  /** Where the page reports it drew a run's tag (chart run, card, series). */
  placement(run: string, tag: string): ChartPlacement | undefined;
  /** Reads what was appended now, without waiting for the watcher or the poll. */
  refresh(): Promise<void>;
}

/**
 * File events are the fast path; the poll is the guarantee. Watcher events are not promised for
 * folders outside the workspace, on network drives, or when the OS watcher limit is reached, and a
 * poll only `stat`s files and lists folders.
 */
const POLL_MS = 1000;
const WATCH_DEBOUNCE_MS = 50;
/** Points a message at most; a large log goes in several. */
const POINTS_PER_MESSAGE = 50_000;
/**
 * A series whose kept points changed (sampling, a restart) is sent again whole; while a large log is
 * still being read that happens on nearly every read, so at most this often per series until caught up.
 */
const RESEND_MS = 1000;

/** The TensorBoard page's messages as the host reads them: its name in the log and its protocol's validator. */
export const TENSORBOARD_PAGE_MESSAGES: PageMessages<WebviewMessage> = {
  name: 'TensorBoard logs',
  parse: (raw) => {
    const message = parseWebviewMessage(raw);
    return message ? { ok: true, value: message } : { ok: false, error: 'not a message this page sends' };
  },
};

/** What the page has of a series. */
interface Sent {
  length: number;
  revision: number;
  at: number;
}

export class TensorBoardViewer implements TensorBoardLogsView, vscode.Disposable {
  readonly logs: LogDirectory;
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  /**
   * The ready handshake, validation and chart exports (webview/webviewHost.ts). Nothing is queued before
   * `ready`: each `ready` (the page is torn down when hidden) is answered with everything read so far.
   */
  private readonly host: WebviewHost<WebviewMessage, HostMessage>;
  /** What was sent to the page per `run\0tag`. */
  private readonly sent = new Map<string, Sent>();
  private readonly shown = new Map<string, number>();
  private readonly placements = new Map<string, ChartPlacement>();
  /** The panel's runs by id, as the page draws them, and the signature of each series sent. */
  private readonly panelLogs = new Map<string, PanelRunLogs>();
  private readonly panelSent = new Map<string, string>();
  private sentRuns = '';
  private sentStatus = '';
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  private debounce: NodeJS.Timeout | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly onDidDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    private readonly services: Services,
    readonly folder: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    panelRuns?: PanelRunSource,
  ) {
    this.logs = new LogDirectory(folder.fsPath);
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
    const { context } = services;
    panel.webview.options = webviewPanelOptions(context.extensionUri);
    panel.webview.html = pageHtml(panel.webview, context.extensionUri);
    this.host = new WebviewHost(
      panel,
      {
        ...TENSORBOARD_PAGE_MESSAGES,
        onReady: () => this.onReady(),
        onMessage: (message) => this.handle(message),
        saveFolder: () => this.folder,
      },
      // A hidden page is torn down (no retainContextWhenHidden); it asks again with `ready` when shown.
      { log: services.log, untilReady: 'drop', retainContextWhenHidden: false },
    );
    this.disposables.push(
      this.host,
      panel.onDidDispose(() => this.dispose()),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.schedulePoll()),
      watcher.onDidChange(() => this.schedulePoll()),
    );
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
    if (panelRuns) this.watchPanelRuns(panelRuns);
    void this.refresh();
  }

  runs(): RunSummary[] {
    return this.logs.runs();
  }

  panelRuns(): RunSummary[] {
    return [...this.panelLogs.values()].flatMap((logs) => logs.runs);
  }

  readCount(run: string, tag: string): number {
    if (isPanelRun(run)) return this.panelSeries(run, tag)?.length ?? 0;
    return this.logs.series(run, tag)?.length ?? 0;
  }

  shownCount(run: string, tag: string): number {
    return this.shown.get(`${run}\0${tag}`) ?? 0;
  }

  placement(run: string, tag: string): ChartPlacement | undefined {
    return this.placements.get(`${run}\0${tag}`);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Polls the folder; overlapping calls share a poll and one more follows it. */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = (async () => {
      try {
        let more = false;
        do {
          this.pollAgain = false;
          const result = await this.logs.poll();
          more = result.more;
          for (const warning of result.warnings) {
            this.services.log.warn(`TensorBoard logs ${this.folder.fsPath}: ${warning}`);
            this.post({ type: 'warning', message: warning });
          }
          this.flush(more);
          // A large log is read a slice a poll, drawn after each: the first chart comes at once and
          // fills in. The pause lets the page's messages (and everything else) through.
          if (more) await new Promise((resolve) => setImmediate(resolve));
        } while ((this.pollAgain || more) && !this.disposed);
      } catch (error) {
        this.services.log.error(`TensorBoard logs ${this.folder.fsPath}: ${(error as Error).message}`);
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.host.dispose();
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.onDidDisposeEmitter.fire();
    this.onDidDisposeEmitter.dispose();
  }

  /** Every run in the panel's history, and each run again as the panel saves it (live while it trains). */
  private watchPanelRuns(source: PanelRunSource): void {
    this.disposables.push(
      source.onDidSave((record) => {
        this.setPanelRun(record);
        this.flush();
      }),
    );
    source.list().then(
      (records) => {
        // A run saved since the list was asked for is newer than its listed copy.
        for (const record of records) if (!this.panelLogs.has(record.id)) this.setPanelRun(record);
        this.flush();
      },
      (error: Error) => this.services.log.error(`TensorBoard logs: panel runs: ${error.message}`),
    );
  }

  private setPanelRun(record: RunRecord): void {
    const logs = panelRunLogs(record, panelRunLabel(record.startedAt));
    // A run that has not logged a point yet has nothing to draw or compare.
    if (logs.series.length > 0) this.panelLogs.set(record.id, logs);
  }

  private panelSeries(run: string, tag: string) {
    for (const logs of this.panelLogs.values()) {
      const found = logs.series.find((s) => s.run === run && s.tag === tag);
      if (found) return found.points;
    }
    return undefined;
  }

  private schedulePoll(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), WATCH_DEBOUNCE_MS);
  }

  /** Sends the page what it has not had yet: the run list when it changed, then new points. */
  private flush(reading = false): void {
    if (!this.host.ready) return;
    const runs = this.logs.runs();
    const metrics = this.logs.hparamsMetrics();
    const panelRuns = this.panelRuns();
    const signature = JSON.stringify([runs, metrics, panelRuns]);
    if (signature !== this.sentRuns) {
      this.sentRuns = signature;
      this.post({
        type: 'runs',
        folder: displayPath(this.folder),
        runs: [...runs, ...panelRuns],
        ...(metrics && { metrics }),
      });
    }
    // A panel run's series are a few hundred points at most: sent whole whenever they change.
    for (const logs of this.panelLogs.values()) {
      for (const { run, tag, points } of logs.series) {
        const key = `${run}\0${tag}`;
        const last = points[points.length - 1];
        const seriesSignature = `${points.length}:${last.step}:${last.value}`;
        if (this.panelSent.get(key) === seriesSignature) continue;
        this.panelSent.set(key, seriesSignature);
        this.post({ type: 'points', run, tag, points: encodePoints(points), replace: true });
      }
    }
    const status = this.logs.status();
    const statusSignature = JSON.stringify(status);
    if (statusSignature !== this.sentStatus) {
      this.sentStatus = statusSignature;
      this.post({ type: 'status', status });
    }
    const now = Date.now();
    for (const run of runs) {
      for (const tag of run.tags) {
        const series = this.logs.series(run.name, tag);
        if (!series) continue;
        const key = `${run.name}\0${tag}`;
        const sent = this.sent.get(key);
        let from = sent?.length ?? 0;
        let replace = false;
        if (sent && sent.revision !== series.revision) {
          if (reading && now - sent.at < RESEND_MS) continue;
          from = 0;
          replace = true;
        }
        if (from >= series.length && !replace) continue;
        do {
          const to = Math.min(series.length, from + POINTS_PER_MESSAGE);
          const points = encodePoints(series.toPoints(from, to));
          this.post({ type: 'points', run: run.name, tag, points, ...(replace && { replace }) });
          replace = false;
          from = to;
        } while (from < series.length);
        const resent = !sent || sent.revision !== series.revision;
        this.sent.set(key, { length: from, revision: series.revision, at: resent ? now : sent.at });
      }
    }
  }

  private post(message: HostMessage): void {
    if (!this.disposed) this.host.post(message);
  }

  /** A new page (first load, or shown again after it was torn down): it has nothing yet. */
  private async onReady(): Promise<void> {
    this.sent.clear();
    this.panelSent.clear();
    this.shown.clear();
    this.sentRuns = '';
    this.sentStatus = '';
    this.flush();
    this.resolveReady();
    await this.services.contextKeys.set('aiOnramp.tensorBoardOpened', true);
  }

  private handle(message: Exclude<WebviewMessage, HostHandled>): void {
    switch (message.type) {
      case 'shown': {
        const key = `${message.run}\0${message.tag}`;
        this.shown.set(key, message.count);
        if (message.chartRun !== undefined && message.card !== undefined && message.series !== undefined) {
          this.placements.set(key, {
            chartRun: message.chartRun,
            card: message.card,
            series: message.series,
          });
        }
        return;
      }
    }
  }
}

function displayPath(folder: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(folder)
    ? vscode.workspace.asRelativePath(folder, true)
    : folder.fsPath;
}

function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPageHtml(webview, extensionUri, {
    title: vscode.l10n.t('TensorBoard logs'),
    styles: [['dist', 'webview', 'tensorboard.css']],
    script: ['dist', 'webview', 'tensorboard.js'],
    data: { id: 'tb-strings', value: translatedStrings() },
  });
}
