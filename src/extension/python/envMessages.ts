// What the environment step says: each venv failure word for word with its fix, and the progress line for each
// step and pip event. Shared by "Create Virtual Environment Here" and "New AI Project".
import { t } from '../common/l10n';
import { describeProblem, type Fix } from './check';
import type { OsInfo } from './osInfo';
import type { PipEvent } from './pip';
import type { EnvFailure, ProgressStep } from './projectEnv';

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

/** The last non-empty line of a tool's output: the one that says what went wrong. */
export function lastLine(text: string): string {
  return text.trim().split(/\r?\n/).filter(Boolean).pop() ?? '';
}

/** The notification's line for a step (New AI Project's `files` step included); none for a pip event not shown. */
export function stepMessage(
  step: ProgressStep | { stage: 'files' },
  pythonLabel: string,
): string | undefined {
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
