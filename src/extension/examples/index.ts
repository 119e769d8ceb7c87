/**
 * "Your examples" on the host: the store in global storage (store.ts) and the IDX export (idxExport.ts), and
 * the one handler the training panel hands these messages to. Every change is answered with the whole stored
 * list, so the page always shows what is on disk; a change that fails is logged and answered the same way.
 */
import * as vscode from 'vscode';
import type { HostMessage, WebviewMessage } from '../../shared/protocol/training';
import { exportExamples, examplesDialogs, type ExamplesUi } from './idxExport';
import { ExampleStore } from './store';

export { ExampleStore } from './store';
export { EXPORT_PREFIX, exportExamples, idxPair, type ExamplesUi } from './idxExport';

/** Handles `message` when it is one of "Your examples"; returns whether it was. */
export function handleExamplesMessage(
  message: WebviewMessage,
  store: ExampleStore,
  log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>,
  post: (answer: HostMessage) => void,
  ui: ExamplesUi = examplesDialogs,
): Promise<void> | undefined {
  const sendList = async (change?: Promise<unknown>) => {
    try {
      await change;
    } catch (e) {
      log.error(`Your examples: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Could not keep your examples: {0}', (e as Error).message),
      );
    }
    post({ type: 'examples', examples: await store.list() });
  };
  switch (message.type) {
    case 'addExample':
      return sendList(store.add(message.example));
    case 'deleteExamples':
      return sendList(store.delete(message.ids));
    case 'deleteAllExamples':
      return sendList(
        store.list().then(async (list) => {
          if (list.length > 0 && (await ui.confirmDeleteAll(list.length))) await store.deleteAll();
        }),
      );
    case 'exportExamples':
      return store
        .list()
        .then((list) => exportExamples(message.requestId, list, log, ui))
        .then(post);
    default:
      return undefined;
  }
}
