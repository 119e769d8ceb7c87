import * as vscode from 'vscode';
import type { ContextKey, ContextKeySetter } from '../common/contextKeys';

/**
 * The context keys walkthrough steps complete on. VS Code has no API to read a context key back, so the last
 * value set is kept here too; host tests read it through the extension's exports.
 */
export class ContextKeys implements ContextKeySetter {
  private readonly values = new Map<ContextKey, boolean>();

  async set(key: ContextKey, value: boolean): Promise<void> {
    const before = this.values.get(key);
    this.values.set(key, value);
    if (value && before === true && !key.endsWith('Available')) {
      // Re-announce a completion key that is already true: VS Code ticks `onContext:` steps on a change of the
      // key, and a change made while it was still registering the walkthroughs at start-up can go unseen
      // (seen in the UI tests: Python found at activation, "Check your Python" never ticked, even after the
      // check ran again). Steps never un-tick, and no `when` clause reads these keys, so the dip shows nowhere.
      await vscode.commands.executeCommand('setContext', key, false);
    }
    await vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: ContextKey): boolean | undefined {
    return this.values.get(key);
  }
}
