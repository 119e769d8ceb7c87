import * as vscode from 'vscode';
import { getExtension, packageJson, workbenchText } from './helpers';
describe('PROBE locale', () => {
  it('prints', async () => {
    console.log('PROBE language', vscode.env.language);
    console.log('PROBE displayName', getExtension().packageJSON.displayName);
    console.log('PROBE titles', JSON.stringify(packageJson().contributes.commands.map((c) => c.title)));
    console.log('PROBE l10n', vscode.l10n.uri?.toString(), JSON.stringify(vscode.l10n.bundle)?.slice(0, 200));
    console.log('PROBE t', vscode.l10n.t('Show Welcome'));
    await vscode.commands.executeCommand('aiOnramp.showWelcome');
    await new Promise((r) => setTimeout(r, 1500));
    console.log('PROBE dom', JSON.stringify(await workbenchText('.gettingStartedSlideDetails .category-title')), JSON.stringify(await workbenchText('.tab .label-name')), JSON.stringify(await workbenchText('.activitybar .action-label'))?.slice(0,200));
  });
});
