import * as vscode from 'vscode';

/** The one "AI Onramp" log channel; every capability writes to it. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('AI Onramp', { log: true });
}
