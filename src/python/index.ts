// "Check Python Environment" and "Create Virtual Environment Here", and the context keys they keep up to date.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { parseCreateVenvArgs } from '../scaffold/newProject';
import type { PythonCheck } from './check';
import { probeInterpreter } from './probe';
import { watchPythonSteps } from './stepWatch';
import { selectInPythonExtension } from './pythonExtension';
import {
  announceOutcome,
  CHECK_STARTED,
  pickInterpreter,
  renderReport,
  ReportDocuments,
  lastCheckState,
  runCheck,
  setUpWithProgress,
  t,
  type EnvOutcome,
} from './ui';
import { inspectVenv, VENV_DIR_NAME } from './venv';
import { detectOs } from './osInfo';
import type { ExistingVenvChoice } from './projectEnv';

/** `aiOnramp.checkPython` returns this (host tests read it). */
export interface CheckPythonResult {
  readonly ready: boolean;
  readonly python?: string;
  readonly version?: string;
  readonly problems: readonly string[];
  readonly report: string;
  readonly reportUri?: string;
}

export type CreateVenvResult =
  | (EnvOutcome & { readonly folder: string })
  | { readonly status: 'invalid' | 'noFolder'; readonly message: string };

let reports: ReportDocuments | undefined;

export function registerPython(services: Services): void {
  reports = new ReportDocuments();
  services.context.subscriptions.push(
    reports,
    vscode.workspace.registerTextDocumentContentProvider(ReportDocuments.scheme, reports),
    vscode.commands.registerCommand('aiOnramp.checkPython', (args?: unknown) =>
      checkPythonCommand(services, args),
    ),
    vscode.commands.registerCommand('aiOnramp.createVenv', (args?: unknown) =>
      createVenvCommand(services, args),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aiOnramp.pythonPath')) refreshInBackground(services);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => refreshInBackground(services)),
  );
  // Nothing is probed or polled at start-up: detection begins when a walkthrough or a command first needs it.
  services.pythonDemand.whenRaised((reason) => {
    services.log.info(`python: detection starts (${reason})`);
    watchPythonSteps(services, lastCheckState, (change) => {
      services.log.info(`python: ${change}; checking again`);
      return refreshInBackground(services);
    });
    // A check that raised the demand is running already; anything else (a walkthrough on screen) needs one.
    if (reason !== CHECK_STARTED) refreshInBackground(services);
  });
}

function refreshInBackground(services: Services): Promise<unknown> {
  return runCheck(services).catch((e: unknown) => services.log.error(`python check failed: ${String(e)}`));
}

async function checkPythonCommand(services: Services, rawArgs: unknown): Promise<CheckPythonResult> {
  const show = !(
    typeof rawArgs === 'object' &&
    rawArgs !== null &&
    (rawArgs as { show?: unknown }).show === false
  );
  const check = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: t('Checking Python…') },
    () => runCheck(services),
  );
  const report = renderReport(check);
  const reportUri = show && reports ? (await reports.show(t('Python check'), report)).toString() : undefined;
  return summarize(check, report, reportUri);
}

function summarize(check: PythonCheck, report: string, reportUri?: string): CheckPythonResult {
  return {
    ready: check.chosen !== undefined && !check.problems.some((p) => p.severity === 'error'),
    python: check.chosen?.info.executable,
    version: check.chosen?.info.version.join('.'),
    problems: check.problems.map((p) => p.code),
    report,
    reportUri,
  };
}

/** Asks what to do with a `.venv` that is already there. */
export async function askExistingVenv(venvDir: string): Promise<ExistingVenvChoice> {
  const existing = await inspectVenv(venvDir);
  if (existing.kind === 'absent') return 'recreate';
  const use = t('Use It');
  const recreate = t('Recreate');
  const message =
    existing.kind === 'venv'
      ? t('{0} already has a virtual environment (.venv).', path.dirname(venvDir))
      : existing.kind === 'file'
        ? t('{0} has a file called .venv where the virtual environment should go.', path.dirname(venvDir))
        : t('{0} has a .venv folder that is not a working virtual environment.', path.dirname(venvDir));
  const detail =
    existing.kind === 'venv'
      ? t('Use it and install the requirements into it, or delete it and make a new one?')
      : t('Recreating deletes it and makes a new virtual environment.');
  const choice = await vscode.window.showWarningMessage(
    message,
    { modal: true, detail },
    ...(existing.kind === 'venv' ? [use, recreate] : [recreate]),
  );
  return choice === use ? 'use' : choice === recreate ? 'recreate' : 'cancel';
}

async function createVenvCommand(services: Services, rawArgs: unknown): Promise<CreateVenvResult> {
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
  if (!python) {
    const check = await runCheck(services);
    const chosen = await pickInterpreter(check);
    if (!chosen) {
      if (!check.chosen) {
        await reports?.show(t('Python check'), renderReport(check));
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
  } else {
    const probe = await probeInterpreter(python);
    if (probe.ok) {
      pythonLabel = `Python ${probe.info.version.join('.')}`;
      version = probe.info.version;
    }
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
