import * as vscode from 'vscode';
import type { Services } from '../common/services';
import type { RunRecord } from '../../shared/protocol/training';
import { parseOpenArgs } from './args';
import { RunHistory } from './history';
import { restoreInsideViews } from './insideViews';
import { TrainingPanel, VIEW_TYPE } from './panel';

/**
 * The training panel: `aiOnramp.openTrainingPanel` opens (or reveals) it, a serializer restores it after a
 * reload. Internal commands (not in the palette) serve tests and the run comparison:
 * `aiOnramp.training.listRuns` → RunRecord[]; `aiOnramp.training.waitForRun` → the next run that finishes.
 * Returns the run history, which the TensorBoard-logs panel draws beside log runs.
 */
export function registerTrainingPanel(services: Services): RunHistory {
  const { context, log, contextKeys } = services;
  const history = new RunHistory(context.globalStorageUri, log);
  context.subscriptions.push(
    history,
    vscode.commands.registerCommand('aiOnramp.openTrainingPanel', (rawArgs?: unknown) => {
      let args;
      try {
        args = parseOpenArgs(rawArgs);
      } catch (e) {
        const message = vscode.l10n.t(
          'The training panel was opened with invalid arguments: {0}',
          (e as Error).message,
        );
        log.warn(message);
        void vscode.window.showErrorMessage(message);
        return;
      }
      TrainingPanel.createOrShow(services, history, args);
    }),
    vscode.commands.registerCommand('aiOnramp.training.listRuns', (): Promise<RunRecord[]> => history.list()),
    vscode.commands.registerCommand('aiOnramp.training.waitForRun', (): Promise<RunRecord> | undefined =>
      TrainingPanel.instance?.nextFinishedRun(),
    ),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        TrainingPanel.revive(panel, services, history, state);
      },
    }),
  );
  void contextKeys.set('aiOnramp.trainingPanelAvailable', true);
  void restoreInsideViews(context.globalState, contextKeys);
  return history;
}
