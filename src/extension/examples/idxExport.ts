/**
 * Export of the learner's examples as an IDX pair, MNIST's own format (src/shared/examples/idx.ts): the learner
 * picks a folder, the host writes `my-digits-images-idx3-ubyte` and `my-digits-labels-idx1-ubyte` there (asking
 * before it replaces either). The names are fixed here, and checked once more as plain file names before they
 * are joined to the folder. The templates' `my_digits.py` reads the pair.
 */
import * as vscode from 'vscode';
import { encodeIdxImages, encodeIdxLabels, idxPairNames } from '../../shared/examples/idx';
import { IMAGE_PIXELS } from '../../shared/model';
import { isPlainFileName, type HostMessage, type LearnerExample } from '../../shared/protocol/training';
import { confirmReplace, displayPath, exists } from '../common/files';

export const EXPORT_PREFIX = 'my-digits';

type ExportAnswer = Extract<HostMessage, { type: 'examplesExported' }>;

/** The dialogs, replaceable in tests (nobody can click one in a host test). */
export interface ExamplesUi {
  pickFolder(): Thenable<vscode.Uri | undefined>;
  /** Asked when some of the files exist; true replaces them. */
  confirmReplace(existing: string[], folder: vscode.Uri): Thenable<boolean>;
  /** Asked before "Delete all"; true deletes. */
  confirmDeleteAll(count: number): Thenable<boolean>;
}

export const examplesDialogs: ExamplesUi = {
  async pickFolder() {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Export here'),
      title: vscode.l10n.t('Choose a folder for your examples (MNIST IDX files)'),
    });
    return picked?.[0];
  },
  confirmReplace,
  async confirmDeleteAll(count) {
    const remove = vscode.l10n.t('Delete all');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete all {0} of your examples? This cannot be undone.', count),
      { modal: true },
      remove,
    );
    return answer === remove;
  },
};

/** The pair's bytes: images in the examples' order, labels beside them. */
export function idxPair(examples: readonly LearnerExample[]): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(examples.length * IMAGE_PIXELS);
  const labels = new Uint8Array(examples.length);
  examples.forEach((e, i) => {
    const bytes = Buffer.from(e.pixels, 'base64');
    if (bytes.length !== IMAGE_PIXELS) throw new Error(`example ${e.id} holds ${bytes.length} bytes`);
    pixels.set(bytes, i * IMAGE_PIXELS);
    labels[i] = e.label;
  });
  return { images: encodeIdxImages(pixels, examples.length), labels: encodeIdxLabels(labels) };
}

export async function exportExamples(
  requestId: string,
  examples: readonly LearnerExample[],
  log: Pick<vscode.LogOutputChannel, 'info' | 'error'>,
  ui: ExamplesUi = examplesDialogs,
): Promise<ExportAnswer> {
  const answer = (rest: Omit<ExportAnswer, 'type' | 'requestId'>): ExportAnswer => ({
    type: 'examplesExported',
    requestId,
    ...rest,
  });
  try {
    if (examples.length === 0)
      return answer({ outcome: 'failed', error: vscode.l10n.t('There are no examples to export.') });
    const folder = await ui.pickFolder();
    if (!folder) return answer({ outcome: 'cancelled' });
    const names = idxPairNames(EXPORT_PREFIX);
    const files = [names.images, names.labels];
    if (!files.every((f) => isPlainFileName(f))) throw new Error(`bad file names ${files.join(', ')}`);
    const existing: string[] = [];
    for (const f of files) if (await exists(vscode.Uri.joinPath(folder, f))) existing.push(f);
    if (existing.length > 0 && !(await ui.confirmReplace(existing, folder)))
      return answer({ outcome: 'cancelled' });
    const pair = idxPair(examples);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, names.images), pair.images);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, names.labels), pair.labels);
    log.info(`Your examples: exported ${examples.length} to ${displayPath(folder)} (${files.join(', ')})`);
    return answer({ outcome: 'saved', folder: displayPath(folder), files });
  } catch (e) {
    log.error(`Your examples: could not export: ${(e as Error).stack ?? e}`);
    return answer({ outcome: 'failed', error: (e as Error).message });
  }
}
