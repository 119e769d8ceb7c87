// The environment step in a cancellable notification: venv and requirements, then what happened, in the words
// the user sees. Shared by "Create Virtual Environment Here" and "New AI Project".
import * as vscode from 'vscode';
import { t } from '../common/l10n';
import type { Services } from '../common/services';
import { envFailureMessage, stepMessage } from './envMessages';
import { configuredIndexUrl, indexLabel, pickPackageIndex } from './indexPicker';
import type { OsInfo } from './osInfo';
import type { PipProblem } from './pip';
import { probeInterpreter, type Framework, type ProbeInfo } from './probe';
import { setUpEnvironment, type EnvResult, type ExistingVenvChoice, type ProgressStep } from './projectEnv';
import { findUv, type UvTool } from './uv';

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

/** The deep-learning frameworks `python` can import; none when it cannot be run. */
async function frameworksIn(python: string): Promise<readonly Framework[]> {
  const probe = await probeInterpreter(python);
  return probe.ok ? probe.info.frameworks : [];
}

/** What the work inside the notification gets: where to report, the cancel signal, the index and uv to use. */
export interface EnvStepContext {
  readonly report: (step: ProgressStep | { readonly stage: 'files' }) => void;
  readonly signal: AbortSignal;
  readonly indexUrl: string | undefined;
  readonly uv: UvTool | undefined;
}

/**
 * Runs `work` (which sets up the environment: New AI Project writes its files first) in a cancellable
 * notification and says what happened.
 */
export async function runEnvStep(
  services: Services,
  options: {
    readonly title: string;
    readonly pythonLabel: string;
    readonly os: OsInfo;
    readonly version?: readonly number[];
  },
  work: (context: EnvStepContext) => Promise<EnvResult>,
): Promise<EnvOutcome> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let lastMessage = '';
      const report = (step: ProgressStep | { readonly stage: 'files' }): void => {
        const message = stepMessage(step, options.pythonLabel);
        if (message && message !== lastMessage) {
          lastMessage = message;
          progress.report({ message });
        }
      };
      try {
        const indexUrl = configuredIndexUrl(services);
        const uv = await configuredUv(services);
        const env = await work({ report, signal: controller.signal, indexUrl, uv });
        return await envOutcome(services, env, options.os, options.version);
      } finally {
        sub.dispose();
      }
    },
  );
}

/** Makes (or reuses) `.venv` in `projectDir` and installs its requirements.txt, in a cancellable notification. */
export function setUpWithProgress(
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
  },
): Promise<EnvOutcome> {
  return runEnvStep(services, options, ({ report, signal, indexUrl, uv }) =>
    setUpEnvironment({
      projectDir: options.projectDir,
      python: options.python,
      baseInfo: options.baseInfo,
      indexUrl,
      uv,
      existingVenv: options.existingVenv,
      requirementsFile: 'requirements.txt',
      pipArgs: options.pipArgs,
      log: services.log,
      signal,
      onProgress: report,
    }),
  );
}

/** What the environment step did, in the user's words; ticks the walkthrough's venv, pip and framework steps. */
async function envOutcome(
  services: Services,
  env: EnvResult,
  os: OsInfo,
  version: readonly number[] | undefined,
): Promise<EnvOutcome> {
  if (env.venv.status === 'failed') {
    const { message, fix } = envFailureMessage(env.venv.failure, os, env.base?.version ?? version);
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
