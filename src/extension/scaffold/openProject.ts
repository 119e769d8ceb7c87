// The last step of "New AI Project": where the ready project opens (a new window, this one, or beside the
// workspace's folders, with its venv selected and its main file open).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { t } from '../common/l10n';
import { selectInPythonExtension } from '../python';
import type { OpenChoice } from './newProject';

/** Opens the new project as `open` says, or as the user picks when it says nothing. */
export async function openProject(
  open: OpenChoice | undefined,
  projectDir: string,
  mainFile: string,
  venvPython?: string,
): Promise<void> {
  let choice = open;
  if (!choice) {
    const newWindow = t('Open in New Window');
    const here = t('Open Here');
    const add = t('Add to Workspace');
    const answer = await vscode.window.showInformationMessage(
      t('The project {0} is ready: files, .venv and packages.', path.basename(projectDir)),
      newWindow,
      here,
      add,
    );
    choice =
      answer === newWindow
        ? 'newWindow'
        : answer === here
          ? 'thisWindow'
          : answer === add
            ? 'addToWorkspace'
            : 'none';
  }
  const uri = vscode.Uri.file(projectDir);
  switch (choice) {
    case 'newWindow':
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
      break;
    case 'thisWindow':
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceReuseWindow: true });
      break;
    case 'addToWorkspace': {
      const count = vscode.workspace.workspaceFolders?.length ?? 0;
      vscode.workspace.updateWorkspaceFolders(count, 0, { uri });
      if (venvPython) await selectInPythonExtension(venvPython, uri);
      // vscode.open picks the right editor (the notebook editor for .ipynb).
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(uri, mainFile));
      break;
    }
    case 'none':
      break;
  }
}
