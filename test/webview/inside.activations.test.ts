/**
 * "Look inside" on the Try-it tab in real Chromium (test/webview/pages/playground.html, whose article model the
 * onramp CPU engine trained for 2 epochs on 4,000 images): opening it tells the host once; a digit drawn with
 * pointer events shows every layer (the input, 32 conv maps, 32 pooled maps, Flatten, the softmax, which
 * agrees with the playground's own probabilities); pointing at a conv cell outlines its receptive field and
 * shows a sum that the test computes itself from the model's weights and the input; the keyboard moves over
 * cells and maps. Then a run of another stack (5×5 'same' conv, pooling, a second conv, Dropout, two Dense
 * layers, as a tfjs model, the way the panel hands one over): its layers show, a corner cell's field reaches
 * past the image with zeros there, and a cell of the second conv layer sums what the test recomputes from the
 * pooled maps. Then on the training page itself, after a short run of the Simple convnet on the CPU engine and
 * on tfjs (WASM): the view shows that run's layers, its softmax is the bars' probabilities, and drawing with
 * the view open leaves tfjs's tensor count as it was. Writes test-results/inside/activations.png. Run:
 * node scripts/build.mjs && TEST_GREP='look inside' npx tsx scripts/test.ts webview
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { parseWebviewMessage } from '../../src/shared/protocol/training';
import { INSIDE_TEST_STACK } from '../helpers/insideStack';
import { repoRoot, startBrowserSession, type BrowserSession } from './harness';
import { choose, openTrainingPanel, outbox, sendHost, waitForFinishedRun } from './trainingPage';

const PAGE = '/test/webview/pages/playground.html';
const shots = path.join(repoRoot, 'test-results/inside');

const OTHER = INSIDE_TEST_STACK;

/** An HWC image and a conv layer's HWIO kernel, as plain arrays: the test's own arithmetic. */
interface Image {
  h: number;
  w: number;
  c: number;
  v: number[];
}
const at = (x: Image, y: number, col: number, ch: number) =>
  y < 0 || y >= x.h || col < 0 || col >= x.w ? 0 : x.v[(y * x.w + col) * x.c + ch];

/** Σ over the k×k×c field at (row, col) of filter f, before the bias: the arithmetic the view writes out. */
function fieldSum(
  x: Image,
  kernel: number[],
  k: number,
  filters: number,
  pad: number,
  row: number,
  col: number,
  f: number,
) {
  let sum = 0;
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++)
      for (let ch = 0; ch < x.c; ch++)
        sum += at(x, row - pad + ky, col - pad + kx, ch) * kernel[((ky * k + kx) * x.c + ch) * filters + f];
  return sum;
}

function convRelu(x: Image, kernel: number[], bias: number[], k: number, pad: number): Image {
  const f = bias.length;
  const h = x.h + 2 * pad - k + 1;
  const w = x.w + 2 * pad - k + 1;
  const v: number[] = [];
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++)
      for (let o = 0; o < f; o++) v.push(Math.max(0, fieldSum(x, kernel, k, f, pad, r, c, o) + bias[o]));
  return { h, w, c: f, v };
}

function maxPool(x: Image): Image {
  const h = x.h >> 1;
  const w = x.w >> 1;
  const v: number[] = [];
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++)
      for (let ch = 0; ch < x.c; ch++)
        v.push(
          Math.max(
            at(x, 2 * r, 2 * c, ch),
            at(x, 2 * r, 2 * c + 1, ch),
            at(x, 2 * r + 1, 2 * c, ch),
            at(x, 2 * r + 1, 2 * c + 1, ch),
          ),
        );
  return { h, w, c: x.c, v };
}

type DemoPage = Page & { errors: string[] };

async function input(page: Page): Promise<Image> {
  const v = await page.evaluate(() => Array.from(window.playgroundDemo!.playground!.lastPrediction!.input));
  return { h: 28, w: 28, c: 1, v };
}

/** A "7": a bar across the top, then a stroke down to the lower left, by pointer events. */
async function drawSeven(page: Page): Promise<void> {
  const box = (await page.locator('.playground-pad-canvas').boundingBox())!;
  const p = (x: number, y: number) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...p(0.25, 0.2));
  await page.mouse.down();
  await page.mouse.move(...p(0.72, 0.2), { steps: 15 });
  await page.mouse.move(...p(0.42, 0.85), { steps: 25 });
  await page.mouse.up();
}

/** Points the mouse at cell (row, col) of map `channel` of layer `layer`. */
async function pointAt(page: Page, layer: number, channel: number, row: number, col: number, side: number) {
  const canvas = page.locator(`.inside-map[data-layer="${layer}"][data-channel="${channel}"] canvas`);
  await canvas.scrollIntoViewIfNeeded();
  const b = (await canvas.boundingBox())!;
  await page.mouse.move(b.x + ((col + 0.5) / side) * b.width, b.y + ((row + 0.5) / side) * b.height);
}

async function shownCell(page: Page) {
  return page.evaluate(() => {
    const cell = document.querySelector<HTMLElement>('.inside-detail .inside-cell')!;
    return {
      data: { ...cell.dataset },
      sumText: cell.querySelector('.inside-sum')?.textContent ?? '',
      valueText: cell.querySelector('.inside-value')?.textContent ?? '',
      pads: cell.querySelectorAll('.inside-numbers span.pad').length,
    };
  });
}

const mapCount = (page: Page, layer: number) => page.locator(`.inside-map[data-layer="${layer}"]`).count();

/** The number after "=" in the shown line, which the view prints with 4 decimals. */
const shownNumber = (text: string) => Number(/=\s*(-?[\d.]+)\s*$/.exec(text)?.[1]);

describe('look inside: activations (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  let page: DemoPage;

  before(async () => {
    session = await startBrowserSession();
    page = await session.open(PAGE);
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.waitForFunction(() => window.playgroundDemo?.ready || window.playgroundDemo?.error, null, {
      timeout: 300_000,
      polling: 200,
    });
    assert.equal(await page.evaluate(() => window.playgroundDemo!.error), undefined);
    await page.click('#tab-try');
  });
  after(async () => {
    await session?.close();
  });

  it('tells the host once when the learner opens it, in a message the host accepts', async () => {
    const sent = () =>
      page.evaluate(() => (window.aiOnrampOutbox ?? []).filter((m) => m.type === 'insideViewOpened'));
    assert.deepEqual(await sent(), []);
    await page.click('#inside-activations > summary');
    await page.click('#inside-activations > summary');
    await page.click('#inside-activations > summary');
    const messages = await sent();
    assert.deepEqual(messages, [{ type: 'insideViewOpened', view: 'activations' }]);
    assert.deepEqual(parseWebviewMessage(messages[0]), { ok: true, value: messages[0] });
    assert.equal(parseWebviewMessage({ type: 'insideViewOpened', view: 'weights' }).ok, false);
    assert.ok(await page.isVisible('#inside-activations .inside-status'));
  });

  it("shows every layer of the article's model for a drawn digit; the softmax is the playground's", async () => {
    await drawSeven(page);
    await page.waitForSelector('.inside-layer[data-kind="softmax"]');
    assert.deepEqual(
      await page.$$eval('.inside-layer', (ss) =>
        ss.map((s) => [s.getAttribute('data-layer'), s.getAttribute('data-kind')]),
      ),
      [
        ['-1', 'input'],
        ['0', 'maps'],
        ['1', 'maps'],
        ['2', 'flatten'],
        ['3', 'softmax'],
      ],
    );
    assert.equal(await mapCount(page, -1), 1);
    assert.equal(await mapCount(page, 0), 32);
    assert.equal(await mapCount(page, 1), 32);
    assert.match((await page.textContent('.inside-layer[data-kind="flatten"]')) ?? '', /5,408 values/);
    const { shown, predicted } = await page.evaluate(() => ({
      shown: Array.from(window.playgroundDemo!.playground!.inside.lastOutputs!.at(-1)!.values),
      predicted: Array.from(window.playgroundDemo!.playground!.lastPrediction!.probabilities),
    }));
    shown.forEach((p, d) =>
      assert.ok(Math.abs(p - predicted[d]) < 1e-5, `digit ${d}: ${p} vs ${predicted[d]}`),
    );
    // The maps are painted: a conv map over the ink is not all one colour.
    const distinct = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>(
        '.inside-map[data-layer="0"][data-channel="0"] canvas',
      )!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return new Set(
        Array.from({ length: d.length / 4 }, (_, i) => d[i * 4] * 65536 + d[i * 4 + 1] * 256 + d[i * 4 + 2]),
      ).size;
    });
    assert.ok(distinct > 3, `conv map 1 has ${distinct} colours`);
  });

  it('points at a conv cell: its 3×3 field on the input, and the sum the test computes from the weights', async () => {
    const x = await input(page);
    const w = await page.evaluate(() => ({
      kernel: Array.from(window.playgroundDemo!.weights!.convKernel),
      bias: Array.from(window.playgroundDemo!.weights!.convBias),
    }));
    // The conv cell over the most ink, for filter 6.
    let best = { row: 0, col: 0, ink: -1 };
    for (let r = 0; r < 26; r++)
      for (let c = 0; c < 26; c++) {
        const ink = fieldSum(x, Array(9 * 32).fill(1), 3, 32, 0, r, c, 0);
        if (ink > best.ink) best = { row: r, col: c, ink };
      }
    const f = 5;
    await pointAt(page, 0, f, best.row, best.col, 26);
    const cell = await shownCell(page);
    assert.equal(cell.data.kind, 'conv');
    assert.deepEqual([cell.data.row, cell.data.col, cell.data.filter], [best.row, best.col, f].map(String));
    assert.deepEqual([cell.data.top, cell.data.left], [best.row, best.col].map(String));
    const sum = fieldSum(x, w.kernel, 3, 32, 0, best.row, best.col, f);
    assert.ok(Math.abs(Number(cell.data.sum) - sum) < 1e-5, `shown ${cell.data.sum}, computed ${sum}`);
    assert.ok(Math.abs(shownNumber(cell.sumText) - sum) <= 5e-5 + 1e-6, `${cell.sumText} vs ${sum}`);
    assert.ok(Math.abs(Number(cell.data.pre) - (sum + w.bias[f])) < 1e-5);
    assert.ok(Math.abs(Number(cell.data.value) - Math.max(0, sum + w.bias[f])) < 1e-5);
    assert.match(cell.valueText, /^ReLU: max\(0, -?[\d.]+\) = [\d.]+$/);
    assert.equal(cell.pads, 0);
    // The field is outlined on the input: 3 of its 28 rows and columns, from (row, col).
    const field = await page.evaluate(() => {
      const s = document.querySelector<HTMLElement>('.inside-map[data-layer="-1"] .inside-field')!;
      return { hidden: s.hidden, top: s.style.top, left: s.style.left, height: s.style.height };
    });
    assert.equal(field.hidden, false);
    // (The browser keeps 4 decimals of a percentage.)
    assert.ok(Math.abs(parseFloat(field.top) - (best.row / 28) * 100) < 1e-3);
    assert.ok(Math.abs(parseFloat(field.left) - (best.col / 28) * 100) < 1e-3);
    assert.ok(Math.abs(parseFloat(field.height) - (3 / 28) * 100) < 1e-3);

    // A pooled cell: the largest of its 2×2 window of conv values, which the test recomputes.
    await pointAt(page, 1, f, best.row >> 1, best.col >> 1, 13);
    const pooled = await shownCell(page);
    assert.equal(pooled.data.kind, 'pool');
    const conv = convRelu(x, w.kernel, w.bias, 3, 0);
    const [r0, c0] = [(best.row >> 1) * 2, (best.col >> 1) * 2];
    const max = Math.max(
      at(conv, r0, c0, f),
      at(conv, r0, c0 + 1, f),
      at(conv, r0 + 1, c0, f),
      at(conv, r0 + 1, c0 + 1, f),
    );
    assert.ok(Math.abs(Number(pooled.data.value) - max) < 1e-5, `${pooled.data.value} vs ${max}`);

    // For the README: the article's model, the filter that answers most strongly at that cell, its arithmetic.
    let strongest = 0;
    for (let o = 1; o < 32; o++)
      if (at(conv, best.row, best.col, o) > at(conv, best.row, best.col, strongest)) strongest = o;
    await pointAt(page, 0, strongest, best.row, best.col, 26);
    mkdirSync(shots, { recursive: true });
    await page.locator('#inside-activations').screenshot({ path: path.join(shots, 'activations.png') });
  });

  it('moves over cells with the arrow keys and over maps with Page Down / Page Up', async () => {
    await page.locator('.inside-map[data-layer="0"][data-channel="2"]').focus();
    let cell = await shownCell(page);
    assert.deepEqual([cell.data.layer, cell.data.filter], ['0', '2']);
    const start = [Number(cell.data.row), Number(cell.data.col)];
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    cell = await shownCell(page);
    assert.deepEqual(
      [Number(cell.data.row), Number(cell.data.col)],
      [Math.min(25, start[0] + 1), Math.min(25, start[1] + 2)],
    );
    await page.keyboard.press('PageDown');
    cell = await shownCell(page);
    assert.equal(cell.data.filter, '3');
    assert.equal(
      await page.evaluate(() => (document.activeElement as HTMLElement).dataset.channel),
      '3',
      'focus moved to map 4',
    );
    await page.keyboard.press('End');
    assert.equal((await shownCell(page)).data.filter, '31');
  });

  it("shows another stack's layers: 'same' 5×5 fields reach past the edge as zeros; a second conv layer sums the pooled maps", async () => {
    const weights = await page.evaluate(
      async (arch) => (await window.playgroundDemo!.useRun!(arch, 11)).map((w) => Array.from(w)),
      OTHER,
    );
    await page.waitForFunction(
      () => document.querySelectorAll('.inside-map[data-layer="2"]').length === 16,
      null,
      {
        timeout: 60_000,
      },
    );
    assert.deepEqual(await page.$$eval('.inside-layer', (ss) => ss.map((s) => s.getAttribute('data-kind'))), [
      'input',
      'maps',
      'maps',
      'maps',
      'maps',
      'flatten',
      'dropout',
      'dense',
      'softmax',
    ]);
    assert.deepEqual(await Promise.all([0, 1, 2, 3].map((l) => mapCount(page, l))), [8, 8, 16, 16]);
    assert.match(
      (await page.textContent('.inside-layer[data-kind="dropout"]')) ?? '',
      /identity when predicting/,
    );
    assert.equal(await page.locator('.inside-layer[data-kind="dense"] canvas').count(), 1);
    const { shown, predicted } = await page.evaluate(() => ({
      shown: Array.from(window.playgroundDemo!.playground!.inside.lastOutputs!.at(-1)!.values),
      predicted: Array.from(window.playgroundDemo!.playground!.lastPrediction!.probabilities),
    }));
    // The view's own arithmetic against tfjs's predict of the same model.
    shown.forEach((p, d) =>
      assert.ok(Math.abs(p - predicted[d]) < 1e-4, `digit ${d}: ${p} vs tfjs ${predicted[d]}`),
    );

    const x = await input(page);
    const [k1, b1, k2, b2] = weights;
    // The corner: rows and columns −2…2, of which 16 of the 25 lie outside the image.
    await pointAt(page, 0, 3, 0, 0, 28);
    let cell = await shownCell(page);
    assert.deepEqual([cell.data.top, cell.data.left], ['-2', '-2']);
    assert.equal(cell.pads, 16 * 2, 'the patch and the products mark 16 cells each as outside');
    const corner = fieldSum(x, k1, 5, 8, 2, 0, 0, 3);
    assert.ok(Math.abs(Number(cell.data.sum) - corner) < 1e-5, `${cell.data.sum} vs ${corner}`);
    // A cell near the ink, inside the image.
    await pointAt(page, 0, 3, 14, 14, 28);
    cell = await shownCell(page);
    const middle = fieldSum(x, k1, 5, 8, 2, 14, 14, 3);
    assert.ok(Math.abs(Number(cell.data.sum) - middle) < 1e-5, `${cell.data.sum} vs ${middle}`);
    assert.equal(cell.pads, 0);

    // The second conv layer reads the 14×14×8 pooled maps: the test pools them itself.
    const pooled = maxPool(convRelu(x, k1, b1, 5, 2));
    await pointAt(page, 2, 9, 4, 5, 12);
    cell = await shownCell(page);
    const deep = fieldSum(pooled, k2, 3, 16, 0, 4, 5, 9);
    assert.equal(cell.data.kind, 'conv');
    assert.ok(Math.abs(Number(cell.data.sum) - deep) < 1e-4, `${cell.data.sum} vs ${deep}`);
    assert.ok(Math.abs(Number(cell.data.pre) - (deep + b2[9])) < 1e-4);
    // No ReLU on this layer: the value is the sum plus the bias, negative or not.
    assert.equal(cell.data.value, cell.data.pre);
    assert.match(cell.valueText, /^linear: /);
    // Its field is outlined on each of the 8 pooled maps above, at rows 5–7 and columns 6–8 of 14.
    const fields = await page.$$eval('.inside-map[data-layer="1"] .inside-field', (fs) =>
      fs.map((f) =>
        (f as HTMLElement).hidden
          ? 'hidden'
          : `${(f as HTMLElement).style.top} ${(f as HTMLElement).style.left}`,
      ),
    );
    assert.equal(fields.length, 8);
    for (const f of fields) {
      const [top, left] = f.split(' ').map(parseFloat);
      assert.ok(Math.abs(top - (4 / 14) * 100) < 1e-3 && Math.abs(left - (5 / 14) * 100) < 1e-3, f);
    }
    // Each input channel's sum is listed; they add up to the total.
    const channelSums = await page.$$eval('.inside-detail .inside-channel-sums li', (ls) =>
      ls.map((l) => Number(l.textContent!.split(': ')[1])),
    );
    assert.equal(channelSums.length, 8);
    assert.ok(Math.abs(channelSums.reduce((a, b) => a + b, 0) - deep) < 1e-3);
    assert.deepEqual(page.errors, []);
  });
});

describe('look inside: activations on the training page, per backend (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  for (const backend of ['onramp-cpu', 'wasm'] as const) {
    it(`shows the layers of a Simple convnet trained on ${backend}, with no tensor left behind`, async () => {
      const page = await openTrainingPanel(session);
      await choose(page, '#model-preset', 'simpleConvnet');
      await sendHost(page, {
        type: 'start',
        hyperparameters: { backend, epochs: 1, batchSize: 32 },
        limits: { trainSamples: 1024, testSamples: 500 },
      });
      const run = await waitForFinishedRun(page);
      assert.equal(run.status, 'completed', run.error);
      assert.equal(run.backend, backend);
      await page.click('#tab-try');
      await page.click('#playground-sample');
      await page.waitForFunction(() =>
        /\d/.test(document.querySelector('#playground-verdict')?.textContent ?? ''),
      );
      const tensors = () => page.evaluate(() => window.aiOnrampTraining!.tf.memory().numTensors);
      const before = await tensors();
      await page.click('#inside-activations > summary');
      await page.waitForFunction(
        () => document.querySelectorAll('.inside-map[data-layer="2"]').length === 64,
      );
      assert.deepEqual(
        await Promise.all(
          [-1, 0, 1, 2, 3].map((l) => page.locator(`.inside-map[data-layer="${l}"]`).count()),
        ),
        [1, 32, 32, 64, 64],
      );
      for (let i = 0; i < 3; i++) await page.click('#playground-sample');
      await page.waitForFunction(() =>
        /\d/.test(document.querySelector('#playground-verdict')?.textContent ?? ''),
      );
      const { shown, bars } = await page.evaluate(() => ({
        shown: Array.from(document.querySelectorAll('.inside-softmax .value'), (v) =>
          parseFloat(v.textContent!),
        ),
        bars: Array.from(document.querySelectorAll('.playground-bars:not(.inside-softmax) li'), (li) =>
          Number(li.getAttribute('aria-valuenow')),
        ),
      }));
      assert.equal(shown.length, 10);
      shown.forEach((p, d) =>
        assert.ok(Math.abs(p - bars[d]) <= 0.1 + 1e-9, `digit ${d}: ${p} % vs ${bars[d]} %`),
      );
      await page.locator('.inside-map[data-layer="2"][data-channel="7"]').focus();
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.locator('.inside-detail .inside-cell[data-kind="conv"]').count(), 1);
      assert.equal(await tensors(), before, 'tfjs tensors after opening the view and drawing');
      assert.deepEqual(
        (await outbox(page)).filter((m) => m.type === 'insideViewOpened'),
        [{ type: 'insideViewOpened', view: 'activations' }],
      );
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});
