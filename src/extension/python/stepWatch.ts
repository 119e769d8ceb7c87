/**
 * Notices what the learner does in the terminal — `python -m venv .venv`, `pip install tensorflow` — so the
 * walkthrough's venv and framework steps tick by themselves. Two signals:
 * - a command that ends in a terminal with shell integration and names pip, venv, conda or uv;
 * - every 2 s, a few `stat` calls: the workspace venv's activation script (written last by `venv`, after pip)
 *   and each framework's folder in that venv's site-packages. Only a change (absent → present) starts a check.
 * Polling, not file watchers: a venv appears as a burst of new nested folders, and the recursive workspace
 * watcher missed the site-packages events of a fresh venv in about half of the host-test runs.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { FRAMEWORKS } from './probe';
import { VENV_DIR_NAME } from './venv';

/** What the last check learned that the poll needs: where the workspace venv keeps its packages. */
export interface StepWatchState {
  readonly sitePackages?: string | null;
  readonly frameworksFound?: boolean;
}

const POLL_MS = 2000;
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

export function watchPythonSteps(
  services: Services,
  state: () => StepWatchState,
  check: (reason: string) => Promise<unknown>,
): void {
  const seen = new Map<string, boolean>();
  let busy = false;
  /**
   * True when `p` exists now but did not at the last poll. A path never polled before counts as absent when
   * `newIsAbsent` (a framework in a venv the last check found without one), else the first poll only records.
   */
  const appeared = async (p: string, newIsAbsent: boolean): Promise<boolean> => {
    const now = await exists(p);
    const before = seen.get(p) ?? (newIsAbsent ? false : undefined);
    seen.set(p, now);
    return now && before === false;
  };
  const poll = async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (busy || folder?.scheme !== 'file') return;
    busy = true;
    try {
      const venv = path.join(folder.fsPath, VENV_DIR_NAME);
      const { sitePackages: site, frameworksFound } = state();
      const watched: [string, boolean][] = [
        [path.join(venv, 'bin', 'activate'), false],
        [path.join(venv, 'Scripts', 'activate.bat'), false],
        ...(site ? FRAMEWORKS.map((f): [string, boolean] => [path.join(site, f), !frameworksFound]) : []),
      ];
      for (const [p, newIsAbsent] of watched) {
        if (await appeared(p, newIsAbsent)) {
          await check(`${p} appeared`);
          break;
        }
      }
    } catch (e) {
      services.log.error(`python: watching for a venv failed: ${String(e)}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  void poll();
  services.context.subscriptions.push(
    { dispose: () => clearInterval(timer) },
    vscode.window.onDidEndTerminalShellExecution((e) => {
      const command = e.execution.commandLine.value;
      if (/\b(pip3?|venv|conda|uv)\b/.test(command))
        void check(`"${command.slice(0, 200)}" ended in a terminal`);
    }),
  );
}
