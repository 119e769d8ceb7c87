// "Your examples" on the host side, in a real extension host. Through the real extension: the training panel the
// command opens, its real page driven as a learner would (keys on the pad, the Add and delete buttons, through the
// code-server harness's probe) writes the examples to one file in the extension's own global storage
// (`context.globalStorageUri`, read from the extension's exports); the next panel reads the same list back and
// shows it; deleting one rewrites the file without it, and deleting the last removes the file. The store's
// handler, on that same folder: "delete all" asks first (VS Code refuses modal dialogs in extension tests, so there
// a stand-in answers); a damaged entry is dropped and the rest kept; the IDX export writes MNIST's pair into the picked folder (asking before it replaces), which the shipped
// templates' my_digits.py reads back in python3 with numpy; there the dialogs are stand-ins.
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
import { getApi, getExtension, trainingTabs, waitFor, workbenchAct, workbenchText } from './helpers';

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
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'onramp-examples-'));
    // The real extension's global storage: where its panel keeps the examples.
    storage = (await getApi()).globalStorageUri;
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
  after(async () => {
    await vscode.window.tabGroups.close(trainingTabs());
    rmSync(file(), { force: true });
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

  it('the real panel writes the file in its global storage, the next panel reads it back, deletes one, then the last', async function () {
    this.timeout(300_000);
    // Only the code-server harness can act in a webview (desktop VS Code has no probe): elsewhere this is skipped.
    if ((await workbenchText('body')) === undefined) this.skip();
    assert.equal(path.basename(storage.fsPath), 'ai-onramp.ai-onramp');
    assert.equal(path.basename(path.dirname(storage.fsPath)), 'globalStorage');
    assert.ok(!storage.fsPath.startsWith(dir), 'not a folder of the test');
    rmSync(file(), { force: true });

    const page = { frame: '#examples-fine-tune' };
    const openPanel = async () => {
      await vscode.window.tabGroups.close(trainingTabs());
      await vscode.commands.executeCommand('aiOnramp.openTrainingPanel');
      await waitFor(() => trainingTabs().length === 1, { timeoutMs: 20_000, message: 'the training panel' });
      await workbenchAct([{ click: '#tab-examples' }], { ...page, timeoutMs: 120_000 });
    };
    /** Draws a stroke with the pad's keys (Space: pen down and up, arrows: move), labels it `digit`, adds it. */
    const addByKeyboard = (digit: number, down: number) =>
      workbenchAct(
        [
          { press: 'Space', on: '.examples-pad-canvas' },
          ...Array.from({ length: down }, () => ({ press: 'ArrowDown', on: '.examples-pad-canvas' })),
          { press: 'Space', on: '.examples-pad-canvas' },
          { press: String(digit), on: '.examples-pad-canvas' },
          { click: '#examples-add' },
        ],
        page,
      );
    const shownIds = async () =>
      (await workbenchAct([{ read: '#examples-list li[data-id]', attribute: 'data-id' }], page))![0];
    const fileHolds = (labels: number[]) =>
      waitFor(
        () => {
          if (!existsSync(file())) return labels.length === 0;
          const list = onDisk();
          return JSON.stringify(list.map((e) => e.label)) === JSON.stringify(labels) && list;
        },
        { timeoutMs: 30_000, message: `examples.json in global storage holding ${labels.join(', ')}` },
      );

    await openPanel();
    await addByKeyboard(3, 10);
    await addByKeyboard(3, 6);
    await addByKeyboard(8, 12);
    const stored = await fileHolds([3, 3, 8]);
    assert.ok(stored !== true);
    assert.equal(existsSync(`${file()}.tmp`), false, 'written through a temporary file, renamed');
    for (const e of stored) {
      const ink = Buffer.from(e.pixels, 'base64');
      assert.equal(ink.length, 784);
      assert.ok(
        ink.some((v) => v > 0),
        'the stroke drawn with the keys is in the file',
      );
    }
    await waitFor(async () => JSON.stringify(await shownIds()) === JSON.stringify(stored.map((e) => e.id)), {
      message: 'the page showing the host’s list',
    });

    // The next panel (a reload, another window): its store reads the file, its page shows the list.
    await openPanel();
    await waitFor(async () => JSON.stringify(await shownIds()) === JSON.stringify(stored.map((e) => e.id)), {
      timeoutMs: 60_000,
      message: 'the reopened panel showing the stored examples',
    });
    assert.deepEqual(
      (await workbenchAct([{ read: '.examples-label[data-digit="3"]', attribute: 'data-count' }], page))![0],
      ['2'],
    );

    // Delete the second one with its own button: the file is rewritten without it.
    await workbenchAct([{ click: `button[data-delete="${stored[1].id}"]` }], page);
    const kept = await fileHolds([3, 8]);
    assert.ok(kept !== true);
    assert.deepEqual(
      kept.map((e) => e.id),
      [stored[0].id, stored[2].id],
    );

    // Deleting the last ones removes the file. (Delete all asks in a modal dialog, which VS Code refuses to show
    // while it runs extension tests: the next test answers it with a stand-in.)
    await workbenchAct([{ click: `button[data-delete="${stored[0].id}"]` }], page);
    await fileHolds([8]);
    await workbenchAct([{ click: `button[data-delete="${stored[2].id}"]` }], page);
    await fileHolds([]);
    await waitFor(async () => (await shownIds()).length === 0, { message: 'the page showing no example' });
    await vscode.window.tabGroups.close(trainingTabs());
  });

  it('delete all asks first: "no" keeps the file, "yes" removes it (the dialog a stand-in)', async () => {
    const a = example('ex-a', 3);
    const c = example('ex-c', 8);
    const store = new ExampleStore(storage, quietLog);
    await send(store, { type: 'addExample', example: a });
    assert.deepEqual(await send(store, { type: 'addExample', example: c }), [
      { type: 'examples', examples: [a, c] },
    ]);
    assert.deepEqual(onDisk(), [a, c]);
    const asked: string[] = [];
    assert.deepEqual(await send(store, { type: 'deleteAllExamples' }, ui({ asked, deleteAll: false })), [
      { type: 'examples', examples: [a, c] },
    ]);
    assert.deepEqual(onDisk(), [a, c]);
    assert.deepEqual(await new ExampleStore(storage, quietLog).list(), [a, c]);
    assert.deepEqual(await send(store, { type: 'deleteAllExamples' }, ui({ asked, deleteAll: true })), [
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
