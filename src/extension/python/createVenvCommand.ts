// "Create Virtual Environment Here", and the question both it and "New AI Project" ask about a `.venv` that is
// already there.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { t } from '../common/l10n';
import type { Services } from '../common/services';
import {
  pickInterpreter,
  renderReport,
  runCheck,
  warnSkippedSetting,
  type ReportDocuments,
} from './checkCommand';
import { parseCreateVenvArgs } from './commandArgs';
import { envFailureMessage } from './envMessages';
import { announceOutcome, setUpWithProgress, type EnvOutcome } from './envProgress';
import { detectOs } from './osInfo';
import { probeInterpreter, type ProbeInfo } from './probe';
import type { ExistingVenvChoice } from './projectEnv';
import { selectInPythonExtension } from './pythonExtension';
import { probeVenv, VENV_DIR_NAME } from './venv';

export type CreateVenvResult =
  | (EnvOutcome & { readonly folder: string })
  | { readonly status: 'invalid' | 'noFolder' | 'untrusted'; readonly message: string };

/**
 * Asks what to do with a `.venv` that is already there. A file or a folder without `pyvenv.cfg` is not asked
 * about: setting up refuses to touch it and says why. A venv whose Python does not run offers Recreate only.
 */
export async function askExistingVenv(venvDir: string): Promise<ExistingVenvChoice> {
  const { existing } = await probeVenv(venvDir);
  if (existing.kind === 'absent' || existing.kind === 'file' || existing.kind === 'folder') return 'recreate';
  const use = t('Use It');
  const recreate = t('Recreate');
  if (existing.kind === 'broken') {
    const choice = await vscode.window.showWarningMessage(
      t('The .venv here is broken (its Python {0} does not run: {1}).', existing.python, existing.detail),
      {
        modal: true,
        detail: t(
          'Recreate makes a new virtual environment in its place; files of yours inside .venv are kept.',
        ),
      },
      recreate,
    );
    return choice === recreate ? 'recreate' : 'cancel';
  }
  const choice = await vscode.window.showWarningMessage(
    t('{0} already has a virtual environment (.venv).', path.dirname(venvDir)),
    {
      modal: true,
      detail: t('Use it and install the requirements into it, or delete it and make a new one?'),
    },
    use,
    recreate,
  );
  return choice === use ? 'use' : choice === recreate ? 'recreate' : 'cancel';
}

/** "Create Virtual Environment Here": `.venv` in a folder of the workspace, and its requirements.txt installed. */
export async function createVenvCommand(
  services: Services,
  reports: ReportDocuments,
  rawArgs: unknown,
): Promise<CreateVenvResult> {
  const parsed = parseCreateVenvArgs(rawArgs);
  if (!parsed.ok) {
    const message = t(
      'AI Onramp: invalid arguments for "Create Virtual Environment Here": {0}',
      parsed.reason,
    );
    services.log.error(message);
    void vscode.window.showErrorMessage(message);
    return { status: 'invalid', message };
  }
  const args = parsed.value;
  // Installing a folder's requirements.txt runs its packages' build code: not in Restricted Mode.
  if (!vscode.workspace.isTrusted) {
    const message = t(
      'This folder is open in Restricted Mode: trust it first ("Manage Workspace Trust"), then create the virtual environment.',
    );
    void vscode.window.showWarningMessage(message);
    return { status: 'untrusted', message };
  }
  let folder = args.folder;
  if (!folder) {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const picked =
      folders.length > 1
        ? await vscode.window.showWorkspaceFolderPick({
            placeHolder: t('Where should the virtual environment go?'),
          })
        : folders[0];
    if (!picked) {
      const message = t('Open a folder first: the virtual environment is made inside it.');
      void vscode.window.showWarningMessage(message);
      return { status: 'noFolder', message };
    }
    folder = picked.uri.fsPath;
  }
  const os = await detectOs();
  let python = args.python;
  let pythonLabel = python ?? '';
  let version: readonly number[] | undefined;
  // Each interpreter is probed once: a Python that hangs costs its timeout one time, not twice.
  let baseInfo: ProbeInfo | undefined;
  if (!python) {
    const check = await runCheck(services);
    warnSkippedSetting(services, check);
    const chosen = await pickInterpreter(check);
    if (!chosen) {
      if (!check.chosen) {
        await reports.show(t('Python check'), renderReport(check));
        return {
          status: 'failed',
          stage: 'venv',
          folder,
          message: t('No Python 3 was found on this computer.'),
        };
      }
      return { status: 'cancelled', stage: 'venv', folder };
    }
    python = chosen.info.executable;
    pythonLabel = `Python ${chosen.info.version.join('.')}`;
    version = chosen.info.version;
    baseInfo = chosen.info;
  } else {
    const probe = await probeInterpreter(python);
    if (!probe.ok) {
      const { message } = envFailureMessage({ code: 'pythonUnusable', output: probe.failure.detail }, os);
      services.log.error(`venv: ${python} does not run: ${probe.failure.detail}`);
      const outcome: EnvOutcome = { status: 'failed', stage: 'venv', message };
      announceOutcome(services, outcome, () => Promise.resolve(outcome));
      return { ...outcome, folder };
    }
    pythonLabel = `Python ${probe.info.version.join('.')}`;
    version = probe.info.version;
    baseInfo = probe.info;
  }
  const existingVenv = args.existingVenv ?? (await askExistingVenv(path.join(folder, VENV_DIR_NAME)));
  if (existingVenv === 'cancel') return { status: 'cancelled', stage: 'venv', folder };
  const run = (choice: ExistingVenvChoice): Promise<EnvOutcome> =>
    setUpWithProgress(services, {
      title: t('AI Onramp: virtual environment in {0}', path.basename(folder)),
      projectDir: folder,
      python: python,
      pythonLabel,
      existingVenv: choice,
      pipArgs: args.requirementsArgs,
      os,
      version,
      // "Use it" after a failure runs on an existing venv: the base interpreter is not needed again.
      baseInfo,
    });
  const outcome = await run(existingVenv);
  if (outcome.status === 'ready') {
    if (outcome.venvPython) await selectInPythonExtension(outcome.venvPython, vscode.Uri.file(folder));
    void vscode.window.showInformationMessage(
      outcome.install
        ? t('The virtual environment in {0} is ready and the requirements are installed.', folder)
        : t('The virtual environment in {0} is ready.', folder),
    );
  } else {
    announceOutcome(services, outcome, () => run('use'));
  }
  return { ...outcome, folder };
}
