import * as vscode from 'vscode';

/** `vscode.l10n.t` for the host's messages: English text with `{0}` placeholders, translated by its bundle. */
export const t = (message: string, ...args: Array<string | number>): string =>
  vscode.l10n.t(message, ...args);
