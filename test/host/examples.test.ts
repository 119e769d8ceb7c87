// "Your examples" on the host side, in a real extension host: the messages the training panel hands to
// handleExamplesMessage write the examples to one file in the storage folder (global storage in the panel),
// a store opened afterwards (the next panel, after a reload) reads the same list back, deleting one rewrites the
// file without it and "delete all" (after the learner agrees) removes the file; a damaged entry is dropped and the
// rest kept; the IDX export writes MNIST's pair into the picked folder (asking before it replaces), which the
// shipped templates' my_digits.py reads back in python3 with numpy. The dialogs are stand-ins; the rest is real.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { decodeIdx } from '../../src/shared/examples/idx';
import {
  parseHostMessage,
  type HostMessage,
  type LearnerExample,
  type WebviewMessage,
} from '../../src/shared/protocol/training';
import { ExampleStore, handleExamplesMessage, type ExamplesUi } from '../../src/extension/examples';
import { EXAMPLES_FILE } from '../../src/extension/examples/store';
import { getExtension } from './helpers';

const run = promisify(execFile);

function example(id: string, label: number): LearnerExample {
  const pixels = Buffer.alloc(784);
  for (let i = 0; i < 784; i++) pixels[i] = (i * (label + 3) + id.length) % 256;
  return { id, label, pixels: pixels.toString('base64'), addedAt: 1_700_000_000_000 + label };
}

function ui(options: {
  folder?: string;
  replace?: boolean;
  deleteAll?: boolean;
  asked?: string[];
}): ExamplesUi {
  return {
    pickFolder: async () => (options.folder ? vscode.Uri.file(options.folder) : undefined),
    confirmReplace: async (existing) => {
      options.asked?.push(`replace ${existing.join(', ')}`);
      return options.replace ?? false;
    },
    confirmDeleteAll: async (count) => {
      options.asked?.push(`delete all ${count}`);
      return options.deleteAll ?? false;
    },
  };
}

describe('your examples (host)', function () {
  this.timeout(60_000);
  let dir: string;
  let storage: vscode.Uri;
  let log: vscode.LogOutputChannel;
  const warnings: string[] = [];
  let quietLog: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onramp-examples-'));
    storage = vscode.Uri.file(path.join(dir, 'globalStorage', 'ai-onramp.ai-onramp'));
    log = vscode.window.createOutputChannel('AI Onramp examples test', { log: true });
    quietLog = {
      info: (m: string) => log.info(m),
      warn: (m: string) => {
        warnings.push(m);
        log.warn(m);
      },
      error: (m: string) => log.error(m),
    } as Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    log.dispose();
  });

  /** What the page would be sent for `message`, by a panel whose store is `store`. */
  async function send(store: ExampleStore, message: WebviewMessage, dialogs: ExamplesUi = ui({})) {
    const posted: HostMessage[] = [];
    const handled = handleExamplesMessage(message, store, quietLog, (m) => posted.push(m), dialogs);
    assert.ok(handled, `${message.type} is one of Your examples' messages`);
    await handled;
    for (const m of posted) assert.ok(parseHostMessage(m).ok, `the page accepts ${m.type}`);
    return posted;
  }

  const file = () => path.join(storage.fsPath, EXAMPLES_FILE);
  const onDisk = () => (JSON.parse(readFileSync(file(), 'utf8')) as { examples: LearnerExample[] }).examples;

  it('writes the file in global storage, reads it back in the next panel, deletes one and all', async () => {
    const a = example('ex-a', 3);
    const b = example('ex-b', 3);
    const c = example('ex-c', 8);
    const first = new ExampleStore(storage, quietLog);
    assert.deepEqual(await first.list(), []);
    assert.equal(existsSync(file()), false);
    await send(first, { type: 'addExample', example: a });
    await send(first, { type: 'addExample', example: b });
    const answer = await send(first, { type: 'addExample', example: c });
    assert.deepEqual(answer, [{ type: 'examples', examples: [a, b, c] }]);
    assert.deepEqual(onDisk(), [a, b, c]);
    assert.equal(existsSync(`${file()}.tmp`), false, 'written through a temporary file, renamed');

    // The panel reopened (a reload, another window): a new store reads the file.
    const reopened = new ExampleStore(storage, quietLog);
    assert.deepEqual(await reopened.list(), [a, b, c]);

    assert.deepEqual(await send(reopened, { type: 'deleteExamples', ids: ['ex-b'] }), [
      { type: 'examples', examples: [a, c] },
    ]);
    assert.deepEqual(onDisk(), [a, c]);
    assert.deepEqual(await new ExampleStore(storage, quietLog).list(), [a, c]);

    // Delete all asks first; "no" keeps everything.
    const asked: string[] = [];
    assert.deepEqual(await send(reopened, { type: 'deleteAllExamples' }, ui({ asked, deleteAll: false })), [
      { type: 'examples', examples: [a, c] },
    ]);
    assert.deepEqual(onDisk(), [a, c]);
    assert.deepEqual(await send(reopened, { type: 'deleteAllExamples' }, ui({ asked, deleteAll: true })), [
      { type: 'examples', examples: [] },
    ]);
    assert.deepEqual(asked, ['delete all 2', 'delete all 2']);
    assert.equal(existsSync(file()), false, 'no example left: no file');
    assert.deepEqual(await new ExampleStore(storage, quietLog).list(), []);
  });

  it('drops a damaged entry of the file (and says so), keeping the others', async () => {
    const good = [example('ok-1', 1), example('ok-2', 2)];
    mkdirSync(storage.fsPath, { recursive: true });
    writeFileSync(
      file(),
      JSON.stringify({
        version: 1,
        examples: [good[0], { ...good[1], id: 'bad', label: 12 }, good[1], good[0]],
      }),
    );
    warnings.length = 0;
    assert.deepEqual(await new ExampleStore(storage, quietLog).list(), good);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /dropped an entry .*example\.label must be an integer 0–9/);
    writeFileSync(file(), '{ not json');
    assert.deepEqual(await new ExampleStore(storage, quietLog).list(), []);
    rmSync(file());
  });

  it('exports an IDX pair to the picked folder that the shipped my_digits.py reads, asking before replacing', async () => {
    const store = new ExampleStore(storage, quietLog);
    const list = [example('x1', 0), example('x2', 7), example('x3', 7), example('x4', 9)];
    for (const e of list) await store.add(e);
    const folder = path.join(dir, 'exported 导出');
    mkdirSync(folder);

    assert.deepEqual(await send(store, { type: 'exportExamples', requestId: 'r0' }, ui({})), [
      { type: 'examplesExported', requestId: 'r0', outcome: 'cancelled' },
    ]);
    const files = ['my-digits-images-idx3-ubyte', 'my-digits-labels-idx1-ubyte'];
    assert.deepEqual(await send(store, { type: 'exportExamples', requestId: 'r1' }, ui({ folder })), [
      { type: 'examplesExported', requestId: 'r1', outcome: 'saved', folder, files },
    ]);
    const images = decodeIdx(readFileSync(path.join(folder, files[0])));
    const labels = decodeIdx(readFileSync(path.join(folder, files[1])));
    assert.deepEqual(images.dims, [4, 28, 28]);
    assert.deepEqual([...labels.data], [0, 7, 7, 9]);
    assert.deepEqual(Buffer.from(images.data.subarray(784, 2 * 784)).toString('base64'), list[1].pixels);

    // What ships in the VSIX (dist/templates, copied by the build) reads the pair.
    const loader = path.join(getExtension().extensionPath, 'dist', 'templates', 'common', 'my_digits.py');
    assert.ok(existsSync(loader), loader);
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(path.dirname(loader))})`,
      'from my_digits import load_my_digits',
      `x, y = load_my_digits(${JSON.stringify(folder)})`,
      'print(json.dumps({"shape": list(x.shape), "labels": y.tolist(), "second": x[1].flatten().tolist()}))',
    ].join('\n');
    const read = JSON.parse((await run('python3', ['-c', script])).stdout) as Record<string, unknown>;
    assert.deepEqual(read.shape, [4, 28, 28]);
    assert.deepEqual(read.labels, [0, 7, 7, 9]);
    assert.deepEqual(read.second, [...Buffer.from(list[1].pixels, 'base64')]);

    // Again: both files are there; refused → nothing changes.
    writeFileSync(path.join(folder, files[1]), 'mine');
    const asked: string[] = [];
    assert.deepEqual(await send(store, { type: 'exportExamples', requestId: 'r2' }, ui({ folder, asked })), [
      { type: 'examplesExported', requestId: 'r2', outcome: 'cancelled' },
    ]);
    assert.deepEqual(asked, [`replace ${files.join(', ')}`]);
    assert.equal(readFileSync(path.join(folder, files[1]), 'utf8'), 'mine');
    await store.deleteAll();
    const none = await send(store, { type: 'exportExamples', requestId: 'r3' }, ui({ folder }));
    assert.equal(none.length, 1);
    assert.equal((none[0] as { outcome: string }).outcome, 'failed');
  });
});
