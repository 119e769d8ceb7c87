// "Copy" next to a walkthrough code block: the walkthrough's markdown renderer has no copy button and runs no
// script of ours, but it opens command links, so each block is followed by a link to this command naming
// its file and position. The text comes from the markdown file itself, so it is written once.
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { codeBlocks, copyText, parseCopyArguments } from './codeBlocks';

export async function copyCodeBlock(services: Services, args: readonly unknown[]): Promise<string> {
  const parsed = parseCopyArguments(args);
  if (!parsed.ok) throw new Error(vscode.l10n.t('Cannot copy this code: {0}', parsed.reason));
  const uri = vscode.Uri.joinPath(services.context.extensionUri, 'walkthroughs', ...parsed.file.split('/'));
  const markdown = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const block = codeBlocks(markdown)[parsed.index];
  if (!block) {
    throw new Error(
      vscode.l10n.t('Cannot copy this code: {0}', `${parsed.file} has no code block ${parsed.index}`),
    );
  }
  const text = copyText(block);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard'), 3000);
  services.log.info(`Walkthrough: copied code block ${parsed.index} of ${parsed.file}`);
  return text;
}
