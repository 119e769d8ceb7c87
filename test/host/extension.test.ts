import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  getApi,
  getExtension,
  packageJson,
  shownText,
  waitFor,
  workbenchText,
} from './helpers';

describe('extension', () => {
  it('activates and exports its API', async () => {
    const api = await getApi();
    assert.equal(getExtension().isActive, true);
    assert.equal(typeof api.contextKeys.set, 'function');
    assert.equal(typeof api.log.info, 'function');
    assert.equal(api.log.name, 'AI Onramp');
  });

  it('registers every command that package.json contributes', async () => {
    await getApi();
    const contributed = packageJson().contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
  });

  it('shows command titles in the display language (package.nls.<language>.json)', () => {
    const root = getExtension().extensionPath;
    const language = vscode.env.language;
    const localized = join(root, `package.nls.${language}.json`);
    const nlsFile = existsSync(localized) ? localized : join(root, 'package.nls.json');
    const nls = JSON.parse(readFileSync(nlsFile, 'utf8')) as Record<string, string>;
    const raw = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as ReturnType<
      typeof packageJson
    >;
    for (const [i, command] of packageJson().contributes.commands.entries()) {
      const key = /^%(.+)%$/.exec(shownText(raw.contributes.commands[i].title))?.[1];
      assert.ok(key, `${command.command}: its title is not a %key% of package.nls.json`);
      assert.equal(shownText(command.title), nls[key], `${command.command} in ${language} (${nlsFile})`);
    }
  });

  it('"Show Welcome" opens the "Set up Python for AI" walkthrough', async () => {
    await getApi();
    await closeAllEditors();
    await vscode.commands.executeCommand('aiOnramp.showWelcome');
    const tab = await waitFor(() => vscode.window.tabGroups.activeTabGroup.activeTab, {
      message: 'an editor tab after Show Welcome',
    });
    // The Welcome/walkthrough editor has no API input type (it is neither text, webview nor custom).
    assert.equal(tab.input, undefined, `Show Welcome opened "${tab.label}", not the Welcome editor`);
    // Which walkthrough it shows only the page can tell: the API's tab label is set when the editor opens
    // and is stale or generic afterwards. The code-server harness reads the page; desktop VS Code
    // (test-electron) stops at the check above.
    const walkthrough = packageJson().contributes.walkthroughs?.find((w) => w.id === 'setupPython');
    assert.ok(walkthrough, 'package.json contributes no setupPython walkthrough');
    if ((await workbenchText('body')) === undefined) return;
    const shown = await waitFor(
      async () => {
        const titles = await workbenchText('.gettingStartedSlideDetails .category-title');
        return titles?.includes(walkthrough.title) ? titles : undefined;
      },
      { message: `the walkthrough "${walkthrough.title}" on the page` },
    );
    assert.deepEqual(shown, [walkthrough.title]);
    await closeAllEditors();
  });
});
