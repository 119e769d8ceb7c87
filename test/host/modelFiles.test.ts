// The playground's model files on the host side, in a real extension host: saving writes every file whole
// through vscode.workspace.fs into the folder the user picked and replaces existing files only when the user
// agrees; loading reads model.json and the weight files it names beside it, and refuses a manifest that points
// elsewhere, and weight files that are not plain files in that folder (a named pipe, links to /dev/zero or
// /etc/passwd) or whose size is not what the manifest's shapes take, before reading them. The dialogs are
// replaced (nobody can click them here); everything else is the real thing, FIFOs and symlinks included.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseHostMessage } from '../../src/shared/protocol/training';
import {
  handleModelFilesMessage,
  loadModelFiles,
  saveModelFiles,
  type ModelFilesUi,
} from '../../src/extension/training/modelFiles';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** The answer, or a failure after `ms`: a load that hangs must fail the test, not the suite. */
function within<T>(ms: number, answer: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/** Ends a read blocked on a FIFO (if one is): a writer that opens and closes gives the reader its EOF. */
function releaseFifo(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // No reader waiting (ENXIO): nothing to release.
  }
}

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

  // Two float32 values: the weights file holds 8 bytes.
  const modelJson = JSON.stringify({
    modelTopology: { class_name: 'Sequential' },
    weightsManifest: [
      { paths: ['./model.weights.bin'], weights: [{ name: 'dense/bias', shape: [2], dtype: 'float32' }] },
    ],
  });
  const files = [
    { name: 'model.json', content: b64(modelJson) },
    { name: 'model.weights.bin', content: b64(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])) },
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
    assert.deepEqual([...readFileSync(path.join(folder, 'model.weights.bin'))], [1, 2, 3, 4, 5, 6, 7, 8]);
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
    writeFileSync(path.join(folder, 'model.weights.bin'), Buffer.from([9, 8, 7, 6, 5, 4, 3, 2]));
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
        ['model.weights.bin', '0908070605040302'],
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

  describe('refuses weight files that are not plain files of the declared size in the model folder', () => {
    // w.bin should hold six float32 values: 24 bytes.
    const sixFloats = (paths = ['w.bin'], shape: number[] = [2, 3]) =>
      JSON.stringify({
        modelTopology: { class_name: 'Sequential' },
        weightsManifest: [{ paths, weights: [{ name: 'dense/kernel', shape, dtype: 'float32' }] }],
      });
    let n = 0;
    /** A fresh folder holding model.json (and what `make` puts beside it), loaded through the real code. */
    async function load(make: (folder: string) => void, json = sixFloats(), ms = 5000) {
      const folder = path.join(dir, `hostile ${++n}`);
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'model.json'), json);
      make(folder);
      try {
        return await within(
          ms,
          loadModelFiles(
            { type: 'loadModelFiles', requestId: `h${n}` },
            log,
            ui({ modelJson: path.join(folder, 'model.json') }),
          ),
          `loading ${folder}`,
        );
      } finally {
        releaseFifo(path.join(folder, 'w.bin'));
      }
    }
    function refused(answer: Awaited<ReturnType<typeof load>>, expected: RegExp): void {
      assert.equal(answer.outcome, 'failed', JSON.stringify(answer).slice(0, 300));
      assert.equal(answer.files, undefined);
      assert.ok(parseHostMessage(answer).ok);
      assert.match(answer.error ?? '', expected);
    }

    it('a named pipe (FIFO): answered at once, not waited on', async () => {
      const answer = await load((f) => execFileSync('mkfifo', [path.join(f, 'w.bin')]));
      refused(answer, /: its weights file w\.bin is a named pipe \(FIFO\), not a file$/);
    });

    it('a model.json that is a named pipe', async () => {
      const folder = path.join(dir, 'fifo model');
      mkdirSync(folder);
      const fifo = path.join(folder, 'model.json');
      execFileSync('mkfifo', [fifo]);
      try {
        const answer = await within(
          5000,
          loadModelFiles({ type: 'loadModelFiles', requestId: 'fifo-json' }, log, ui({ modelJson: fifo })),
          'a FIFO model.json',
        );
        refused(answer, /model\.json: it is a named pipe \(FIFO\), not a file$/);
      } finally {
        releaseFifo(fifo);
      }
    });

    it('a symlink to /etc/passwd: not read, not sent', async () => {
      const answer = await load((f) => symlinkSync('/etc/passwd', path.join(f, 'w.bin')));
      refused(answer, /: its weights file w\.bin is a link to \/etc\/passwd, outside the model's folder$/);
    });

    it('a symlink to a file in the folder above', async () => {
      writeFileSync(path.join(dir, 'above.bin'), Buffer.alloc(24));
      const answer = await load((f) => symlinkSync('../above.bin', path.join(f, 'w.bin')));
      refused(answer, /its weights file w\.bin is a link to .*above\.bin, outside the model's folder$/);
    });

    it('a folder named w.bin', async () => {
      const answer = await load((f) => mkdirSync(path.join(f, 'w.bin')));
      refused(answer, /: its weights file w\.bin is a folder, not a file$/);
    });

    it('a file one byte short or one byte long of what the shapes take', async () => {
      for (const size of [23, 25]) {
        const answer = await load((f) => writeFileSync(path.join(f, 'w.bin'), Buffer.alloc(size)));
        refused(
          answer,
          new RegExp(
            `its weights file w\\.bin holds ${size} bytes, but the shapes in its weightsManifest take 24$`,
          ),
        );
      }
    });

    it('a manifest whose shapes declare far more than any model here', async () => {
      const answer = await load(
        (f) => writeFileSync(path.join(f, 'w.bin'), Buffer.alloc(24)),
        sixFloats(['w.bin'], [100_000, 100_000]),
      );
      refused(
        answer,
        /: its weightsManifest declares 40000000000 bytes of weights, more than the 50331648 bytes/,
      );
    });

    it('loads a symlink that stays inside the folder, and weights split over two files', async () => {
      const inside = await load((f) => {
        writeFileSync(path.join(f, 'real.bin'), Buffer.alloc(24, 7));
        symlinkSync('real.bin', path.join(f, 'w.bin'));
      });
      assert.equal(inside.outcome, 'loaded', inside.error);
      assert.deepEqual(
        inside.files?.map((f) => [f.name, Buffer.from(f.content, 'base64').length]),
        [
          ['model.json', sixFloats().length],
          ['w.bin', 24],
        ],
      );
      const split = await load(
        (f) => {
          writeFileSync(path.join(f, 'w.bin'), Buffer.alloc(10));
          writeFileSync(path.join(f, 'w2.bin'), Buffer.alloc(14));
        },
        sixFloats(['w.bin', 'w2.bin']),
      );
      assert.equal(split.outcome, 'loaded', split.error);
      const wrongSplit = await load(
        (f) => {
          writeFileSync(path.join(f, 'w.bin'), Buffer.alloc(10));
          writeFileSync(path.join(f, 'w2.bin'), Buffer.alloc(15));
        },
        sixFloats(['w.bin', 'w2.bin']),
      );
      refused(
        wrongSplit,
        /its weights files w\.bin, w2\.bin hold 25 bytes, but the shapes in its weightsManifest take 24$/,
      );
    });

    it('the same checks on another file system (through vscode.workspace.fs)', async () => {
      // A minimal read-only file system: path → [type, bytes].
      const entries = new Map<string, [vscode.FileType, Uint8Array]>([
        ['/ok/model.json', [vscode.FileType.File, Buffer.from(sixFloats())]],
        ['/ok/w.bin', [vscode.FileType.File, new Uint8Array(24)]],
        ['/link/model.json', [vscode.FileType.File, Buffer.from(sixFloats())]],
        ['/link/w.bin', [vscode.FileType.File | vscode.FileType.SymbolicLink, new Uint8Array(24)]],
        ['/short/model.json', [vscode.FileType.File, Buffer.from(sixFloats())]],
        ['/short/w.bin', [vscode.FileType.File, new Uint8Array(23)]],
      ]);
      const entry = (uri: vscode.Uri) => {
        const found = entries.get(uri.path);
        if (!found) throw vscode.FileSystemError.FileNotFound(uri);
        return found;
      };
      const provider: vscode.FileSystemProvider = {
        onDidChangeFile: new vscode.EventEmitter<vscode.FileChangeEvent[]>().event,
        watch: () => new vscode.Disposable(() => undefined),
        stat: (uri) => {
          const [type, bytes] = entry(uri);
          return { type, ctime: 0, mtime: 0, size: bytes.length };
        },
        readFile: (uri) => entry(uri)[1],
        readDirectory: () => [],
        createDirectory: () => undefined,
        writeFile: () => undefined,
        delete: () => undefined,
        rename: () => undefined,
      };
      const registration = vscode.workspace.registerFileSystemProvider('onramp-test', provider, {
        isReadonly: true,
      });
      try {
        const loadFrom = (folder: string) =>
          loadModelFiles({ type: 'loadModelFiles', requestId: 'mem' }, log, {
            ...ui({}),
            pickModelJson: async () =>
              vscode.Uri.from({ scheme: 'onramp-test', path: `/${folder}/model.json` }),
          });
        const ok = await loadFrom('ok');
        assert.equal(ok.outcome, 'loaded', ok.error);
        assert.deepEqual(
          ok.files?.map((f) => f.name),
          ['model.json', 'w.bin'],
        );
        refused(await loadFrom('link'), /: its weights file w\.bin is a link, not a file$/);
        refused(
          await loadFrom('short'),
          /: its weights file w\.bin holds 23 bytes, but the shapes in its weightsManifest take 24$/,
        );
      } finally {
        registration.dispose();
      }
    });

    // Last: on code that follows the link, this read grows without bound until the host ends.
    it('a symlink to /dev/zero: answered at once, nothing read', async () => {
      const answer = await load((f) => symlinkSync('/dev/zero', path.join(f, 'w.bin')), sixFloats(), 1500);
      refused(answer, /: its weights file w\.bin is a link to \/dev\/zero, outside the model's folder$/);
    });
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
