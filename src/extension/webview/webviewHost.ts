/**
 * The one host both panels (training/panel.ts, tensorboard/viewer.ts) build on, as vscode-jupyter's
 * WebviewHost and vscode-pull-request-github's WebviewBase serve all their panels: the `ready` handshake,
 * messages held (or dropped) until the page is ready, every incoming message validated with the panel's
 * validator and a refusal written to the log, nothing posted after the panel is gone, and the chart export
 * (`saveFile`) saved through the save dialog after the one file-name check. A panel keeps only its own logic,
 * given as `WebviewHostHooks` (GitLens's WebviewProvider shape).
 */
import * as vscode from 'vscode';
import {
  isPlainFileName,
  type Parsed,
  type ReadyMessage,
  type SaveFileMessage,
} from '../../shared/protocol/common';

/** The parts of a vscode.WebviewPanel the host uses (a host test gives a stand-in to play the page). */
export interface HostedPanel {
  readonly webview: {
    postMessage(message: unknown): Thenable<boolean>;
    readonly onDidReceiveMessage: vscode.Event<unknown>;
  };
  readonly visible: boolean;
  readonly onDidChangeViewState: vscode.Event<unknown>;
  readonly onDidDispose: vscode.Event<void>;
}

/** A panel's page messages: its name in the log, and its protocol's validator (a checked copy, or why not). */
export interface PageMessages<In extends { readonly type: string }> {
  /** `Training panel`, `TensorBoard logs`: the start of each log line about this panel. */
  readonly name: string;
  parse(raw: unknown): Parsed<In>;
}

/** What the host handles itself, for every panel. */
export type HostHandled = ReadyMessage | SaveFileMessage;

/** A panel's own part. */
export interface WebviewHostHooks<In extends { readonly type: string }> extends PageMessages<In> {
  /** The page said `ready` (first load, a reload, shown again); the queued messages follow once this settles. */
  onReady?(): void | Promise<void>;
  /** Every other valid message from the page. */
  onMessage(message: Exclude<In, HostHandled>): void | Promise<void>;
  /** Where the save dialog opens for a chart export. */
  saveFolder?(): vscode.Uri | undefined;
}

/** The save dialog and the write, replaceable in host tests (nobody can click a dialog there). */
export interface SaveDialog {
  pick(options: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined>;
  write(target: vscode.Uri, content: Uint8Array): Thenable<void>;
}

export const vscodeSaveDialog: SaveDialog = {
  pick: (options) => vscode.window.showSaveDialog(options),
  write: (target, content) => vscode.workspace.fs.writeFile(target, content),
};

export interface WebviewHostOptions {
  readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;
  /**
   * What happens to a message posted before the page is ready: `queue` keeps it and sends it after `ready`,
   * in order; `drop` forgets it (a panel that sends everything it has again on each `ready`).
   */
  readonly untilReady: 'queue' | 'drop';
  /**
   * Whether the page lives on while its tab is hidden (`retainContextWhenHidden`). When it does not, a hidden
   * page is torn down, and the host waits for the `ready` of the next one.
   */
  readonly retainContextWhenHidden: boolean;
  readonly saveDialog?: SaveDialog;
}

export class WebviewHost<In extends { readonly type: string }, Out> implements vscode.Disposable {
  private pageReady = false;
  private disposed = false;
  private readonly queue: Out[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly panel: HostedPanel,
    private readonly hooks: WebviewHostHooks<In>,
    private readonly options: WebviewHostOptions,
  ) {
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    if (!options.retainContextWhenHidden) {
      this.subscriptions.push(
        panel.onDidChangeViewState(() => {
          if (!panel.visible) this.pageReady = false;
        }),
      );
    }
  }

  /** Whether the page has said `ready` (and has not been torn down since). */
  get ready(): boolean {
    return this.pageReady && !this.disposed;
  }

  /** Sends a message now, or (until the page is ready) queues or drops it; nothing once the panel is gone. */
  post(message: Out): void {
    if (this.disposed) return;
    if (!this.pageReady) {
      if (this.options.untilReady === 'queue') this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.length = 0;
    this.subscriptions.forEach((d) => d.dispose());
  }

  private receive(raw: unknown): void {
    if (this.disposed) return;
    const { log } = this.options;
    const parsed = this.hooks.parse(raw);
    if (!parsed.ok) {
      log.warn(`${this.hooks.name}: dropped a malformed message (${parsed.error}): ${describe(raw)}`);
      return;
    }
    this.handle(parsed.value).catch((e: Error) => log.error(`${this.hooks.name}: ${e.stack ?? e}`));
  }

  private async handle(message: In): Promise<void> {
    if (isReady(message)) {
      this.pageReady = true;
      await this.hooks.onReady?.();
      for (const queued of this.queue.splice(0)) this.post(queued);
      return;
    }
    if (isSaveFile(message)) return this.saveFile(message);
    await this.hooks.onMessage(message as Exclude<In, HostHandled>);
  }

  private async saveFile(file: SaveFileMessage): Promise<void> {
    const { log, saveDialog = vscodeSaveDialog } = this.options;
    // The panel's validator checked it; checked again here, where it is joined to a folder, for every panel.
    if (!isPlainFileName(file.filename)) {
      log.warn(`${this.hooks.name}: refused to save ${describe(file.filename)}: not a plain file name`);
      return;
    }
    const dot = file.filename.lastIndexOf('.');
    const extension = dot > 0 ? file.filename.slice(dot + 1).toLowerCase() : '';
    const folder = this.hooks.saveFolder?.();
    const target = await saveDialog.pick({
      defaultUri: folder ? vscode.Uri.joinPath(folder, file.filename) : undefined,
      ...(extension && { filters: { [extension.toUpperCase()]: [extension] } }),
      saveLabel: vscode.l10n.t('Save'),
      title: vscode.l10n.t('Save chart data'),
    });
    if (!target) return;
    await saveDialog.write(target, Buffer.from(file.content, file.encoding));
    log.info(`${this.hooks.name}: saved ${target.fsPath}`);
  }
}

function isReady(message: { readonly type: string }): message is ReadyMessage {
  return message.type === 'ready';
}

function isSaveFile(message: { readonly type: string }): message is SaveFileMessage {
  return message.type === 'saveFile';
}

/** The start of a message as JSON, for a log line. */
function describe(data: unknown): string {
  try {
    return String(JSON.stringify(data)).slice(0, 200);
  } catch {
    return typeof data;
  }
}
