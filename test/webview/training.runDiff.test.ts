/**
 * "What changed between two runs" in the training panel, in real Chromium: two short SGD runs on our CPU engine
 * (SGD no longer sends a run away from the engine) that differ in one layer and the learning rate list exactly
 * those two differences, and every layer and setting once "Show only what differs" is off (by the keyboard);
 * runs the host sends as history compare too, picked in the selects, with the backend and training images apart;
 * and the charts' run list names each run's model.
 * Run: node scripts/build.mjs && TEST_GREP='what changed' npx tsx scripts/test.ts webview
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserSession, type BrowserSession } from './harness';
import { ARTICLE_MODEL, type Architecture } from '../../src/shared/model';
import { SIMPLE_CONVNET } from '../../src/shared/architecture';
import type { HostMessage, RunRecord } from '../../src/shared/protocol/training';
import { choose, openTrainingPanel, outbox, sendHost } from './trainingPage';
import { sampleRun } from '../unit/runRecordFixture';

const sgdRun = (learningRate: number): HostMessage => ({
  type: 'start',
  hyperparameters: {
    backend: 'onramp-cpu',
    epochs: 1,
    batchSize: 32,
    learningRate,
    schedule: 'constant',
    optimizer: 'sgd',
  },
  limits: { trainSamples: 2048, testSamples: 500 },
});

/** Waits for the `n`th `runFinished` and returns its run. */
async function finishedRun(page: Page, n: number): Promise<RunRecord> {
  await page.waitForFunction(
    (count) => (window.aiOnrampOutbox ?? []).filter((m) => m.type === 'runFinished').length >= count,
    n,
    { timeout: 540_000, polling: 500 },
  );
  const finished = (await outbox(page)).filter((m) => m.type === 'runFinished');
  const m = finished[n - 1];
  assert.ok(m.type === 'runFinished');
  return m.run;
}

/** What the view lists: the summary, the layer lines, then [setting, from, to] of each table's rows. */
async function shown(page: Page) {
  const rows = (id: string) =>
    page.$$eval(`#${id} tbody tr`, (trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => c.textContent?.trim() ?? '')),
    );
  return {
    summary: (await page.textContent('#run-diff-summary')) ?? '',
    layers: await page.$$eval('#run-diff-layers li', (lis) => lis.map((li) => li.textContent?.trim() ?? '')),
    settings: await rows('run-diff-settings'),
    apart: await rows('run-diff-apart'),
  };
}

/** A finished run as the host's history holds it (the unit tests' sample run, with its model and seed). */
const record = (id: string, startedAt: number, architecture: Architecture, extra: Partial<RunRecord>) =>
  sampleRun({
    id,
    startedAt,
    backend: 'onramp-cpu',
    trainSamples: 3072,
    architecture: JSON.parse(JSON.stringify(architecture)) as Architecture,
    seed: 1,
    ...extra,
  });

describe('what changed between two runs in the training panel (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  it('two SGD runs on the CPU engine, one layer and the learning rate apart, list exactly those two', async () => {
    const page = await openTrainingPanel(session);
    assert.match((await shown(page)).summary, /Train two runs/);
    await sendHost(page, sgdRun(0.01));
    const first = await finishedRun(page, 1);
    // SGD trains on the engine now, as Adam does.
    assert.equal(first.status, 'completed', first.error);
    assert.equal(first.backend, 'onramp-cpu');
    assert.equal(first.hyperparameters.optimizer, 'sgd');
    assert.ok(first.testAccuracy! > 0.5, `SGD learns: test accuracy ${first.testAccuracy}`);
    // The second run: Conv2D with 16 filters instead of 32, and a larger learning rate.
    const input = page.locator('#layer-0-filters input');
    await input.fill('');
    await input.pressSequentially('16');
    await sendHost(page, sgdRun(0.05));
    const second = await finishedRun(page, 2);
    assert.equal(second.status, 'completed', second.error);
    assert.equal(second.backend, 'onramp-cpu');

    assert.deepEqual(await shown(page), {
      summary: 'Changes to the model: 2. Other changes: 0.',
      layers: ['Conv2D 1: Filters 32 → 16'],
      settings: [['Learning rate', '0.01', '0.05']],
      apart: [],
    });
    // "Show only what differs" off, by the keyboard: every layer and setting, the equal ones too.
    await page.focus('#run-diff-only');
    await page.keyboard.press('Space');
    const all = await shown(page);
    assert.deepEqual(all.layers, [
      'Conv2D 1: Filters 32 → 16',
      'Layer 2: MaxPool (the same)',
      'Layer 3: Flatten (the same)',
      'Layer 4: Dense 10 (the same)',
    ]);
    assert.deepEqual(
      all.settings.map((r) => r[0]),
      [
        'Learning rate',
        'Learning-rate schedule',
        'Epochs',
        'Batch size',
        'Optimizer',
        'Seed of the initial weights',
      ],
    );
    assert.deepEqual(all.settings[4], ['Optimizer', 'SGD', 'SGD']);
    assert.deepEqual(all.apart, [
      ['Backend', 'AI Onramp CPU engine', 'AI Onramp CPU engine'],
      ['Training images', '2,048', '2,048'],
    ]);
    await page.keyboard.press('Space');
    assert.deepEqual((await shown(page)).layers, ['Conv2D 1: Filters 32 → 16']);
    // The charts' run list names each run's model: the preset's name, or its layers.
    const names = await page.locator('.onramp-charts-run .onramp-charts-runname').allInnerTexts();
    assert.ok(
      names.some((n) => n.startsWith('this run: Conv2D 16 · MaxPool · Flatten · Dense 10 · ')),
      names.join(' | '),
    );
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('compares runs the host sends as history, picked in the selects, the backend and images apart', async () => {
    const page = await openTrainingPanel(session);
    const start = new Date(2026, 11, 1, 9, 0).getTime();
    const runs = [
      record('run-convnet', start, SIMPLE_CONVNET, { backend: 'wasm', trainSamples: 55_000 }),
      record('run-article', start + 60_000, ARTICLE_MODEL, {}),
      record('run-article-2', start + 120_000, ARTICLE_MODEL, { seed: 2 }),
    ];
    await sendHost(page, { type: 'history', runs });
    // The two newest at first: the article's model twice, another seed.
    assert.deepEqual(await shown(page), {
      summary: 'Changes to the model: 1. Other changes: 0.',
      layers: [],
      settings: [['Seed of the initial weights', '1', '2']],
      apart: [],
    });
    await choose(page, '#run-diff-a', 'run-article');
    await choose(page, '#run-diff-b', 'run-convnet');
    assert.deepEqual(await shown(page), {
      summary: 'Changes to the model: 3. Other changes: 2.',
      layers: ['Added layer 3: Conv2D 64', 'Added layer 4: MaxPool', 'Added layer 6: Dropout 0.5'],
      settings: [],
      apart: [
        ['Backend', 'AI Onramp CPU engine', 'WebAssembly (tfjs)'],
        ['Training images', '3,072', '55,000'],
      ],
    });
    // A history that arrives later keeps the learner's pick.
    await sendHost(page, { type: 'history', runs });
    assert.equal((await shown(page)).layers.length, 3);
    // Each option is named as the charts' run list names the run, the model first.
    const options = await page.$$eval('#run-diff-b vscode-option', (os) =>
      os.map((o) => o.textContent ?? ''),
    );
    assert.equal(options.length, 3);
    assert.match(options[2], /^Keras “Simple MNIST convnet” · /);
    assert.match(options[0], /^The article’s model · /);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
