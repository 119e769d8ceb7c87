import * as vscode from 'vscode';
import { createLog } from './common/log';
import { Demand } from './common/demand';
import type { Services } from './common/services';
import { ContextKeys, registerWalkthrough } from './walkthrough';
import { registerPython } from './python';
import { registerScaffold } from './scaffold';
import { registerTrainingPanel } from './training';
import { registerTensorBoardLogs } from './tensorboard';

/** `performance.now()` at the first and last line of dist/extension.js (scripts/build.mjs writes them). */
declare const __aiOnrampLoadStart: number | undefined;
declare const __aiOnrampLoadEnd: number | undefined;

/** What start-up cost: `npm run bench` reads it from the log line, host tests from the exports. */
export interface ActivationTimes {
  /** From the bundle's first line to its last: evaluating our code (0 where it runs unbundled). */
  readonly loadMs: number;
  /** Inside `activate()`. */
  readonly activateMs: number;
  /** How long the extension host had been running when `activate()` returned. */
  readonly hostUptimeMs: number;
}

/** What the extension exports: read by host tests and by other extensions. */
export interface AiOnrampApi {
  readonly contextKeys: ContextKeys;
  readonly log: vscode.LogOutputChannel;
  /** The file VS Code writes the log channel to (host tests read what was logged). */
  readonly logFile: vscode.Uri;
  /** The extension's global storage, where the run history and Your examples are kept (host tests read them). */
  readonly globalStorageUri: vscode.Uri;
  readonly activation: ActivationTimes;
}

export function activate(context: vscode.ExtensionContext): AiOnrampApi {
  const started = performance.now();
  const log = createLog();
  const contextKeys = new ContextKeys();
  const pythonDemand = new Demand();
  context.subscriptions.push(
    log,
    pythonDemand,
    vscode.commands.registerCommand('aiOnramp.showLog', () => log.show()),
  );
  const services: Services = { context, log, contextKeys, pythonDemand };
  registerWalkthrough(services);
  registerPython(services);
  registerScaffold(services);
  const runHistory = registerTrainingPanel(services);
  registerTensorBoardLogs(services, runHistory);
  const ended = performance.now();
  const activation: ActivationTimes = {
    loadMs:
      typeof __aiOnrampLoadStart === 'number' && typeof __aiOnrampLoadEnd === 'number'
        ? __aiOnrampLoadEnd - __aiOnrampLoadStart
        : 0,
    activateMs: ended - started,
    hostUptimeMs: process.uptime() * 1000,
  };
  log.info(
    `AI Onramp ${context.extension.packageJSON.version} activated in ${activation.activateMs.toFixed(1)} ms ` +
      `(bundle loaded in ${activation.loadMs.toFixed(1)} ms; extension host up ${Math.round(activation.hostUptimeMs)} ms)`,
  );
  // VS Code names a log channel's file after the channel, in the extension's log folder.
  return {
    contextKeys,
    log,
    logFile: vscode.Uri.joinPath(context.logUri, 'AI Onramp.log'),
    globalStorageUri: context.globalStorageUri,
    activation,
  };
}

export function deactivate(): void {}
