import * as vscode from 'vscode';
import type { Services } from '../common/services';

export const WALKTHROUGH_CATEGORY = 'ai-onramp.ai-onramp#setupPython';
const FIRST_RUN_KEY = 'aiOnramp.welcomeShown';

/** Opens the "Set up Python for AI" walkthrough, optionally at one step. */
export async function showWelcome(step?: string): Promise<void> {
  await vscode.commands.executeCommand(
    'workbench.action.openWalkthrough',
    step ? { category: WALKTHROUGH_CATEGORY, step: `${WALKTHROUGH_CATEGORY}#${step}` } : WALKTHROUGH_CATEGORY,
    false,
  );
}

export function registerWalkthrough({ context }: Services): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('aiOnramp.showWelcome', (step?: unknown) =>
      showWelcome(typeof step === 'string' ? step : undefined),
    ),
  );
  // A first install opens the walkthrough once; later activations leave the editor as it was.
  if (
    !context.globalState.get<boolean>(FIRST_RUN_KEY) &&
    context.extensionMode !== vscode.ExtensionMode.Test
  ) {
    void context.globalState.update(FIRST_RUN_KEY, true).then(() => showWelcome());
  }
}
