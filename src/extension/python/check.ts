// "Check Python Environment": what was found, what is missing, and the exact fix for this OS.
import {
  chooseInterpreter,
  findInterpreters,
  interpreterCandidates,
  type ProbedCandidate,
  type UsableInterpreter,
} from './interpreters';
import { detectOs, type OsInfo } from './osInfo';
import { RECOMMENDED_PYTHON, supportedRangeText } from './versions';

/** `vscode.l10n.t` in the extension; a plain `{0}` formatter in unit tests. */
export type Translate = (message: string, ...args: Array<string | number>) => string;

export type Problem =
  | { readonly code: 'noPython'; readonly severity: 'error' }
  | {
      readonly code: 'settingNotFound';
      readonly severity: 'error';
      readonly path: string;
      readonly detail: string;
    }
  /** `aiOnramp.pythonPath` runs, but is not a Python 3: another interpreter is used, and the report says so. */
  | {
      readonly code: 'settingSkipped';
      readonly severity: 'warning';
      readonly path: string;
      readonly version: string;
      readonly usedInstead: string;
    }
  | { readonly code: 'storeAlias'; readonly severity: 'error'; readonly path: string }
  | { readonly code: 'python2Only'; readonly severity: 'error'; readonly version: string }
  | { readonly code: 'noVenv'; readonly severity: 'error'; readonly version: readonly number[] }
  | { readonly code: 'noEnsurepip'; readonly severity: 'error'; readonly version: readonly number[] }
  | { readonly code: 'noPip'; readonly severity: 'info'; readonly python: string }
  | {
      readonly code: 'versionOutOfRange';
      readonly severity: 'warning';
      readonly version: string;
      readonly tooNew: boolean;
    };

export interface PythonCheck {
  readonly os: OsInfo;
  readonly interpreters: readonly ProbedCandidate[];
  readonly chosen?: UsableInterpreter;
  readonly problems: readonly Problem[];
  readonly durationMs: number;
}

export async function checkPython(options: {
  readonly platform?: NodeJS.Platform;
  readonly pythonExtensionPath?: string;
  readonly settingPath?: string;
}): Promise<PythonCheck> {
  const started = Date.now();
  const platform = options.platform ?? process.platform;
  const [os, interpreters] = await Promise.all([
    detectOs(platform),
    findInterpreters(interpreterCandidates({ platform, ...options })),
  ]);
  const chosen = chooseInterpreter(interpreters);
  return {
    os,
    interpreters,
    chosen,
    problems: findProblems(interpreters, chosen),
    durationMs: Date.now() - started,
  };
}

export function findProblems(
  interpreters: readonly ProbedCandidate[],
  chosen?: UsableInterpreter,
): Problem[] {
  const problems: Problem[] = [];
  for (const p of interpreters) {
    if (p.ok && p.source === 'setting' && p.info.version[0] < 3 && chosen) {
      problems.push({
        code: 'settingSkipped',
        severity: 'warning',
        path: p.command,
        version: p.info.version.join('.'),
        usedInstead: chosen.info.executable,
      });
    }
    if (p.ok) continue;
    if (p.source === 'setting') {
      problems.push({
        code: 'settingNotFound',
        severity: 'error',
        path: p.command,
        detail: p.failure.detail,
      });
    } else if (p.failure.code === 'storeAlias') {
      problems.push({ code: 'storeAlias', severity: 'error', path: p.resolvedPath ?? p.command });
    }
  }
  if (!chosen) {
    const python2 = interpreters.find((p) => p.ok && p.info.version[0] < 3);
    if (python2?.ok)
      problems.push({ code: 'python2Only', severity: 'error', version: python2.info.version.join('.') });
    else problems.push({ code: 'noPython', severity: 'error' });
    return problems;
  }
  const { info } = chosen;
  if (!info.modules.venv) problems.push({ code: 'noVenv', severity: 'error', version: info.version });
  else if (!info.modules.ensurepip)
    problems.push({ code: 'noEnsurepip', severity: 'error', version: info.version });
  if (!info.modules.pip) problems.push({ code: 'noPip', severity: 'info', python: chosen.info.executable });
  if (chosen.versionStatus === 'tooOld' || chosen.versionStatus === 'tooNew') {
    problems.push({
      code: 'versionOutOfRange',
      severity: 'warning',
      version: info.version.join('.'),
      tooNew: chosen.versionStatus === 'tooNew',
    });
  }
  return problems;
}

export interface Fix {
  /** A sentence saying what to do. */
  readonly text: string;
  /** The exact command to type, when there is one. */
  readonly command?: string;
  readonly link?: string;
}

const PYTHON_DOWNLOADS = 'https://www.python.org/downloads/';

function installPythonFix(os: OsInfo, t: Translate): Fix {
  const v = RECOMMENDED_PYTHON;
  switch (os.family) {
    case 'debian':
      return {
        text: t('Install Python with apt:'),
        command: 'sudo apt install python3 python3-venv python3-pip',
      };
    case 'fedora':
      return { text: t('Install Python with dnf:'), command: 'sudo dnf install python3 python3-pip' };
    case 'arch':
      return { text: t('Install Python with pacman:'), command: 'sudo pacman -S python python-pip' };
    case 'suse':
      return { text: t('Install Python with zypper:'), command: 'sudo zypper install python3 python3-pip' };
    case 'alpine':
      return { text: t('Install Python with apk:'), command: 'sudo apk add python3 py3-pip' };
    case 'macos':
      return {
        text: t('Install Python {0} from python.org, or with Homebrew:', v),
        command: `brew install python@${v}`,
        link: `${PYTHON_DOWNLOADS}macos/`,
      };
    case 'windows':
      return {
        text: t(
          'Install Python {0} from python.org (tick "Add python.exe to PATH"), or with winget, then restart VS Code:',
          v,
        ),
        command: `winget install --exact --id Python.Python.${v}`,
        link: `${PYTHON_DOWNLOADS}windows/`,
      };
    default:
      return {
        text: t("Install Python {0} with your distribution's package manager, or from python.org.", v),
        link: PYTHON_DOWNLOADS,
      };
  }
}

function ensurepipFix(os: OsInfo, version: readonly number[], t: Translate): Fix {
  const minor = `${version[0]}.${version[1]}`;
  switch (os.family) {
    case 'debian':
      return {
        text: t(
          'Debian and Ubuntu ship venv support for Python {0} in a separate package. Install it:',
          minor,
        ),
        command: `sudo apt install python${minor}-venv`,
      };
    case 'fedora':
      return { text: t('Reinstall the complete Python package:'), command: 'sudo dnf install python3' };
    case 'arch':
      return { text: t('Reinstall the complete Python package:'), command: 'sudo pacman -S python' };
    case 'suse':
      return { text: t('Reinstall the complete Python package:'), command: 'sudo zypper install python3' };
    case 'alpine':
      return { text: t('Reinstall the complete Python package:'), command: 'sudo apk add python3' };
    default:
      return {
        text: t(
          'This Python was installed without venv support. Install Python {0} from python.org.',
          RECOMMENDED_PYTHON,
        ),
        link: PYTHON_DOWNLOADS,
      };
  }
}

function pipFix(os: OsInfo, python: string, t: Translate): Fix {
  const note = t("Not needed for AI Onramp projects: each project's .venv gets its own pip.");
  switch (os.family) {
    case 'debian':
      return {
        text: `${note} ${t('To have pip outside a venv too:')}`,
        command: 'sudo apt install python3-pip',
      };
    case 'fedora':
      return {
        text: `${note} ${t('To have pip outside a venv too:')}`,
        command: 'sudo dnf install python3-pip',
      };
    case 'arch':
      return {
        text: `${note} ${t('To have pip outside a venv too:')}`,
        command: 'sudo pacman -S python-pip',
      };
    default:
      return {
        text: `${note} ${t('To have pip outside a venv too:')}`,
        command: `"${python}" -m ensurepip --upgrade`,
      };
  }
}

/** The sentence and the fix for each problem, in the order the report lists them. */
export function describeProblem(problem: Problem, os: OsInfo, t: Translate): { title: string; fix: Fix } {
  switch (problem.code) {
    case 'noPython':
      return { title: t('No Python 3 was found on this computer.'), fix: installPythonFix(os, t) };
    case 'settingNotFound':
      return {
        title: t('The interpreter set in "aiOnramp.pythonPath" does not work: {0}', problem.path),
        fix: { text: t('Correct the setting, or clear it to search PATH. Details: {0}', problem.detail) },
      };
    case 'settingSkipped':
      return {
        title: t(
          'The interpreter set in "aiOnramp.pythonPath" ({0}) is Python {1}; AI Onramp needs Python 3, so it uses {2} instead.',
          problem.path,
          problem.version,
          problem.usedInstead,
        ),
        fix: { text: t('Set "aiOnramp.pythonPath" to a Python 3, or clear it to search PATH.') },
      };
    case 'storeAlias':
      return {
        title: t('"{0}" is the Microsoft Store alias, not a real Python.', problem.path),
        fix: {
          ...installPythonFix(os, t),
          text: t(
            'Install Python from python.org, or turn the alias off in Settings > Apps > Advanced app settings > App execution aliases.',
          ),
        },
      };
    case 'python2Only':
      return {
        title: t('Only Python {0} was found; AI Onramp needs Python 3.', problem.version),
        fix: installPythonFix(os, t),
      };
    case 'noVenv':
      return {
        title: t(
          'Python {0} cannot make virtual environments: the "venv" module is missing.',
          problem.version.join('.'),
        ),
        fix: ensurepipFix(os, problem.version, t),
      };
    case 'noEnsurepip':
      return {
        title: t(
          'Python {0} cannot make virtual environments with pip in them: the "ensurepip" module is missing.',
          problem.version.join('.'),
        ),
        fix: ensurepipFix(os, problem.version, t),
      };
    case 'noPip':
      return { title: t('pip is not installed for this Python.'), fix: pipFix(os, problem.python, t) };
    case 'versionOutOfRange':
      return {
        title: problem.tooNew
          ? t('Python {0} is newer than TensorFlow supports ({1}).', problem.version, supportedRangeText())
          : t('Python {0} is older than TensorFlow supports ({1}).', problem.version, supportedRangeText()),
        fix: {
          ...installPythonFix(os, t),
          text: t(
            'PyTorch and the data-science template may still work. For TensorFlow, install Python {0} alongside it:',
            RECOMMENDED_PYTHON,
          ),
        },
      };
  }
}
