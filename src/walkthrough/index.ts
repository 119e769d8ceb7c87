import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { runFirstScript } from './firstScript';
import { openWalkthroughArgument, parseWalkthroughTarget } from './targets';

const FIRST_RUN_KEY = 'aiOnramp.welcomeShown';

/**
 * Opens a walkthrough: "Set up Python for AI" by default, or the one (and step) `ref` names: `firstModel`,
 * `firstModel#pythonProject`, or a step of the first walkthrough such as `pip`.
 */
export async function showWelcome(ref?: unknown): Promise<void> {
  const parsed = parseWalkthroughTarget(ref);
  if (!parsed.ok) throw new Error(vscode.l10n.t('Cannot open the walkthrough: {0}', parsed.reason));
  await vscode.commands.executeCommand(
    'workbench.action.openWalkthrough',
    openWalkthroughArgument(parsed.target),
    false,
  );
}

export function registerWalkthrough(services: Services): void {
  const { context, log } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand('aiOnramp.showWelcome', (ref?: unknown) => showWelcome(ref)),
    vscode.commands.registerCommand('aiOnramp.runFirstScript', async () => {
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
      .then(() => showWelcome())
      .then(undefined, (error: unknown) => log.error('Could not open the walkthrough', error));
  }
}
