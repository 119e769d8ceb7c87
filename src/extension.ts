import * as vscode from 'vscode';
import { createLog } from './common/log';
import { ContextKeys } from './walkthrough/contextKeys';
import type { Services } from './common/services';
import { registerWalkthrough } from './walkthrough';
import { registerPython } from './python';
import { registerScaffold } from './scaffold';
import { registerTrainingPanel } from './training';
import { registerTensorBoardLogs } from './tensorboard';

/** What the extension exports: read by host tests and by other extensions. */
export interface AiOnrampApi {
  readonly contextKeys: ContextKeys;
  readonly log: vscode.LogOutputChannel;
  /** The file VS Code writes the log channel to (host tests read what was logged). */
  readonly logFile: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): AiOnrampApi {
  const log = createLog();
  const contextKeys = new ContextKeys();
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('aiOnramp.showLog', () => log.show()),
  );
  const services: Services = { context, log, contextKeys };
  registerWalkthrough(services);
  registerPython(services);
  registerScaffold(services);
  registerTrainingPanel(services);
  registerTensorBoardLogs(services);
  log.info(`AI Onramp ${context.extension.packageJSON.version} activated`);
  // VS Code names a log channel's file after the channel, in the extension's log folder.
  return { contextKeys, log, logFile: vscode.Uri.joinPath(context.logUri, 'AI Onramp.log') };
}

export function deactivate(): void {}
