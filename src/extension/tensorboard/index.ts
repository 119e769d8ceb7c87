// "AI Onramp: Open TensorBoard Logs": shows a TensorBoard log folder live in a panel, read natively
// (src/tensorboard/reader.ts), with no TensorBoard server.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { TensorBoardViewer, type PanelRunSource, type TensorBoardLogsView } from './viewer';

export type { TensorBoardLogsView } from './viewer';

/** Folders a training script writes logs to by default: Keras templates `logs/`, PyTorch `runs/`. */
const DEFAULT_LOG_FOLDERS = ['logs', 'runs'];

/** `panelRuns`: the training panel's run history, drawn beside the log folder's runs. */
export function registerTensorBoardLogs(services: Services, panelRuns?: PanelRunSource): void {
  const viewers = new Map<string, TensorBoardViewer>();
  services.context.subscriptions.push(
    vscode.commands.registerCommand(
      'aiOnramp.openTensorBoardLogs',
      async (folderArg?: unknown): Promise<TensorBoardLogsView | undefined> => {
        const folder = await chooseLogFolder(folderArg);
        if (!folder) return undefined;
        if (!(await isDirectory(folder.fsPath))) {
          void vscode.window.showErrorMessage(vscode.l10n.t('“{0}” is not a folder.', folder.fsPath));
          return undefined;
        }
        const key = folder.fsPath;
        const open = viewers.get(key);
        if (open) {
          open.reveal();
          return open;
        }
        const panel = vscode.window.createWebviewPanel(
          'aiOnramp.tensorBoardLogs',
          vscode.l10n.t('TensorBoard: {0}', path.basename(folder.fsPath)),
          vscode.ViewColumn.Active,
          { enableScripts: true, retainContextWhenHidden: false },
        );
        const viewer = new TensorBoardViewer(services, folder, panel, panelRuns);
        viewers.set(key, viewer);
        viewer.onDidDispose(() => viewers.delete(key));
        services.log.info(`TensorBoard logs: showing ${folder.fsPath}`);
        return viewer;
      },
    ),
    { dispose: () => [...viewers.values()].forEach((v) => v.dispose()) },
  );
  void services.contextKeys.set('aiOnramp.tensorBoardAvailable', true);
}

/**
 * The folder from the argument (a Uri or a path, as the walkthrough and tests pass), else `logs/` or
 * `runs/` in the workspace (asked when there are several), else a folder dialog.
 */
async function chooseLogFolder(folderArg: unknown): Promise<vscode.Uri | undefined> {
  if (folderArg instanceof vscode.Uri) return folderArg;
  if (typeof folderArg === 'string' && folderArg.length > 0) {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    return vscode.Uri.file(path.resolve(base, folderArg));
  }
  const candidates: vscode.Uri[] = [];
  for (const workspaceFolder of vscode.workspace.workspaceFolders ?? []) {
    for (const name of DEFAULT_LOG_FOLDERS) {
      const uri = vscode.Uri.joinPath(workspaceFolder.uri, name);
      if (await isDirectory(uri.fsPath)) candidates.push(uri);
    }
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const other: vscode.QuickPickItem & { uri?: vscode.Uri } = {
      label: `$(folder-opened) ${vscode.l10n.t('Choose another folder…')}`,
    };
    const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = [
      ...candidates.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, true), uri })),
      other,
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Open TensorBoard Logs'),
      placeHolder: vscode.l10n.t('Which log folder?'),
    });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Open Logs'),
    title: vscode.l10n.t('Choose a TensorBoard log folder (for example logs/ or runs/)'),
  });
  return chosen?.[0];
}

async function isDirectory(fsPath: string): Promise<boolean> {
  try {
    return (await fs.stat(fsPath)).isDirectory();
  } catch {
    return false;
  }
}
