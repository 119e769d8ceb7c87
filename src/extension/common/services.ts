import type * as vscode from 'vscode';
import type { ContextKeys } from '../walkthrough/contextKeys';
import type { Demand } from './demand';

/** What every capability's `register*` function receives from `activate`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys: ContextKeys;
  /** Raised when the user first needs Python detection (a walkthrough shown, a command run). */
  readonly pythonDemand: Demand;
}
