// The playground's model files on the host side, in a real extension host: saving writes every file whole
// through vscode.workspace.fs into the folder the user picked and replaces existing files only when the user
// agrees; loading reads model.json and the weight files it names beside it, and refuses a manifest that points
// elsewhere. The dialogs are replaced (nobody can click them here); everything else is the real thing.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseHostMessage } from '../../src/protocol';
import {
  handleModelFilesMessage,
  loadModelFiles,
  saveModelFiles,
  type ModelFilesUi,
} from '../../src/training/modelFiles';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function ui(options: {
  folder?: string;
  modelJson?: string;
  replace?: boolean;
  asked?: string[][];
}): ModelFilesUi {
  return {
    pickFolder: async () => (options.folder ? vscode.Uri.file(options.folder) : undefined),
    pickModelJson: async () => (options.modelJson ? vscode.Uri.file(options.modelJson) : undefined),
    confirmReplace: async (existing) => {
      options.asked?.push(existing);
      return options.replace ?? false;
    },
  };
}

describe('playground model files (host)', () => {
  let dir: string;
  let log: vscode.LogOutputChannel;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onramp-model-files-'));
    log = vscode.window.createOutputChannel('AI Onramp model files test', { log: true });
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    log.dispose();
  });

  const modelJson = JSON.stringify({
    modelTopology: { class_name: 'Sequential' },
    weightsManifest: [{ paths: ['./model.weights.bin'], weights: [] }],
  });
  const files = [
    { name: 'model.json', content: b64(modelJson) },
    { name: 'model.weights.bin', content: b64(Buffer.from([1, 2, 3, 4, 5])) },
    { name: 'weights.npz', content: b64('PK-npz') },
  ];

  it('saves the files into the picked folder, asks before replacing, and answers in every case', async () => {
    const folder = path.join(dir, 'saved model 模型');
    mkdirSync(folder);
    const saved = await saveModelFiles(
      { type: 'saveModelFiles', requestId: 's1', files },
      log,
      ui({ folder }),
    );
    assert.deepEqual(saved, { type: 'modelFilesSaved', requestId: 's1', outcome: 'saved', folder });
    assert.ok(parseHostMessage(saved).ok);
    assert.deepEqual([...readFileSync(path.join(folder, 'model.weights.bin'))], [1, 2, 3, 4, 5]);
    assert.equal(readFileSync(path.join(folder, 'model.json'), 'utf8'), modelJson);

    // Again: the files exist; refused → nothing changes.
    writeFileSync(path.join(folder, 'weights.npz'), 'mine');
    const asked: string[][] = [];
    const refused = await saveModelFiles(
      { type: 'saveModelFiles', requestId: 's2', files },
      log,
      ui({ folder, asked, replace: false }),
    );
    assert.equal(refused.outcome, 'cancelled');
    assert.deepEqual(asked, [['model.json', 'model.weights.bin', 'weights.npz']]);
    assert.equal(readFileSync(path.join(folder, 'weights.npz'), 'utf8'), 'mine');
    const replaced = await saveModelFiles(
      { type: 'saveModelFiles', requestId: 's3', files },
      log,
      ui({ folder, replace: true }),
    );
    assert.equal(replaced.outcome, 'saved');
    assert.equal(readFileSync(path.join(folder, 'weights.npz'), 'utf8'), 'PK-npz');

    const cancelled = await saveModelFiles({ type: 'saveModelFiles', requestId: 's4', files }, log, ui({}));
    assert.equal(cancelled.outcome, 'cancelled');
    // A "folder" that is a file: the write fails, and the page hears why.
    const notAFolder = path.join(dir, 'not-a-folder');
    writeFileSync(notAFolder, '');
    const failed = await saveModelFiles(
      { type: 'saveModelFiles', requestId: 's5', files },
      log,
      ui({ folder: notAFolder }),
    );
    assert.equal(failed.outcome, 'failed');
    assert.ok(failed.error && failed.error.length > 0);
  });

  it('loads model.json and its weight files, and refuses a manifest that points outside the folder', async () => {
    const folder = path.join(dir, 'to load');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'my-model.json'), modelJson);
    writeFileSync(path.join(folder, 'model.weights.bin'), Buffer.from([9, 8, 7]));
    const loaded = await loadModelFiles(
      { type: 'loadModelFiles', requestId: 'l1' },
      log,
      ui({ modelJson: path.join(folder, 'my-model.json') }),
    );
    assert.equal(loaded.outcome, 'loaded', loaded.error);
    assert.ok(parseHostMessage(loaded).ok);
    assert.equal(loaded.source, path.join(folder, 'my-model.json'));
    assert.deepEqual(
      loaded.files?.map((f) => [f.name, Buffer.from(f.content, 'base64').toString('hex')]),
      [
        ['model.json', Buffer.from(modelJson).toString('hex')],
        ['model.weights.bin', '090807'],
      ],
    );

    writeFileSync(path.join(dir, 'secret.bin'), 'secret');
    writeFileSync(
      path.join(folder, 'evil.json'),
      JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] }),
    );
    const evil = await loadModelFiles(
      { type: 'loadModelFiles', requestId: 'l2' },
      log,
      ui({ modelJson: path.join(folder, 'evil.json') }),
    );
    assert.equal(evil.outcome, 'failed');
    assert.match(evil.error ?? '', /"\.\.\/secret\.bin" is not a plain \.bin file name/);
    assert.equal(evil.files, undefined);

    rmSync(path.join(folder, 'model.weights.bin'));
    const missing = await loadModelFiles(
      { type: 'loadModelFiles', requestId: 'l3' },
      log,
      ui({ modelJson: path.join(folder, 'my-model.json') }),
    );
    assert.match(missing.error ?? '', /model\.weights\.bin is not beside it/);
    const cancelled = await loadModelFiles({ type: 'loadModelFiles', requestId: 'l4' }, log, ui({}));
    assert.equal(cancelled.outcome, 'cancelled');
  });

  it('routes only the two playground messages', async () => {
    const answers: unknown[] = [];
    assert.equal(
      handleModelFilesMessage({ type: 'ready' }, log, (a) => answers.push(a)),
      false,
    );
    assert.equal(
      handleModelFilesMessage(
        { type: 'loadModelFiles', requestId: 'r' },
        log,
        (a) => answers.push(a),
        ui({}),
      ),
      true,
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(answers, [{ type: 'modelFilesLoaded', requestId: 'r', outcome: 'cancelled' }]);
  });
});
