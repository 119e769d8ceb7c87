/**
 * The live filter view (src/webview/inside/filtersView.ts) on the training page in real Chromium: while a run
 * trains it reads the kernels a few times a second (between batches on our CPU engine, with `data()` on tfjs),
 * the cells show the trainer's numbers (read back through the keyboard readout and the pointer), a known kernel
 * set on the trained model shows as those numbers in the theme's colours, and on tfjs `numTensors` stays the same
 * after every epoch with the view open. A model loaded from files in "Try it" (model.json + weights, any
 * architecture) shows its kernels the same way, with a line naming it, until a run's model replaces it; and the
 * host's showInsideView (the walkthrough step's link) selects the view's tab and opens it.
 * Run: node scripts/build.mjs && TEST_GREP='filter view' npx tsx scripts/test.ts webview
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserSession, type BrowserSession } from './harness';
import { choose, nextSent, openTrainingPanel, outbox, sendHost, waitForFinishedRun } from './trainingPage';
import { formatWeight, hwioIndex, type ConvKernels } from '../../src/webview/inside/filtersData';
import { tfjsModelFiles } from '../../src/webview/playground/export';
import { inferShapes } from '../../src/shared/architecture';
import type { Architecture } from '../../src/shared/model';
import type { HostMessage } from '../../src/shared/protocol/training';

const start = (backend: 'onramp-cpu' | 'wasm', epochs: number, trainSamples: number): HostMessage => ({
  type: 'start',
  hyperparameters: {
    backend,
    epochs,
    batchSize: 32,
    learningRate: 0.003,
    schedule: 'cosine',
    optimizer: 'adam',
  },
  limits: { trainSamples, testSamples: 200 },
});

const reads = (page: Page) =>
  page.evaluate(() => Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads));

/** Opens the view (as a click on its summary does) and brings it on screen. */
async function openView(page: Page): Promise<void> {
  await page.click('#inside-filters > summary');
  await page.evaluate(() => document.querySelector('#inside-filters')!.scrollIntoView());
}

/** Closes and reopens the view, which reads the weights again, and waits for that read. */
async function reopen(page: Page): Promise<void> {
  const before = await reads(page);
  await page.click('#inside-filters > summary');
  await page.click('#inside-filters > summary');
  await page.evaluate(() => document.querySelector('#inside-filters')!.scrollIntoView());
  await page.waitForFunction(
    (n) => Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads) > n,
    before,
  );
}

/** The readout of layer `n` (1-based in the stack) after focusing its canvas and pressing `keys`. */
async function readWith(page: Page, layer: number, keys: string[]): Promise<string> {
  await page.focus(`.filters-layer[data-layer="${layer - 1}"] .filters-canvas`);
  for (const k of keys) await page.keyboard.press(k);
  return (await page.textContent(`#filters-readout-${layer}`)) ?? '';
}

/** A kernel's weights from the page's trainer (its `weights`, as the view reads them), or its model's. */
const trainerKernel = (page: Page, weight: number, from: 'trainer' | 'model') =>
  page.evaluate(
    async ([w, f]) => {
      const trainer = window.aiOnrampTraining!.trainer!;
      const a =
        f === 'trainer' ? (await trainer.weights([w]))[0] : await trainer.model!.getWeights()[w].data();
      return Array.from(a);
    },
    [weight, from] as const,
  );

/** Puts `values` into kernel `weight` of the trained model (tfjs), as a loaded model would hold them. */
const setKernel = (page: Page, weight: number, values: number[]) =>
  page.evaluate(
    ([w, v]) => {
      const { tf, trainer } = window.aiOnrampTraining!;
      const model = trainer!.model!;
      const all = model.getWeights();
      const t = tf.tensor(v, all[w].shape);
      model.setWeights(all.map((x, i) => (i === w ? t : x)));
      t.dispose();
    },
    [weight, values] as const,
  );

const cellText = (k: ConvKernels, values: number[], f: number, c: number, y: number, x: number) =>
  `Filter ${f + 1}, channel ${c + 1}, row ${y + 1}, column ${x + 1}: ${formatWeight(values[hwioIndex(k, { f, c, y, x })])}`;

/**
 * A layer after the first, read through the keyboard: Home is filter 1's first weight, right runs along the row
 * through the channels (three steps reach channel 2, column 1), Page Down and down go to the next filter's next
 * row, End is the last weight.
 */
async function assertChannelWalk(page: Page, layer: number, k: ConvKernels, values: number[]): Promise<void> {
  assert.equal(await readWith(page, layer, ['Home']), cellText(k, values, 0, 0, 0, 0));
  assert.equal(
    await readWith(page, layer, ['ArrowRight', 'ArrowRight', 'ArrowRight']),
    cellText(k, values, 0, 1, 0, 0),
  );
  assert.equal(await readWith(page, layer, ['PageDown', 'ArrowDown']), cellText(k, values, 1, 1, 1, 0));
  const last = k.size - 1;
  assert.equal(
    await readWith(page, layer, ['End']),
    cellText(k, values, k.filters - 1, k.channels - 1, last, last),
  );
}

describe('live filter view (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  it("CPU engine: reads while training, shows the engine's weights, then a known kernel as its numbers and colours", async () => {
    const page = await openTrainingPanel(session);
    await openView(page);
    assert.equal(await page.textContent('.filters-message'), 'Train the model to see its filters here.');
    // Opening it tells the host once (the walkthrough's "look inside" step), however often it is reopened.
    await page.click('#inside-filters > summary');
    await openView(page);
    const opened = (await outbox(page)).filter((m) => m.type === 'insideViewOpened');
    assert.deepEqual(opened, [{ type: 'insideViewOpened', view: 'filters' }]);
    await sendHost(page, start('onramp-cpu', 2, 8192));
    // Live: several reads while the run trains.
    await page.waitForFunction(
      () =>
        document.body.dataset.state === 'training' &&
        Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads) >= 2,
      null,
      { timeout: 240_000, polling: 50 },
    );
    assert.equal(await page.textContent('.filters-layer h3'), 'Layer 1: Conv2D, 32 filters of 3×3×1');
    // Paused, the engine's weights hold still: the next read shows exactly them.
    await page.click('#pause');
    await page.waitForFunction(() => document.body.dataset.state === 'paused');
    const n = await reads(page);
    await page.waitForFunction(
      (m) => Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads) > m + 1,
      n,
    );
    const k: ConvKernels = { layer: 0, weight: 0, size: 3, channels: 1, filters: 32 };
    const live = await trainerKernel(page, 0, 'trainer');
    assert.equal(await readWith(page, 1, ['Home']), cellText(k, live, 0, 0, 0, 0));
    assert.equal(await readWith(page, 1, ['ArrowRight', 'ArrowDown']), cellText(k, live, 0, 0, 1, 1));
    assert.equal(await readWith(page, 1, ['End']), cellText(k, live, 31, 0, 2, 2));
    await page.click('#resume');
    const run = await waitForFinishedRun(page);
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.backend, 'onramp-cpu');

    // A known kernel on the finished model: each weight its own number, the largest 0.9.
    const known = Array.from({ length: 288 }, (_, i) => ((i % 19) - 9) / 10);
    await setKernel(page, 0, known);
    await reopen(page);
    assert.deepEqual(await trainerKernel(page, 0, 'trainer'), await trainerKernel(page, 0, 'model'));
    assert.equal(await readWith(page, 1, ['Home']), cellText(k, known, 0, 0, 0, 0));
    assert.equal(
      await readWith(page, 1, ['PageDown', 'PageDown', 'ArrowRight']),
      cellText(k, known, 2, 0, 0, 1),
    );
    assert.equal(await readWith(page, 1, ['End', 'ArrowUp', 'ArrowLeft']), cellText(k, known, 31, 0, 1, 1));
    assert.equal(
      await page.getAttribute('.filters-layer[data-layer="0"]', 'data-scale'),
      String(Math.fround(0.9)),
    );
    assert.equal(await page.textContent('.filters-legend-max'), '+0.9');
    // Filter 19's top-left weight is index 18 (HWIO): 0.9, the top of the scale. Pointing at it shows it, drawn
    // in the theme's chart red; a 0 weight (index 9: filter 10) is the background colour.
    // (No named functions inside page.evaluate: tsx's keepNames would call a __name helper the page lacks.)
    const box = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>(
        '.filters-layer[data-layer="0"] .filters-canvas',
      )!;
      const r = canvas.getBoundingClientRect();
      return { left: r.left, top: r.top, cell: Number(canvas.dataset.cell), dpr: canvas.width / r.width };
    });
    const block = 3 * box.cell + 8;
    const columns = Math.floor((720 + 8) / block);
    const centre = (f: number) => ({
      x: (f % columns) * block + box.cell / 2,
      y: Math.floor(f / columns) * block + box.cell / 2,
    });
    const pixel = (p: { x: number; y: number }) =>
      page.evaluate(
        ([x, y]) =>
          Array.from(
            document
              .querySelector<HTMLCanvasElement>('.filters-layer[data-layer="0"] .filters-canvas')!
              .getContext('2d')!
              .getImageData(x, y, 1, 1)
              .data.slice(0, 3),
          ),
        [Math.round(p.x * box.dpr), Math.round(p.y * box.dpr)] as const,
      );
    const colour = (name: string, fallback: string) =>
      page.evaluate(
        ([n, f]) => {
          const probe = document.createElement('canvas').getContext('2d')!;
          probe.fillStyle = getComputedStyle(document.body).getPropertyValue(n).trim() || f;
          probe.fillRect(0, 0, 1, 1);
          return Array.from(probe.getImageData(0, 0, 1, 1).data.slice(0, 3));
        },
        [name, fallback] as const,
      );
    const at = {
      top: { x: box.left + centre(18).x, y: box.top + centre(18).y },
      red: await pixel(centre(18)),
      zero: await pixel(centre(9)),
      themeRed: await colour('--vscode-charts-red', '#e51400'),
      background: await colour('--vscode-editor-background', '#ffffff'),
    };
    assert.deepEqual(at.red, at.themeRed);
    assert.deepEqual(at.zero, at.background);
    await page.mouse.move(at.top.x, at.top.y);
    assert.equal(await page.textContent('#filters-readout-1'), cellText(k, known, 18, 0, 0, 0));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('tfjs (wasm), Simple convnet: both Conv2D layers, numTensors the same after every epoch, a known kernel in layer 3', async () => {
    const page = await openTrainingPanel(session);
    await choose(page, '#model-preset', 'simpleConvnet');
    await openView(page);
    await sendHost(page, start('wasm', 3, 640));
    const run = await waitForFinishedRun(page);
    assert.deepEqual(await page.$$eval('.filters-layer h3', (hs) => hs.map((h) => h.textContent)), [
      'Layer 1: Conv2D, 32 filters of 3×3×1',
      'Layer 3: Conv2D, 64 filters of 3×3×32',
    ]);
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.backend, 'wasm');
    assert.equal(run.memory.length, 3);
    assert.ok((await reads(page)) >= 4, `reads: ${await reads(page)}`);
    for (const m of run.memory)
      assert.equal(m.numTensors, run.memory[0].numTensors, JSON.stringify(run.memory));
    assert.equal(run.memory[2].numBytes, run.memory[0].numBytes);

    const k: ConvKernels = { layer: 2, weight: 2, size: 3, channels: 32, filters: 64 };
    const known = Array.from({ length: 3 * 3 * 32 * 64 }, (_, i) => Math.sin(i) / 4);
    await setKernel(page, 2, known);
    await reopen(page);
    await assertChannelWalk(page, 3, k, known);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('a model loaded from files in Try it: its kernels as their numbers, a line naming it, until a run replaces it', async () => {
    // Not a preset, and neither layer the article's: 4 filters of 5×5 ("same"), then 3 of 3×3 over 4 channels.
    const architecture: Architecture = {
      layers: [
        { kind: 'conv2d', filters: 4, kernelSize: 5, padding: 'same', activation: 'linear' },
        { kind: 'maxPooling2d', poolSize: 2 },
        { kind: 'conv2d', filters: 3, kernelSize: 3, padding: 'valid', activation: 'relu' },
        { kind: 'flatten' },
        { kind: 'dense', units: 10, activation: 'softmax' },
      ],
    };
    const shapes = inferShapes(architecture).weightShapes;
    const size = (i: number) => shapes[i].reduce((a, b) => a * b, 1);
    const first = Array.from({ length: size(0) }, (_, i) => ((i % 11) - 5) / 8);
    const third = Array.from({ length: size(2) }, (_, i) => Math.fround(Math.cos(i) / 3));
    const weights = shapes.map((_, w) =>
      w === 0
        ? Float32Array.from(first)
        : w === 2
          ? Float32Array.from(third)
          : Float32Array.from({ length: size(w) }, (_, i) => ((i % 7) - 3) / 100),
    );
    // model.json and model.weights.bin as tfjs's own save writes them (what Save in Try it writes).
    const files = await tfjsModelFiles({ architecture, weights });
    assert.deepEqual(
      files.map((f) => f.name),
      ['model.json', 'model.weights.bin'],
    );

    const page = await openTrainingPanel(session);
    await page.click('#tab-try');
    const before = (await outbox(page)).length;
    await page.click('#playground-load');
    const load = await nextSent(page, 'loadModelFiles', before);
    await sendHost(page, {
      type: 'modelFilesLoaded',
      requestId: load.requestId,
      outcome: 'loaded',
      source: '/home/me/lab/model.json',
      files: files.map((f) => ({ name: f.name, content: Buffer.from(f.bytes).toString('base64') })),
    });
    await page.waitForFunction(
      () =>
        document.getElementById('playground-file-status')!.textContent ===
        'Loaded the model from /home/me/lab/model.json.',
    );
    await page.click('#tab-train');
    await openView(page);
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads) >= 1,
    );
    assert.equal(
      await page.textContent('#filters-model'),
      'Showing the model loaded in “Try it” from /home/me/lab/model.json: ' +
        'Conv2D 4 5×5 same linear · MaxPool · Conv2D 3 · Flatten · Dense 10.',
    );
    assert.deepEqual(await page.$$eval('.filters-layer h3', (hs) => hs.map((h) => h.textContent)), [
      'Layer 1: Conv2D, 4 filters of 5×5×1',
      'Layer 3: Conv2D, 3 filters of 3×3×4',
    ]);
    const k1: ConvKernels = { layer: 0, weight: 0, size: 5, channels: 1, filters: 4 };
    const k3: ConvKernels = { layer: 2, weight: 2, size: 3, channels: 4, filters: 3 };
    assert.equal(await readWith(page, 1, ['Home']), cellText(k1, first, 0, 0, 0, 0));
    assert.equal(await readWith(page, 1, ['ArrowRight', 'ArrowDown']), cellText(k1, first, 0, 0, 1, 1));
    assert.equal(await readWith(page, 1, ['PageDown', 'ArrowRight']), cellText(k1, first, 1, 0, 1, 2));
    assert.equal(await readWith(page, 1, ['End']), cellText(k1, first, 3, 0, 4, 4));
    await assertChannelWalk(page, 3, k3, third);
    // One scale per layer: the largest |weight| of each.
    assert.equal(
      await page.getAttribute('.filters-layer[data-layer="0"]', 'data-scale'),
      String(Math.fround(0.625)),
    );
    assert.equal(
      await page.getAttribute('.filters-layer[data-layer="2"]', 'data-scale'),
      String(Math.max(...third.map(Math.abs))),
    );
    assert.equal(await page.textContent('.filters-legend-max'), '+0.625');

    // A run of the panel's own (the article's model) is the newest model: the view follows it, then keeps it.
    await sendHost(page, start('onramp-cpu', 1, 256));
    await page.waitForFunction(
      () =>
        document.getElementById('filters-model')!.textContent ===
        'Showing the model being trained: The article’s model.',
      null,
      { timeout: 240_000, polling: 50 },
    );
    const run = await waitForFinishedRun(page);
    assert.equal(run.status, 'completed', run.error);
    await page.waitForFunction(
      () =>
        document.getElementById('filters-model')!.textContent ===
        'Showing the last run’s model: The article’s model.',
    );
    assert.deepEqual(await page.$$eval('.filters-layer h3', (hs) => hs.map((h) => h.textContent)), [
      'Layer 1: Conv2D, 32 filters of 3×3×1',
    ]);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it("showInsideView (the walkthrough step's link) selects the view's tab and opens the view; a bad one is dropped", async () => {
    const page = await openTrainingPanel(session);
    const selected = () => page.$$eval('.page-tab[aria-selected="true"]', (tabs) => tabs.map((t) => t.id));
    const open = (id: string) =>
      page.evaluate((i) => document.querySelector<HTMLDetailsElement>(`#${i}`)!.open, id);
    assert.deepEqual(await selected(), ['tab-train']);
    assert.equal(await open('inside-activations'), false);
    const before = (await outbox(page)).length;
    await sendHost(page, { type: 'showInsideView', view: 'activations' });
    await page.waitForFunction(() => document.querySelector<HTMLDetailsElement>('#inside-activations')!.open);
    assert.deepEqual(await selected(), ['tab-try']);
    assert.equal(await page.isVisible('#inside-activations > summary'), true);
    // Opened as a click would: the host hears it (the step ticks once both views were opened).
    const opened = await nextSent(page, 'insideViewOpened', before);
    assert.deepEqual(opened, { type: 'insideViewOpened', view: 'activations' });
    // A view the protocol does not name is refused before use: the tab stays, the host hears why.
    const n = (await outbox(page)).length;
    await sendHost(page, { type: 'showInsideView', view: 'weights' } as unknown as HostMessage);
    const dropped = await nextSent(page, 'log', n);
    assert.match(
      dropped.message,
      /dropped a malformed host message: showInsideView\.view must be one of filters, activations/,
    );
    assert.deepEqual(await selected(), ['tab-try']);
    await sendHost(page, { type: 'showInsideView', view: 'filters' });
    await page.waitForFunction(() => document.querySelector<HTMLDetailsElement>('#inside-filters')!.open);
    assert.deepEqual(await selected(), ['tab-train']);
    assert.equal(await page.isVisible('#inside-filters > summary'), true);
    assert.deepEqual(
      (await outbox(page)).filter((m) => m.type === 'insideViewOpened'),
      [
        { type: 'insideViewOpened', view: 'activations' },
        { type: 'insideViewOpened', view: 'filters' },
      ],
    );
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
