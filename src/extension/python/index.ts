// "Check Python Environment" and "Create Virtual Environment Here", and the context keys they keep up to date.
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { describeProblem, type PythonCheck } from './check';
import { parseCreateVenvArgs } from './commandArgs';
import { probeInterpreter, type ProbeInfo } from './probe';
import { pickPackageIndex } from './indexPicker';
import { gatherPreflightFacts } from './preflight';
import { watchPythonSteps } from './stepWatch';
import { selectInPythonExtension } from './pythonExtension';
import {
  announceOutcome,
  CHECK_STARTED,
  envFailureMessage,
  indexPreflight,
  pickInterpreter,
  renderReport,
  ReportDocuments,
  lastCheckState,
  runCheck,
  setUpWithProgress,
  t,
  type EnvOutcome,
} from './ui';
import { probeVenv, VENV_DIR_NAME } from './venv';
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
  | { readonly status: 'invalid' | 'noFolder' | 'untrusted'; readonly message: string };

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
    vscode.commands.registerCommand('aiOnramp.pickPackageIndex', (args?: unknown) =>
      pickPackageIndex(services, args),
    ),
    // Once detection runs, what it found follows the setting and the workspace.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (services.pythonDemand.raised && e.affectsConfiguration('aiOnramp.pythonPath')) {
        refreshInBackground(services);
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (services.pythonDemand.raised) refreshInBackground(services);
    }),
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
  // Free space where projects go (the open folder, else the home folder) and, on Windows, its policies.
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const [facts, index] = await Promise.all([
    gatherPreflightFacts(folder ?? homedir()),
    indexPreflight(services),
  ]);
  const report = renderReport(check, facts, index);
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

/** Says (once a command, not silently) that `aiOnramp.pythonPath` names a Python that was passed over, and why. */
export function warnSkippedSetting(services: Services, check: PythonCheck): void {
  const skipped = check.problems.find((p) => p.code === 'settingSkipped');
  if (!skipped) return;
  const { title } = describeProblem(skipped, check.os, t);
  services.log.warn(`python: ${title}`);
  void vscode.window.showWarningMessage(title);
}
