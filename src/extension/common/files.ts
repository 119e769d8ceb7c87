/**
 * What every "save into a folder the user picked" needs on the host (the playground's model files, Your examples'
 * IDX pair): a path as the user would write it, whether a file is there, and the one "replace them?" question;
 * and the one way our own stores write a file whole.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';

/** A local path as the user would write it; another scheme's URI as it reads. */
export function displayPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

/**
 * Writes `text` to `file` through a temporary file beside it, renamed over it: a reader never sees half a file
 * (the history is listed while a run's record is saved) and a crash mid-write leaves the previous version. The
 * temporary's name ends in `.tmp`, so a folder listing that reads only `*.json` passes over it. On disk it is
 * Node's rename, which replaces the file in one step; `workspace.fs.rename` with `overwrite` deletes the old
 * file first, and a listing in between would not find it. Another scheme (a virtual file system) gets that.
 */
export async function writeFileWhole(file: vscode.Uri, text: string): Promise<void> {
  const temporary = file.with({ path: `${file.path}.tmp` });
  if (file.scheme === 'file') {
    await fs.writeFile(temporary.fsPath, text, 'utf8');
    await renameOver(temporary.fsPath, file.fsPath);
    return;
  }
  await vscode.workspace.fs.writeFile(temporary, Buffer.from(text, 'utf8'));
  await vscode.workspace.fs.rename(temporary, file, { overwrite: true });
}

/**
 * On Windows a rename over a file another process holds open (a virus scanner, a second window reading the
 * history) fails with EPERM, EACCES or EBUSY for a moment; VS Code's own storage retries so, and so does this,
 * for up to a second.
 */
async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const busy = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
      if (process.platform !== 'win32' || !busy || attempt === 20) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
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
