// Utilities for host tests, which run inside a real extension host (code-server or desktop VS Code).
import * as vscode from 'vscode';
import type { AiOnrampApi } from '../../src/extension/extension';
import type { RunRecord } from '../../src/shared/protocol/training';
import type { ProbeAction } from '../../scripts/test-host';

export const EXTENSION_ID = 'ai-onramp.ai-onramp';

export function getExtension(): vscode.Extension<AiOnrampApi> {
  const extension = vscode.extensions.getExtension<AiOnrampApi>(EXTENSION_ID);
  if (!extension) throw new Error(`Extension ${EXTENSION_ID} is not loaded in this extension host.`);
  return extension;
}

/** Activates the extension (if it is not yet) and returns its exports. */
export async function getApi(): Promise<AiOnrampApi> {
  return getExtension().activate();
}

export type LocalizedString = string | { value: string; original: string };

/** The text of a manifest string as the user sees it. */
export function shownText(text: LocalizedString): string {
  return typeof text === 'string' ? text : text.value;
}

/** The extension's package.json, as VS Code read it (with `%key%` strings localised). */
export function packageJson(): {
  contributes: {
    // In a non-English display language VS Code gives localised titles as {value, original}.
    commands: { command: string; title: LocalizedString; category?: LocalizedString }[];
    walkthroughs?: { id: string; title: string; steps: { id: string; title: string }[] }[];
  };
} & Record<string, unknown> {
  return getExtension().packageJSON as ReturnType<typeof packageJson>;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited, in the error on timeout. */
  message?: string;
}

/**
 * Polls `condition` until it returns a truthy value and resolves with that value; rejects with
 * `message` (and the last error the condition threw, if any) after `timeoutMs`.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 10_000, intervalMs = 50, message = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the next value an event fires (that passes `filter`), or rejects after `timeoutMs`. */
export function nextEvent<T>(
  event: vscode.Event<T>,
  { timeoutMs = 10_000, filter = () => true }: { timeoutMs?: number; filter?: (value: T) => boolean } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`No event within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!filter(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Closes every editor, so the next test starts from an empty editor area. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor(() => vscode.window.tabGroups.all.every((group) => group.tabs.length === 0), {
    message: 'all editors to close',
  });
}

/** Every tab in every group, with what the API knows of it (webviews, text files, custom editors…). */
export function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

/**
 * The `innerText` of every visible workbench element matching a CSS selector, read by the code-server harness
 * (scripts/test-host.ts) from the real page. `undefined` where no harness offers it (desktop VS Code
 * through @vscode/test-electron): tests then check what the extension API alone can see.
 */
export async function workbenchText(selector: string): Promise<string[] | undefined> {
  const probe = process.env.AI_ONRAMP_WORKBENCH_PROBE;
  if (!probe) return undefined;
  const response = await fetch(`${probe}/text?selector=${encodeURIComponent(selector)}`);
  if (!response.ok) throw new Error(`workbench probe: ${response.status} ${await response.text()}`);
  return (await response.json()) as string[];
}

/**
 * Does `actions` in the workbench through the code-server harness's probe (scripts/test-host.ts), in the frame
 * whose document matches `frame` (a webview's content) when given, waiting up to `timeoutMs` for that frame to
 * be there; answers what each `read` read. `undefined` where no harness offers it (desktop VS Code).
 */
export async function workbenchAct(
  actions: ProbeAction[],
  { frame, timeoutMs = 60_000 }: { frame?: string; timeoutMs?: number } = {},
): Promise<(string | null)[][] | undefined> {
  const probe = process.env.AI_ONRAMP_WORKBENCH_PROBE;
  if (!probe) return undefined;
  // Only "no such frame yet" is asked again: an action that failed must not be done twice.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${probe}/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ frame, actions }),
    });
    if (response.ok) return (await response.json()) as (string | null)[][];
    const text = await response.text();
    if (response.status !== 404 || Date.now() > deadline) {
      throw new Error(`workbench probe (${frame ?? 'workbench'}): ${response.status} ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The training runs in the history (global storage), as the panel's own command lists them. */
export function listRuns(): Thenable<RunRecord[]> {
  return vscode.commands.executeCommand<RunRecord[]>('aiOnramp.training.listRuns');
}

/** The open training-panel tabs. */
export function trainingTabs(): vscode.Tab[] {
  return allTabs().filter(
    (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('aiOnramp.training'),
  );
}
