/**
 * The host side of the playground's export and reload. Save: the user picks a folder; files already there are
 * replaced only after they say so; each file is written whole. Load: the user picks a model.json; it and the
 * weight files it names (plain names beside it, checked) are read and sent back. The messages were validated
 * by parseWebviewMessage; the answers always come back, also on cancel or failure, so the page never waits.
 */
import * as vscode from 'vscode';
import type { HostMessage, ModelFilePayload, WebviewMessage } from '../protocol';
import {
  MAX_MODEL_JSON_BYTES,
  MAX_WEIGHT_BYTES,
  ModelFileError,
  weightFilesOfModelJson,
} from './modelFileChecks';

type SaveRequest = Extract<WebviewMessage, { type: 'saveModelFiles' }>;
type LoadRequest = Extract<WebviewMessage, { type: 'loadModelFiles' }>;
type SaveAnswer = Extract<HostMessage, { type: 'modelFilesSaved' }>;
type LoadAnswer = Extract<HostMessage, { type: 'modelFilesLoaded' }>;

/** The dialogs, replaceable in tests (a real extension host cannot click a dialog). */
export interface ModelFilesUi {
  pickFolder(): Thenable<vscode.Uri | undefined>;
  pickModelJson(): Thenable<vscode.Uri | undefined>;
  /** Asked when some of the files exist in the folder; true replaces them. */
  confirmReplace(existing: string[], folder: vscode.Uri): Thenable<boolean>;
}

const defaultFolder = () => vscode.workspace.workspaceFolders?.[0]?.uri;

export const dialogUi: ModelFilesUi = {
  async pickFolder() {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: defaultFolder(),
      openLabel: vscode.l10n.t('Save the model here'),
      title: vscode.l10n.t('Choose a folder for the trained model'),
    });
    return picked?.[0];
  },
  async pickModelJson() {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      defaultUri: defaultFolder(),
      openLabel: vscode.l10n.t('Load this model'),
      title: vscode.l10n.t('Choose the model.json of a saved model'),
      filters: { [vscode.l10n.t('TensorFlow.js model')]: ['json'] },
    });
    return picked?.[0];
  },
  async confirmReplace(existing, folder) {
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} already has {1}. Replace?', displayPath(folder), existing.join(', ')),
      { modal: true },
      replace,
    );
    return answer === replace;
  },
};

function displayPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function saveModelFiles(
  request: SaveRequest,
  log: vscode.LogOutputChannel,
  ui: ModelFilesUi = dialogUi,
): Promise<SaveAnswer> {
  const answer = (rest: Omit<SaveAnswer, 'type' | 'requestId'>): SaveAnswer => ({
    type: 'modelFilesSaved',
    requestId: request.requestId,
    ...rest,
  });
  try {
    const folder = await ui.pickFolder();
    if (!folder) return answer({ outcome: 'cancelled' });
    const targets = request.files.map((f) => ({ file: f, uri: vscode.Uri.joinPath(folder, f.name) }));
    const existing: string[] = [];
    for (const t of targets) if (await exists(t.uri)) existing.push(t.file.name);
    if (existing.length > 0 && !(await ui.confirmReplace(existing, folder))) {
      return answer({ outcome: 'cancelled' });
    }
    for (const t of targets) {
      await vscode.workspace.fs.writeFile(t.uri, Buffer.from(t.file.content, 'base64'));
    }
    log.info(`Playground: saved ${request.files.map((f) => f.name).join(', ')} to ${displayPath(folder)}`);
    return answer({ outcome: 'saved', folder: displayPath(folder) });
  } catch (e) {
    log.error(`Playground: could not save the model: ${(e as Error).stack ?? e}`);
    return answer({ outcome: 'failed', error: (e as Error).message });
  }
}

export async function loadModelFiles(
  request: LoadRequest,
  log: vscode.LogOutputChannel,
  ui: ModelFilesUi = dialogUi,
): Promise<LoadAnswer> {
  const answer = (rest: Omit<LoadAnswer, 'type' | 'requestId'>): LoadAnswer => ({
    type: 'modelFilesLoaded',
    requestId: request.requestId,
    ...rest,
  });
  let picked: vscode.Uri | undefined;
  try {
    picked = await ui.pickModelJson();
    if (!picked) return answer({ outcome: 'cancelled' });
    const stat = await vscode.workspace.fs.stat(picked);
    if (stat.size > MAX_MODEL_JSON_BYTES) {
      throw new ModelFileError(`it is ${stat.size} bytes, more than a model.json of this model can be`);
    }
    const jsonBytes = await vscode.workspace.fs.readFile(picked);
    const weightNames = weightFilesOfModelJson(new TextDecoder().decode(jsonBytes));
    const folder = vscode.Uri.joinPath(picked, '..');
    const files: ModelFilePayload[] = [
      { name: 'model.json', content: Buffer.from(jsonBytes).toString('base64') },
    ];
    let total = 0;
    for (const name of weightNames) {
      const uri = vscode.Uri.joinPath(folder, name);
      if (!(await exists(uri))) throw new ModelFileError(`its weights file ${name} is not beside it`);
      const bytes = await vscode.workspace.fs.readFile(uri);
      total += bytes.byteLength;
      if (total > MAX_WEIGHT_BYTES)
        throw new ModelFileError('its weight files are far larger than this model');
      files.push({ name, content: Buffer.from(bytes).toString('base64') });
    }
    log.info(`Playground: loaded ${displayPath(picked)} (${weightNames.join(', ')})`);
    return answer({ outcome: 'loaded', source: displayPath(picked), files });
  } catch (e) {
    const where = picked ? `${displayPath(picked)}: ` : '';
    const message = e instanceof ModelFileError ? `${where}${e.message}` : `${where}${(e as Error).message}`;
    log.warn(`Playground: could not load a model: ${message}`);
    return answer({ outcome: 'failed', error: message });
  }
}

/**
 * Routes a playground message (the panel calls this from its message handler); returns whether it was one.
 * The answer goes back through `post`.
 */
export function handleModelFilesMessage(
  message: WebviewMessage,
  log: vscode.LogOutputChannel,
  post: (answer: HostMessage) => void,
  ui: ModelFilesUi = dialogUi,
): boolean {
  if (message.type === 'saveModelFiles') {
    void saveModelFiles(message, log, ui).then(post);
    return true;
  }
  if (message.type === 'loadModelFiles') {
    void loadModelFiles(message, log, ui).then(post);
    return true;
  }
  return false;
}
