// "Check Python Environment": the check (which keeps the walkthrough's context keys up to date), its report
// beside the editor, and the interpreter choice the commands that make a venv ask for.
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { t } from '../common/l10n';
import type { Services } from '../common/services';
import { checkPython, describeProblem, type PythonCheck } from './check';
import { renderCheckReport } from './report';
import { configuredIndexUrl, indexLabel } from './indexPicker';
import type { UsableInterpreter } from './interpreters';
import {
  checkIndex,
  gatherPreflightFacts,
  indexLine,
  preflightLines,
  type PreflightFacts,
  type PreflightLine,
} from './preflight';
import { probeInterpreter, type Framework } from './probe';
import { pythonExtensionInterpreter } from './pythonExtension';
import type { StepWatchState } from './stepWatch';
import { inspectVenv, VENV_DIR_NAME } from './venv';

/** `aiOnramp.checkPython` returns this (host tests read it). */
export interface CheckPythonResult {
  readonly ready: boolean;
  readonly python?: string;
  readonly version?: string;
  readonly problems: readonly string[];
  readonly report: string;
  readonly reportUri?: string;
}

/** The reason `runCheck` gives when it is the first to need Python detection. */
export const CHECK_STARTED = 'a Python check started';

/** Runs the check and updates the context keys the walkthrough completes on. */
export async function runCheck(services: Services): Promise<PythonCheck> {
  services.pythonDemand.raise(CHECK_STARTED);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const settingPath = vscode.workspace.getConfiguration('aiOnramp').get<string>('pythonPath', '');
  // Restricted Mode: nothing the folder names is run (its venv, the interpreter its settings give the Python
  // extension); `aiOnramp.pythonPath` is a restricted setting, so VS Code gives only the user's own value.
  const trusted = vscode.workspace.isTrusted;
  const check = await checkPython({
    pythonExtensionPath: trusted ? await pythonExtensionInterpreter(folder) : undefined,
    settingPath,
  });
  const venv =
    folder?.scheme === 'file' && trusted
      ? await inspectVenv(path.join(folder.fsPath, VENV_DIR_NAME))
      : undefined;
  const chosen = check.chosen;
  services.log.info(
    `python check (${check.durationMs} ms): ` +
      (chosen ? `Python ${chosen.info.version.join('.')} at ${chosen.info.executable}` : 'no Python 3') +
      (check.problems.length ? `; problems: ${check.problems.map((p) => p.code).join(', ')}` : ''),
  );
  // A framework counts where the user will run it: in the chosen Python, or in this folder's venv.
  const frameworks = new Set<Framework>(chosen?.info.frameworks ?? []);
  const venvProbe = venv?.kind === 'venv' ? await probeInterpreter(venv.python) : undefined;
  lastCheck = venvProbe?.ok
    ? { sitePackages: venvProbe.info.sitePackages, frameworksFound: venvProbe.info.frameworks.length > 0 }
    : {};
  for (const f of venvProbe?.ok ? venvProbe.info.frameworks : []) frameworks.add(f);
  services.log.info(
    `python check: deep-learning frameworks ${frameworks.size ? [...frameworks].join(', ') : 'none'}` +
      (venv?.kind === 'venv' ? ` (chosen Python and ${venv.python})` : ' (chosen Python)'),
  );
  await Promise.all([
    services.contextKeys.set('aiOnramp.pythonFound', chosen !== undefined),
    services.contextKeys.set('aiOnramp.packagesInstalled', frameworks.size > 0),
    // pip counts as found where the user will use it: in the chosen Python, or in this folder's venv.
    services.contextKeys.set(
      'aiOnramp.pipFound',
      chosen?.info.modules.pip === true || venvProbe?.ok === true,
    ),
    // A .venv whose Python does not run is not ready.
    services.contextKeys.set('aiOnramp.venvReady', venvProbe?.ok === true),
  ]);
  return check;
}

/** What the last check saw of the workspace venv (stepWatch.ts polls its site-packages). */
let lastCheck: StepWatchState = {};
export const lastCheckState = (): StepWatchState => lastCheck;

/** "Check Python Environment": the check, the preflight and the report beside the editor. */
export async function checkPythonCommand(
  services: Services,
  reports: ReportDocuments,
  rawArgs: unknown,
): Promise<CheckPythonResult> {
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
  const reportUri = show ? (await reports.show(t('Python check'), report)).toString() : undefined;
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

/** Read-only Markdown documents (the check report): previewed, never "unsaved". */
export class ReportDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'ai-onramp-report';
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.path) ?? '';
  }

  /** Shows `markdown` rendered beside the current editor. */
  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: ReportDocuments.scheme, path: `/${name}.md` });
    this.docs.set(uri.path, markdown);
    this.changed.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      // No Markdown preview (the built-in extension disabled): the plain text is still readable.
      await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function renderReport(check: PythonCheck, facts?: PreflightFacts, index?: PreflightLine): string {
  const lines = facts ? preflightLines(check, facts, t) : [];
  return renderCheckReport(check, t, index ? [...lines, index] : lines);
}

/**
 * The preflight's index line, for a mirror set in `aiOnramp.python.indexUrl` only: the default index (PyPI) is
 * not contacted by a check (pip reports it at install time), so a check sends nothing over the network unasked.
 */
export async function indexPreflight(services: Services): Promise<PreflightLine | undefined> {
  const url = configuredIndexUrl(services);
  if (!url) return undefined;
  const answer = await checkIndex(url);
  services.log.info(
    `python check: package index ${indexLabel(url)}: ${answer.ok ? 'answers' : 'no answer'}, ${answer.detail}`,
  );
  return indexLine(answer, indexLabel(url), t);
}

/** Asks which interpreter to use when several can make venvs; the chosen one is first and preselected. */
export async function pickInterpreter(check: PythonCheck): Promise<UsableInterpreter | undefined> {
  const able = check.interpreters.filter((p): p is UsableInterpreter => p.ok && p.canCreateVenv);
  if (able.length <= 1) return check.chosen;
  const ordered = [check.chosen, ...able.filter((p) => p !== check.chosen)].filter(
    (p): p is UsableInterpreter => p !== undefined,
  );
  const picked = await vscode.window.showQuickPick(
    ordered.map((p) => ({
      label: `Python ${p.info.version.join('.')}`,
      description: p.info.executable,
      detail: p.versionStatus === 'ok' ? undefined : t('Outside the range TensorFlow supports'),
      interpreter: p,
    })),
    { title: t('Which Python should make the virtual environment?'), ignoreFocusOut: true },
  );
  return picked?.interpreter;
}

/** Says (once a command, not silently) that `aiOnramp.pythonPath` names a Python that was passed over, and why. */
export function warnSkippedSetting(services: Services, check: PythonCheck): void {
  const skipped = check.problems.find((p) => p.code === 'settingSkipped');
  if (!skipped) return;
  const { title } = describeProblem(skipped, check.os, t);
  services.log.warn(`python: ${title}`);
  void vscode.window.showWarningMessage(title);
}
