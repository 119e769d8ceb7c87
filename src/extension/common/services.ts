import type * as vscode from 'vscode';
import type { ContextKeySetter } from './contextKeys';
import type { Demand } from './demand';

/** What every capability's `register*` function receives from `activate`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys: ContextKeySetter;
  /** Raised when the user first needs Python detection (a walkthrough shown, a command run). */
  readonly pythonDemand: Demand;
}
