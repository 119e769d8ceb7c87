/**
 * What every "save into a folder the user picked" needs on the host (the playground's model files, Your examples'
 * IDX pair): a path as the user would write it, whether a file is there, and the one "replace them?" question.
 */
import * as vscode from 'vscode';

/** A local path as the user would write it; another scheme's URI as it reads. */
export function displayPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Asks (modal) before files that exist in `folder` are replaced; true replaces them. */
export async function confirmReplace(existing: readonly string[], folder: vscode.Uri): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} already has {1}. Replace?', displayPath(folder), existing.join(', ')),
    { modal: true },
    replace,
  );
  return answer === replace;
}
