/**
 * Automatic's backend choice by measurement, in the training panel's page in real Chromium. Here WebGL runs on
 * SwiftShader (no GPU) and our CPU engine is built: Automatic measures both, trains on the faster (the engine)
 * and shows both figures; a stored measurement is used without measuring again; a backend the user chose is
 * used without any measurement.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { postAsHost, repoRoot, startBrowserSession, type BrowserSession } from './harness';
import type {
  BackendMeasurement,
  HostMessage,
  RunRecord,
  WebviewMessage,
} from '../../src/shared/protocol/training';

const PAGE = '/test/webview/pages/training.html';

async function openPanel(session: BrowserSession): Promise<Page & { errors: string[] }> {
  const page = await session.open(PAGE);
  await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'ready'), null, {
    timeout: 120_000,
  });
  // Every panel state the page passes through, from here on.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { statesSeen: string[] }).statesSeen = seen;
    new MutationObserver(() => seen.push(document.body.dataset.state ?? '')).observe(document.body, {
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
  return page;
}

const statesSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { statesSeen: string[] }).statesSeen);

async function start(
  page: Page,
  hyperparameters: NonNullable<Extract<HostMessage, { type: 'start' }>['hyperparameters']>,
) {
  const message: HostMessage = {
    type: 'start',
    hyperparameters: {
      epochs: 1,
      batchSize: 32,
      learningRate: 0.003,
      schedule: 'cosine',
      optimizer: 'adam',
      ...hyperparameters,
    },
    limits: { trainSamples: 512, testSamples: 200 },
  };
  await postAsHost(page, message);
}

async function finishedRun(page: Page): Promise<{ run: RunRecord; outbox: WebviewMessage[] }> {
  await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'runFinished'), null, {
    timeout: 300_000,
    polling: 500,
  });
  const outbox = await page.evaluate(() => (window.aiOnrampOutbox ?? []) as WebviewMessage[]);
  const finished = outbox.find((m) => m.type === 'runFinished');
  assert.ok(finished && finished.type === 'runFinished');
  return { run: finished.run, outbox };
}

const figure = (v: number) => Math.round(v).toLocaleString('en-US');

describe('training panel: Automatic chooses the backend by measurement (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  let measurement: BackendMeasurement | undefined;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  it('measures WebGL on SwiftShader and the CPU engine, trains on the CPU engine and shows both figures', async () => {
    const page = await openPanel(session);
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const debug = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : '';
    });
    assert.match(renderer, /swiftshader/i, 'this test needs WebGL on SwiftShader, as Chromium gives here');
    // Before the first run the panel says what Automatic will measure.
    assert.equal(await page.getAttribute('#backend-name', 'data-to-measure'), 'webgl,onramp-cpu');
    assert.match(
      (await page.textContent('#backend-name')) ?? '',
      /Automatic measures WebGL, AI Onramp CPU engine/,
    );
    await start(page, { backend: 'auto' });
    await page.waitForFunction(() => document.body.dataset.state === 'measuring', null, { timeout: 120_000 });
    assert.match((await page.textContent('#status')) ?? '', /Measuring which backend is fastest here/);
    const { run, outbox } = await finishedRun(page);
    assert.equal(run.status, 'completed', run.error);
    assert.ok((await statesSeen(page)).includes('measuring'), 'a visible measuring state');
    const posted = outbox.filter((m) => m.type === 'backendMeasurement');
    assert.equal(posted.length, 1, 'one measurement, sent to the host to keep');
    measurement = posted[0].type === 'backendMeasurement' ? posted[0].measurement : undefined;
    assert.ok(measurement);
    const rate = (b: string) => measurement!.results.find((r) => r.backend === b)?.samplesPerSec ?? NaN;
    assert.deepEqual(
      measurement.results.map((r) => r.backend),
      ['webgl', 'onramp-cpu'],
    );
    assert.ok(rate('webgl') > 0 && rate('onramp-cpu') > 0, JSON.stringify(measurement.results));
    assert.ok(
      rate('onramp-cpu') > rate('webgl'),
      `the engine is faster here: ${JSON.stringify(measurement.results)}`,
    );
    assert.match(measurement.key, /webgl=.*SwiftShader/i);
    assert.equal(run.backend, 'onramp-cpu');
    assert.equal(await page.getAttribute('#backend-name', 'data-backend'), 'onramp-cpu');
    const chosen = (await page.textContent('#backend-name')) ?? '';
    assert.ok(chosen.includes(`measured ${figure(rate('onramp-cpu'))} samples/s`), chosen);
    const webglReason = (await page.textContent('#backend-reasons li[data-backend="webgl"]')) ?? '';
    assert.ok(
      webglReason.includes(
        `measured ${figure(rate('webgl'))} samples/s here, slower than ${figure(rate('onramp-cpu'))}`,
      ),
      webglReason,
    );
    const logged = outbox.find((m) => m.type === 'log' && m.message.startsWith('backend measurement'));
    assert.ok(logged && logged.type === 'log', 'the measurement is logged to the host');
    console.log(`      ${logged.message}`);
    console.log(
      `      measured: webgl ${figure(rate('webgl'))}, onramp-cpu ${figure(rate('onramp-cpu'))} samples/s`,
    );
    // A second run on the same page uses what it measured.
    await page.evaluate(() => (window.aiOnrampOutbox = []));
    await start(page, { backend: 'auto' });
    const second = await finishedRun(page);
    assert.equal(second.run.backend, 'onramp-cpu');
    assert.equal(second.outbox.filter((m) => m.type === 'backendMeasurement').length, 0);
    assert.equal(await page.evaluate(() => window.aiOnrampTraining!.lastChoiceBasis), 'stored');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('starts without measuring when the host has a measurement for this machine, and follows it', async () => {
    assert.ok(measurement, 'the test above measured');
    // The host's stored figures, made up so that WebGL wins: the choice can only come from them.
    const stored: BackendMeasurement = {
      ...measurement,
      results: [
        { backend: 'webgl', samplesPerSec: 54_321 },
        { backend: 'onramp-cpu', samplesPerSec: 1_234 },
      ],
    };
    const html = readFileSync(path.join(repoRoot, PAGE), 'utf8').replace(
      '"strings": {}',
      `"strings": {}, "backendMeasurement": ${JSON.stringify(stored)}`,
    );
    assert.ok(html.includes('"backendMeasurement"'));
    const withStored = await startBrowserSession({ overrides: new Map([[PAGE, html]]) });
    try {
      const page = await openPanel(withStored);
      assert.equal(await page.getAttribute('#backend-name', 'data-backend'), 'webgl');
      assert.match((await page.textContent('#backend-name')) ?? '', /measured 54,321 samples\/s/);
      assert.match(
        (await page.textContent('#backend-reasons li[data-backend="onramp-cpu"]')) ?? '',
        /measured 1,234 samples\/s/,
      );
      await start(page, { backend: 'auto' });
      const { run, outbox } = await finishedRun(page);
      assert.equal(run.status, 'completed', run.error);
      assert.equal(run.backend, 'webgl');
      assert.ok(!(await statesSeen(page)).includes('measuring'), 'no measuring state');
      assert.equal(outbox.filter((m) => m.type === 'backendMeasurement').length, 0, 'nothing re-measured');
      assert.equal(await page.evaluate(() => window.aiOnrampTraining!.lastChoiceBasis), 'stored');
      assert.deepEqual(page.errors, []);
      await page.close();
    } finally {
      await withStored.close();
    }
  });

  it('measures nothing when the user chose a backend', async () => {
    const page = await openPanel(session);
    await start(page, { backend: 'onramp-cpu' });
    const { run, outbox } = await finishedRun(page);
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.backend, 'onramp-cpu');
    assert.ok(!(await statesSeen(page)).includes('measuring'), 'no measuring state');
    assert.equal(outbox.filter((m) => m.type === 'backendMeasurement').length, 0);
    assert.equal(await page.evaluate(() => window.aiOnrampTraining!.lastChoiceBasis), undefined);
    assert.match(
      (await page.textContent('#backend-reasons li[data-backend="webgl"]')) ?? '',
      /you chose another backend/,
    );
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
