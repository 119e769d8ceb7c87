import * as vscode from 'vscode';

/**
 * Context keys that walkthrough steps complete on (`onContext:`) and that `when` clauses read.
 * VS Code has no API to read a context key back, so the last value set is kept here too; host tests
 * read it through the extension's exports.
 */
export type ContextKey =
  | 'aiOnramp.pythonFound'
  | 'aiOnramp.pipFound'
  | 'aiOnramp.venvReady'
  | 'aiOnramp.packagesInstalled'
  | 'aiOnramp.trainedOnce'
  | 'aiOnramp.comparedRuns'
  | 'aiOnramp.projectCreated'
  | 'aiOnramp.tensorBoardOpened'
  | 'aiOnramp.trainingPanelAvailable'
  | 'aiOnramp.tensorBoardAvailable'
  | 'aiOnramp.firstScriptRan';

export class ContextKeys {
  private readonly values = new Map<ContextKey, boolean>();

  async set(key: ContextKey, value: boolean): Promise<void> {
    this.values.set(key, value);
    await vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: ContextKey): boolean | undefined {
    return this.values.get(key);
  }
}
