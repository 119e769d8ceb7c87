import type * as vscode from 'vscode';
import type { ContextKeys } from '../walkthrough/contextKeys';

/** What every capability's `register*` function receives from `activate`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys: ContextKeys;
}
