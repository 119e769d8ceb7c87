// "Run your first AI script": the article's Keras MNIST script, saved where the user can read it and run in
// the integrated terminal with the Python that the walkthrough helped set up.
import { copyFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { checkPython, inspectVenv, VENV_DIR_NAME } from '../python';
import { ProcessTerminal } from './processTerminal';

export const FIRST_SCRIPT_NAME = 'mnist_cnn.py';

export interface ScriptInterpreter {
  readonly command: string;
  /** Leading arguments, e.g. `-3` for the Windows `py` launcher. */
  readonly args: readonly string[];
  readonly origin: 'workspaceVenv' | 'check';
}

/**
 * The Python to run the script with: a workspace `.venv` first, because that is where the walkthrough told the
 * user to install TensorFlow; otherwise the interpreter that "Check Python Environment" would choose.
 */
export async function findScriptInterpreter(): Promise<ScriptInterpreter | undefined> {
  // Restricted Mode: a folder's own .venv is a program from that folder, and is not run.
  const folders = vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []) : [];
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') continue;
    const venv = await inspectVenv(path.join(folder.uri.fsPath, VENV_DIR_NAME));
    if (venv.kind === 'venv') return { command: venv.python, args: [], origin: 'workspaceVenv' };
  }
  const settingPath = vscode.workspace.getConfiguration('aiOnramp').get<string>('pythonPath') || undefined;
  const { chosen } = await checkPython({ settingPath });
  return chosen ? { command: chosen.resolvedPath, args: chosen.args, origin: 'check' } : undefined;
}

export interface FirstScriptRun {
  readonly scriptPath: string;
  readonly interpreter: ScriptInterpreter;
  readonly terminal: vscode.Terminal;
  /** Resolves with the exit code once the script ends (-1 if it could not start or was stopped). */
  readonly exitCode: Promise<number>;
}

/** Saves the script, opens it beside the walkthrough and starts it; `undefined` when there is no Python. */
export async function runFirstScript({
  context,
  log,
  contextKeys,
}: Services): Promise<FirstScriptRun | undefined> {
  const interpreter = await findScriptInterpreter();
  if (!interpreter) {
    const check = vscode.l10n.t('Check Python Environment');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('No Python was found to run the MNIST script. Install Python 3, then check again.'),
      check,
    );
    if (choice === check) await vscode.commands.executeCommand('aiOnramp.checkPython');
    return undefined;
  }

  const dir = path.join(context.globalStorageUri.fsPath, 'first-script');
  const scriptPath = path.join(dir, FIRST_SCRIPT_NAME);
  await mkdir(dir, { recursive: true });
  await copyFile(context.asAbsolutePath(path.join('media', 'walkthrough', FIRST_SCRIPT_NAME)), scriptPath);
  await vscode.window.showTextDocument(vscode.Uri.file(scriptPath), {
    preview: true,
    preserveFocus: true,
    viewColumn: vscode.ViewColumn.Beside,
  });

  const args = [...interpreter.args, scriptPath];
  log.info(`First script: ${interpreter.command} ${args.join(' ')} (${interpreter.origin})`);
  const pty = new ProcessTerminal({
    command: interpreter.command,
    args,
    cwd: dir,
    banner: [interpreter.command, ...args].join(' '),
    exitMessage: (code) =>
      code === 0
        ? vscode.l10n.t('The script finished. Press any key to close this terminal.')
        : vscode.l10n.t('The script ended with exit code {0}. Press any key to close this terminal.', code),
    spawnErrorMessage: (error) =>
      vscode.l10n.t('Could not start {0}: {1}', interpreter.command, error.message),
  });
  const exitCode = new Promise<number>((resolve) => {
    const subscription = pty.onDidExit((code) => {
      subscription.dispose();
      resolve(code);
    });
  });
  const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('MNIST (AI Onramp)'), pty });
  context.subscriptions.push(terminal);
  terminal.show(true);
  void exitCode.then(async (code) => {
    log.info(`First script exited with code ${code}`);
    // Only a run that really finished ticks the step; a failed import or a download error does not.
    if (code === 0) await contextKeys.set('aiOnramp.firstScriptRan', true);
  });
  return { scriptPath, interpreter, terminal, exitCode };
}
