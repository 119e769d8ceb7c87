// The editor side of Python checks and environment setup, shared by "Check Python Environment", "Create Virtual
// Environment Here" and "New AI Project": context keys, the report, interpreter choice, progress and messages.
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import {
  checkPython,
  describeProblem,
  renderCheckReport,
  type Fix,
  type PythonCheck,
  type Translate,
} from './check';
import type { UsableInterpreter } from './interpreters';
import type { OsInfo } from './osInfo';
import { checkIndex, indexLine, preflightLines, type PreflightFacts, type PreflightLine } from './preflight';
import type { PipEvent } from './pip';
import { probeInterpreter, type Framework, type ProbeInfo } from './probe';
import type { StepWatchState } from './stepWatch';
import { setUpEnvironment, type EnvFailure, type ExistingVenvChoice, type ProgressStep } from './projectEnv';
import { pythonExtensionInterpreter } from './pythonExtension';
import { configuredIndexUrl, indexLabel, pickPackageIndex } from './indexPicker';
import type { PipProblem } from './pip';
import { findUv, type UvTool } from './uv';
import { inspectVenv, VENV_DIR_NAME } from './venv';
import * as path from 'node:path';

export const t: Translate = (message, ...args) => vscode.l10n.t(message, ...args);

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

/** What the last check saw of the workspace venv (src/python/stepWatch.ts polls its site-packages). */
let lastCheck: StepWatchState = {};
export const lastCheckState = (): StepWatchState => lastCheck;

/** The deep-learning frameworks `python` can import; none when it cannot be run. */
async function frameworksIn(python: string): Promise<readonly Framework[]> {
  const probe = await probeInterpreter(python);
  return probe.ok ? probe.info.frameworks : [];
}

/**
 * uv when `aiOnramp.python.useUv` is on (the default) and uv is at `aiOnramp.python.uvPath` or on PATH; the log
 * says which tool makes the venv and installs.
 */
export async function configuredUv(services: Services): Promise<UvTool | undefined> {
  const config = vscode.workspace.getConfiguration('aiOnramp');
  if (!config.get<boolean>('python.useUv', true)) {
    services.log.info('venv: uv turned off (aiOnramp.python.useUv); using python -m venv and pip');
    return undefined;
  }
  const uv = await findUv(config.get<string>('python.uvPath', '') || undefined);
  services.log.info(
    uv ? `venv: using uv ${uv.version} at ${uv.path}` : 'venv: uv not found; using python -m venv and pip',
  );
  return uv;
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

/** The message for a venv step that failed, word for word as shown, and its fix. */
export function envFailureMessage(
  failure: EnvFailure,
  os: OsInfo,
  version?: readonly number[],
): { message: string; fix?: Fix } {
  switch (failure.code) {
    case 'noEnsurepip':
    case 'noVenvModule': {
      const v = version ?? ('version' in failure ? failure.version : [3, 0]);
      const problem = {
        code: failure.code === 'noEnsurepip' ? 'noEnsurepip' : 'noVenv',
        severity: 'error',
        version: v,
      } as const;
      const { title, fix } = describeProblem(problem, os, t);
      const cmd =
        failure.code === 'noEnsurepip' && failure.aptPackage
          ? `sudo apt install ${failure.aptPackage}`
          : fix.command;
      return {
        message: cmd
          ? t('{0} Install it with: {1} — nothing was created.', title, cmd)
          : t('{0} {1} Nothing was created.', title, fix.text),
        fix: { ...fix, command: cmd },
      };
    }
    case 'pythonUnusable':
      return { message: t('Could not run Python: {0}', failure.output) };
    case 'existingVenv':
      return {
        message:
          failure.existing === 'file'
            ? t('There is a file called .venv where the virtual environment should go. Nothing was changed.')
            : failure.existing === 'folder'
              ? t(
                  'The .venv folder here is not a virtual environment (it has no pyvenv.cfg), so AI Onramp does not delete it. Move or rename it, then try again. Nothing was changed.',
                )
              : t('The folder already has a .venv. Nothing was changed.'),
      };
    case 'brokenVenv':
      return {
        message: t(
          'The .venv here is broken (its Python {0} does not run: {1}). Run the command again and choose Recreate; files of yours in .venv are kept. Nothing was changed.',
          failure.python,
          lastLine(failure.output),
        ),
      };
    case 'folderMissing':
      return { message: t('The folder {0} does not exist. Nothing was created.', failure.folder) };
    case 'folderNotWritable':
      return {
        message: t(
          'AI Onramp cannot write in {0} ({1}). Pick a folder you can write to; nothing was created.',
          failure.folder,
          failure.output,
        ),
      };
    case 'cancelled':
      return {
        message: t('Creating the virtual environment was cancelled; the half-made .venv was removed.'),
      };
    case 'failed':
      return {
        message: t(
          'Creating the virtual environment failed: {0}. The half-made .venv was removed.',
          lastLine(failure.output) || t('exit code {0}', String(failure.exitCode)),
        ),
      };
  }
}

function lastLine(text: string): string {
  return text.trim().split(/\r?\n/).filter(Boolean).pop() ?? '';
}

/** What the environment step reports to callers (and host tests) through the commands' return values. */
export interface EnvOutcome {
  readonly status: 'ready' | 'failed' | 'cancelled';
  /** The step that failed or was cancelled. */
  readonly stage?: 'venv' | 'install';
  /** The message shown to the user, word for word. */
  readonly message?: string;
  /** The command that fixes a failure, offered with "Copy Command". */
  readonly fixCommand?: string;
  readonly venvPython?: string;
  readonly venvStatus?: 'created' | 'reused';
  readonly venvMs?: number;
  readonly install?: {
    readonly ok: boolean;
    readonly cancelled: boolean;
    readonly errors: readonly string[];
    readonly installed: readonly string[];
    readonly durationMs: number;
    readonly pid?: number;
    /** Why, when the cause is outside the requirements (no pip, a venv Python that does not run, the index). */
    readonly problem?: PipProblem;
    /** The `--index-url` used; absent for pip's default. */
    readonly indexUrl?: string;
  };
}

function stepMessage(step: ProgressStep | { stage: 'files' }, pythonLabel: string): string | undefined {
  switch (step.stage) {
    case 'files':
      return t('Writing the project files…');
    case 'checkPython':
      return t('Checking {0}…', pythonLabel);
    case 'venv':
      return t('Creating .venv with {0}…', pythonLabel);
    case 'install':
      return step.event ? pipMessage(step.event) : t('Installing requirements.txt…');
  }
}

function pipMessage(event: PipEvent): string | undefined {
  switch (event.kind) {
    case 'collecting':
      return t('Collecting {0}…', event.name);
    case 'downloading':
      return event.size
        ? t('Downloading {0} ({1})…', event.file, event.size)
        : t('Downloading {0}…', event.file);
    case 'progress':
      return event.total > 0
        ? t('Downloading: {0}%', Math.floor((event.done / event.total) * 100))
        : undefined;
    case 'building':
      return t('Building {0}…', event.name);
    case 'installing':
      return t('Installing {0}…', event.names.join(', '));
    case 'installed':
      return t('Installed {0}', event.names.join(', '));
    case 'retrying':
      return t('Network problem: pip is retrying ({0} tries left)…', event.triesLeft);
    case 'error':
      return undefined;
  }
}

/**
 * Runs the venv + requirements step in a cancellable notification. `before` runs inside the same notification
 * first (New AI Project writes its files there).
 */
export async function setUpWithProgress(
  services: Services,
  options: {
    readonly title: string;
    readonly projectDir: string;
    readonly python: string;
    readonly pythonLabel: string;
    readonly existingVenv: ExistingVenvChoice;
    readonly pipArgs: readonly string[];
    readonly os: OsInfo;
    readonly version?: readonly number[];
    /** The base interpreter's probe, when the caller already ran it: it is not run again. */
    readonly baseInfo?: ProbeInfo;
    readonly before?: (report: (step: { stage: 'files' }) => void) => Promise<void>;
  },
): Promise<EnvOutcome> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let lastMessage = '';
      const report = (step: ProgressStep | { stage: 'files' }): void => {
        const message = stepMessage(step, options.pythonLabel);
        if (message && message !== lastMessage) {
          lastMessage = message;
          progress.report({ message });
        }
      };
      try {
        await options.before?.(report);
        const env = await setUpEnvironment({
          projectDir: options.projectDir,
          python: options.python,
          baseInfo: options.baseInfo,
          indexUrl: configuredIndexUrl(services),
          uv: await configuredUv(services),
          existingVenv: options.existingVenv,
          requirementsFile: 'requirements.txt',
          pipArgs: options.pipArgs,
          log: services.log,
          signal: controller.signal,
          onProgress: report,
        });
        if (env.venv.status === 'failed') {
          const { message, fix } = envFailureMessage(
            env.venv.failure,
            options.os,
            env.base?.version ?? options.version,
          );
          const cancelled = env.venv.failure.code === 'cancelled';
          return {
            status: cancelled ? 'cancelled' : 'failed',
            stage: 'venv',
            message,
            fixCommand: fix?.command,
          };
        }
        await services.contextKeys.set('aiOnramp.venvReady', true);
        await services.contextKeys.set('aiOnramp.pipFound', true);
        const base = {
          venvPython: env.venv.python,
          venvStatus: env.venv.status,
          venvMs: env.venv.durationMs,
        };
        const install = env.install;
        if (!install) return { status: 'ready', ...base };
        const installSummary = {
          ok: install.ok,
          cancelled: install.cancelled,
          errors: install.errors,
          installed: install.installed,
          durationMs: install.durationMs,
          pid: install.pid,
          problem: install.problem,
          indexUrl: install.indexUrl,
        };
        // The walkthrough's "Install a deep-learning framework" step: ticked by what the venv can now import.
        if (install.ok && env.venv.python) {
          const frameworks = await frameworksIn(env.venv.python);
          if (frameworks.length > 0) await services.contextKeys.set('aiOnramp.packagesInstalled', true);
        }
        if (install.ok) return { status: 'ready', ...base, install: installSummary };
        if (install.cancelled) {
          return {
            status: 'cancelled',
            stage: 'install',
            ...base,
            install: installSummary,
            message: t(
              'Installing the packages was cancelled. The project files and .venv are kept; run "Create Virtual Environment Here" to install them later.',
            ),
          };
        }
        const detail = (install.problemDetail ?? install.errors.at(-1) ?? '').replace(/\.$/, '');
        switch (install.problem) {
          case 'noPip':
            return {
              status: 'failed',
              stage: 'install',
              ...base,
              install: installSummary,
              fixCommand: `"${env.venv.python}" -m ensurepip --upgrade`,
              message: t(
                'The virtual environment has no pip ({0}). "Copy Command" gives the command that adds it; or recreate the .venv. The project files and .venv are kept.',
                detail,
              ),
            };
          case 'pythonDoesNotRun':
            return {
              status: 'failed',
              stage: 'install',
              ...base,
              install: installSummary,
              message: t(
                'The .venv is broken: its Python {0} does not run ({1}). Run "Create Virtual Environment Here" and choose Recreate. The project files are kept.',
                env.venv.python,
                detail,
              ),
            };
          case 'indexUnreachable':
            return {
              status: 'failed',
              stage: 'install',
              ...base,
              install: installSummary,
              message: t(
                'Could not reach the package index {0}: {1}. Pick another index (a mirror near you) and retry. The project files and .venv are kept.',
                indexLabel(install.indexUrl),
                detail,
              ),
            };
          default:
            return {
              status: 'failed',
              stage: 'install',
              ...base,
              install: installSummary,
              message: t(
                'Installing the packages failed: {0}. The project files and .venv are kept.',
                detail || t('pip exited with code {0}', String(install.exitCode)),
              ),
            };
        }
      } finally {
        sub.dispose();
      }
    },
  );
}

/**
 * Shows the outcome without holding up the command's return (a notification waits for the user). "Retry"
 * installs again into the same venv; "Copy Command" puts the fix on the clipboard.
 */
export function announceOutcome(
  services: Services,
  outcome: EnvOutcome,
  retry: () => Promise<EnvOutcome>,
): void {
  if (outcome.status === 'ready' || !outcome.message) return;
  const showLog = t('Show Log');
  const retryLabel = t('Retry');
  const copy = t('Copy Command');
  const pickIndex = t('Pick Another Index and Retry');
  const unreachable = outcome.install?.problem === 'indexUnreachable';
  const buttons = [
    ...(outcome.fixCommand ? [copy] : []),
    ...(unreachable ? [pickIndex] : []),
    showLog,
    ...(outcome.stage === 'install' && outcome.status === 'failed' ? [retryLabel] : []),
  ];
  const show =
    outcome.status === 'cancelled' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  void Promise.resolve(show(outcome.message, ...buttons)).then(async (choice) => {
    if (choice === showLog) services.log.show(true);
    else if (choice === copy && outcome.fixCommand) {
      await vscode.env.clipboard.writeText(outcome.fixCommand);
      void vscode.window.showInformationMessage(t('Copied: {0}', outcome.fixCommand));
    } else if (choice === retryLabel || choice === pickIndex) {
      if (choice === pickIndex && (await pickPackageIndex(services)) === undefined) return;
      const again = await retry();
      if (again.status === 'ready')
        void vscode.window.showInformationMessage(t('The packages are installed.'));
      else announceOutcome(services, again, retry);
    }
  });
}
