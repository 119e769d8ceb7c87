/**
 * The host side of the playground's export and reload. Save: the user picks a folder; files already there are
 * replaced only after they say so; each file is written whole. Load: the user picks a model.json; it and the
 * weight files it names (plain names beside it, checked) are read and sent back. Each file is measured before
 * it is read: it must be a regular file (a named pipe would block the read forever, a device would never end),
 * a weights file must lie in model.json's folder (a link may point within it, never out of it), and the
 * weights must have exactly the size the manifest's shapes take; then exactly that many bytes are read.
 * The messages were validated by parseWebviewMessage; the answers always come back, also on cancel or
 * failure, so the page never waits.
 */
import { constants, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostMessage, ModelFilePayload, WebviewMessage } from '../../shared/protocol/training';
import { confirmReplace, displayPath, exists } from '../common/files';
import {
  checkWeightSizes,
  MAX_MODEL_JSON_BYTES,
  ModelFileError,
  weightsManifestOfModelJson,
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
  confirmReplace,
};

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

/** How a message names a file that is not a regular one (after `is`). */
function notAFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isFIFO()) return 'a named pipe (FIFO), not a file';
  if (stats.isDirectory()) return 'a folder, not a file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device, not a file';
  if (stats.isSocket()) return 'a socket, not a file';
  return 'not a regular file';
}

/** A file checked to be regular: where it really is (a link's target), and what it measured. */
interface CheckedFile {
  real: string;
  stats: Stats;
}

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code;

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}

/**
 * lstat, then (for a link) where it leads, then stat: the file must be a regular file and, when `inside` is
 * given, really lie in that folder. `subject` begins each message: "it" (model.json) or "its weights file {0}".
 */
async function checkFile(file: string, subject: string, name: string, inside?: string): Promise<CheckedFile> {
  let stats: Stats;
  try {
    stats = await fsp.lstat(file);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
    throw new ModelFileError(subject === 'it' ? 'it does not exist' : `${subject} is not beside it`, name);
  }
  let real = file;
  if (stats.isSymbolicLink()) {
    try {
      real = await fsp.realpath(file);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT' && errorCode(e) !== 'ELOOP') throw e;
      throw new ModelFileError(`${subject} is a link to something that does not exist`, name);
    }
    if (inside !== undefined && !isInside(inside, real)) {
      throw new ModelFileError(`${subject} is a link to {1}, outside the model's folder`, name, real);
    }
    stats = await fsp.stat(real);
  }
  const kind = notAFile(stats);
  if (kind) throw new ModelFileError(`${subject} is ${kind}`, name);
  return { real, stats };
}

/**
 * Reads exactly the measured size, through a handle opened without following links and without blocking on
 * a pipe, and refuses a file that was swapped or resized since it was checked.
 */
async function readChecked(file: CheckedFile, subject: string, name: string): Promise<Buffer> {
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  const handle = await fsp.open(file.real, flags);
  try {
    const now = await handle.stat();
    const size = file.stats.size;
    const changed = () => new ModelFileError(`${subject} changed while it was read`, name);
    if (!now.isFile() || now.ino !== file.stats.ino || now.dev !== file.stats.dev || now.size !== size) {
      throw changed();
    }
    const bytes = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(bytes, done, size - done, done);
      if (bytesRead === 0) throw changed();
      done += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** model.json and its weight files, from a folder on this machine's disk. */
async function readLocalModel(modelJson: string): Promise<{ files: ModelFilePayload[]; weights: string[] }> {
  const json = await checkFile(modelJson, 'it', '');
  if (json.stats.size > MAX_MODEL_JSON_BYTES) {
    throw new ModelFileError('it is {0} bytes, more than a model.json of this model can be', json.stats.size);
  }
  const jsonBytes = await readChecked(json, 'it', '');
  const manifest = weightsManifestOfModelJson(new TextDecoder().decode(jsonBytes));
  const folder = path.dirname(modelJson);
  const realFolder = await fsp.realpath(folder);
  const checked = new Map<string, CheckedFile>();
  for (const name of manifest.files) {
    checked.set(name, await checkFile(path.join(folder, name), 'its weights file {0}', name, realFolder));
  }
  checkWeightSizes(manifest, (name) => checked.get(name)!.stats.size);
  const files: ModelFilePayload[] = [{ name: 'model.json', content: jsonBytes.toString('base64') }];
  for (const [name, file] of checked) {
    files.push({ name, content: (await readChecked(file, 'its weights file {0}', name)).toString('base64') });
  }
  return { files, weights: manifest.files };
}

/**
 * The same through vscode.workspace.fs, for a model.json on another file system (a remote or virtual one): a
 * link or anything but a plain file is refused there, and sizes are checked before reading.
 */
async function readOtherModel(picked: vscode.Uri): Promise<{ files: ModelFilePayload[]; weights: string[] }> {
  const statOf = async (uri: vscode.Uri, subject: string, name: string) => {
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      throw new ModelFileError(subject === 'it' ? 'it does not exist' : `${subject} is not beside it`, name);
    }
    if (stat.type !== vscode.FileType.File) {
      const kind = stat.type & vscode.FileType.SymbolicLink ? 'a link, not a file' : 'not a regular file';
      throw new ModelFileError(`${subject} is ${kind}`, name);
    }
    return stat;
  };
  const readExactly = async (uri: vscode.Uri, size: number, subject: string, name: string) => {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength !== size) throw new ModelFileError(`${subject} changed while it was read`, name);
    return Buffer.from(bytes);
  };
  const jsonStat = await statOf(picked, 'it', '');
  if (jsonStat.size > MAX_MODEL_JSON_BYTES) {
    throw new ModelFileError('it is {0} bytes, more than a model.json of this model can be', jsonStat.size);
  }
  const jsonBytes = await readExactly(picked, jsonStat.size, 'it', '');
  const manifest = weightsManifestOfModelJson(new TextDecoder().decode(jsonBytes));
  const folder = vscode.Uri.joinPath(picked, '..');
  const sizes = new Map<string, number>();
  for (const name of manifest.files) {
    sizes.set(name, (await statOf(vscode.Uri.joinPath(folder, name), 'its weights file {0}', name)).size);
  }
  checkWeightSizes(manifest, (name) => sizes.get(name)!);
  const files: ModelFilePayload[] = [{ name: 'model.json', content: jsonBytes.toString('base64') }];
  for (const [name, size] of sizes) {
    const bytes = await readExactly(vscode.Uri.joinPath(folder, name), size, 'its weights file {0}', name);
    files.push({ name, content: bytes.toString('base64') });
  }
  return { files, weights: manifest.files };
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
    const { files, weights } =
      picked.scheme === 'file' ? await readLocalModel(picked.fsPath) : await readOtherModel(picked);
    log.info(`Playground: loaded ${displayPath(picked)} (${weights.join(', ')})`);
    return answer({ outcome: 'loaded', source: displayPath(picked), files });
  } catch (e) {
    const where = picked ? `${displayPath(picked)}: ` : '';
    const reason = e instanceof ModelFileError ? vscode.l10n.t(e.template, ...e.args) : (e as Error).message;
    log.warn(
      `Playground: could not load a model: ${where}${e instanceof ModelFileError ? e.message : reason}`,
    );
    return answer({ outcome: 'failed', error: `${where}${reason}` });
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
