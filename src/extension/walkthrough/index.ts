import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { copyCodeBlock } from './copyCode';
import { runFirstScript } from './firstScript';
import { openWalkthroughArgument, parseWalkthroughTarget } from './targets';

export { ContextKeys } from './contextKeys';

const FIRST_RUN_KEY = 'aiOnramp.welcomeShown';

/** The walkthrough editor is titled "Walkthrough: <extension display name>" (localised by VS Code). */
function walkthroughTabShown(displayName: string): boolean {
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some((t) => t.input === undefined && t.label.includes(displayName)),
  );
}

async function waitForWalkthroughTab(displayName: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!walkthroughTabShown(displayName)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/**
 * Opens a walkthrough: "Set up Python for AI" by default, or the one (and step) `ref` names: `firstModel`,
 * `firstModel#pythonProject`, or a step of the first walkthrough such as `pip`.
 *
 * Shortly after start-up VS Code may not have registered the extension's walkthroughs yet (it waits up to
 * 5 s for an experiment service, longer offline), and a walkthrough page opened for an unknown walkthrough
 * shows VS Code's own instead. Asking again while that page is open makes VS Code wait for ours and switch.
 */
export async function showWelcome(ref: unknown, displayName: string): Promise<void> {
  const parsed = parseWalkthroughTarget(ref);
  if (!parsed.ok) throw new Error(vscode.l10n.t('Cannot open the walkthrough: {0}', parsed.reason));
  const open = () =>
    vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      openWalkthroughArgument(parsed.target),
      false,
    );
  await open();
  if (!(await waitForWalkthroughTab(displayName, 1500))) await open();
}

export function registerWalkthrough(services: Services): void {
  const { context, log, pythonDemand } = services;
  const displayName = (context.extension.packageJSON as { displayName?: string }).displayName ?? 'AI Onramp';
  // The steps tick on what Python detection finds, so detection starts once one of our walkthroughs is on screen.
  const raiseIfShown = () => {
    if (walkthroughTabShown(displayName)) pythonDemand.raise('a walkthrough is shown');
  };
  const tabs = vscode.window.tabGroups.onDidChangeTabs(() => {
    raiseIfShown();
    if (pythonDemand.raised) tabs.dispose();
  });
  raiseIfShown();
  context.subscriptions.push(
    tabs,
    vscode.commands.registerCommand('aiOnramp.showWelcome', (ref?: unknown) => {
      pythonDemand.raise('Show Welcome');
      return showWelcome(ref, displayName);
    }),
    vscode.commands.registerCommand('aiOnramp.copyCodeBlock', (...args: unknown[]) =>
      copyCodeBlock(services, args),
    ),
    vscode.commands.registerCommand('aiOnramp.runFirstScript', async () => {
      pythonDemand.raise('Run First Script');
      const run = await runFirstScript(services);
      // Returned for callers such as tests; the walkthrough button ignores it.
      return (
        run && { scriptPath: run.scriptPath, interpreter: run.interpreter, exitCode: await run.exitCode }
      );
    }),
  );
  // A first install opens the walkthrough once; later activations leave the editor as it was. VS Code opens
  // a newly installed extension's first walkthrough itself when the window has focus; this covers the
  // other cases, and like VS Code it stays quiet when the user turned that off.
  const openOnInstall = vscode.workspace
    .getConfiguration('workbench.welcomePage')
    .get<boolean>('walkthroughs.openOnInstall', true);
  if (
    openOnInstall &&
    !context.globalState.get<boolean>(FIRST_RUN_KEY) &&
    context.extensionMode !== vscode.ExtensionMode.Test
  ) {
    void context.globalState
      .update(FIRST_RUN_KEY, true)
      .then(() => showWelcome(undefined, displayName))
      .then(undefined, (error: unknown) => log.error('Could not open the walkthrough', error));
  }
}
