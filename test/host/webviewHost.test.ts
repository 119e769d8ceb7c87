// The one webview host both panels build on (src/extension/webview/webviewHost.ts), in a real extension host,
// with each panel's own validator as the panel passes it (TRAINING_PAGE_MESSAGES, TENSORBOARD_PAGE_MESSAGES).
// The page is played by an event emitter (a host test cannot make a real page post) and the save dialog is
// replaced (nobody can click it here); the host, the validators and the file-name check are the real ones.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRAINING_PAGE_MESSAGES } from '../../src/extension/training/panel';
import { TENSORBOARD_PAGE_MESSAGES } from '../../src/extension/tensorboard/viewer';
import {
  WebviewHost,
  type HostedPanel,
  type PageMessages,
  type SaveDialog,
  type WebviewHostOptions,
} from '../../src/extension/webview/webviewHost';
import { waitFor } from './helpers';

/** A panel whose page the test plays: `send` is a message from the page, `posted` what the host sent it. */
function stagedPanel() {
  const fromPage = new vscode.EventEmitter<unknown>();
  const viewState = new vscode.EventEmitter<unknown>();
  const disposed = new vscode.EventEmitter<void>();
  const posted: unknown[] = [];
  const panel: HostedPanel & { visible: boolean } = {
    webview: {
      postMessage: async (message: unknown) => {
        posted.push(message);
        return true;
      },
      onDidReceiveMessage: fromPage.event,
    },
    visible: true,
    onDidChangeViewState: viewState.event,
    onDidDispose: disposed.event,
  };
  return {
    panel,
    posted,
    send: (message: unknown) => fromPage.fire(message),
    hide: () => {
      panel.visible = false;
      viewState.fire(undefined);
    },
    close: () => disposed.fire(),
  };
}

function recordingLog() {
  const lines: string[] = [];
  const log: WebviewHostOptions['log'] = {
    info: (message: string) => void lines.push(`info ${message}`),
    warn: (message: string) => void lines.push(`warn ${message}`),
    error: (message: string) => void lines.push(`error ${message}`),
  };
  return { log, lines };
}

const folder = vscode.Uri.file(path.join(path.sep, 'tmp', 'ai-onramp-exports'));

describe('Webview host (both panels)', () => {
  const panels: [string, PageMessages<{ readonly type: string }>][] = [
    ['the training panel', TRAINING_PAGE_MESSAGES],
    ['the TensorBoard-logs panel', TENSORBOARD_PAGE_MESSAGES],
  ];
  for (const [name, messages] of panels) {
    it(`${name} refuses a chart export named "..", with a separator or a device name, and saves a plain one`, async () => {
      const page = stagedPanel();
      const { log, lines } = recordingLog();
      const picked: vscode.SaveDialogOptions[] = [];
      const written: [string, string][] = [];
      const saveDialog: SaveDialog = {
        pick: async (options) => {
          picked.push(options);
          return options.defaultUri;
        },
        write: async (target, content) => void written.push([target.fsPath, Buffer.from(content).toString()]),
      };
      const others: unknown[] = [];
      const host = new WebviewHost(
        page.panel,
        { ...messages, onMessage: (m) => void others.push(m), saveFolder: () => folder },
        { log, untilReady: 'queue', retainContextWhenHidden: true, saveDialog },
      );
      try {
        page.send({ type: 'ready' });
        const file = (filename: string) => ({
          type: 'saveFile',
          filename,
          mime: 'text/csv',
          content: 'Wall time,Step,Value\n',
          encoding: 'utf8',
        });
        const refused = ['..', '../evil.csv', 'a/b.csv', 'a\\b.csv', 'C:evil.csv', 'nul.csv', 'CON'];
        for (const filename of refused) page.send(file(filename));
        page.send(file('loss.csv'));
        await waitFor(() => written.length === 1, { message: 'the plain file name to be saved' });
        assert.equal(picked.length, 1, 'the save dialog opened for the plain name only');
        assert.equal(picked[0].defaultUri?.fsPath, vscode.Uri.joinPath(folder, 'loss.csv').fsPath);
        assert.deepEqual(written, [
          [vscode.Uri.joinPath(folder, 'loss.csv').fsPath, 'Wall time,Step,Value\n'],
        ]);
        const warnings = lines.filter((l) => l.startsWith('warn '));
        assert.equal(warnings.length, refused.length, lines.join('\n'));
        for (const warning of warnings) {
          assert.ok(warning.startsWith(`warn ${messages.name}: dropped a malformed message`), warning);
        }
        assert.deepEqual(others, [], 'nothing reached the panel');
      } finally {
        host.dispose();
      }
    });
  }

  it('holds messages until the page is ready (or drops them), and posts nothing once the panel is gone', async () => {
    const queued = stagedPanel();
    const order: string[] = [];
    const queueing = new WebviewHost<{ readonly type: string }, { type: string }>(
      queued.panel,
      {
        ...TRAINING_PAGE_MESSAGES,
        onReady: () => {
          order.push('onReady');
          queueing.post({ type: 'history' });
        },
        onMessage: () => undefined,
      },
      { log: recordingLog().log, untilReady: 'queue', retainContextWhenHidden: true },
    );
    queueing.post({ type: 'settings' });
    queueing.post({ type: 'start' });
    assert.deepEqual(queued.posted, [], 'nothing before ready');
    queued.send({ type: 'ready' });
    await waitFor(() => queued.posted.length === 3, { message: 'the queue to follow ready' });
    assert.deepEqual(queued.posted, [{ type: 'history' }, { type: 'settings' }, { type: 'start' }]);
    queued.close();
    queueing.post({ type: 'stop' });
    assert.equal(queued.posted.length, 3, 'nothing after the panel closed');
    assert.equal(queueing.ready, false);

    const dropped = stagedPanel();
    const dropping = new WebviewHost<{ readonly type: string }, { type: string }>(
      dropped.panel,
      { ...TENSORBOARD_PAGE_MESSAGES, onMessage: () => undefined },
      { log: recordingLog().log, untilReady: 'drop', retainContextWhenHidden: false },
    );
    dropping.post({ type: 'runs' });
    dropped.send({ type: 'ready' });
    await waitFor(() => dropping.ready, { message: 'the page to be ready' });
    dropping.post({ type: 'status' });
    assert.deepEqual(dropped.posted, [{ type: 'status' }], 'what came before ready was dropped');
    dropped.hide();
    assert.equal(dropping.ready, false, 'a hidden page is torn down: the host waits for the next ready');
    dropping.post({ type: 'warning' });
    assert.deepEqual(dropped.posted, [{ type: 'status' }]);
    dropping.dispose();
  });
});
