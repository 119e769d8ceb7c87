/**
 * The playground in real Chromium (test/webview/pages/playground.html): after a short training run (4,000
 * MNIST images, 2 epochs, on the onramp CPU engine) a "1" drawn with scripted pointer events is read as a 1;
 * keyboard drawing and Clear work; real test images shown on the pad preprocess back to themselves; the
 * confusion matrix covers the whole test set and agrees with the engine's own accuracy; the export loads back
 * with tf.loadLayersModel and predicts the same, its .npz loads in numpy, and a saved model reloads through the
 * host messages. Run: node scripts/build.mjs && npx mocha --require tsx/cjs test/webview/playground.test.ts
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { DEFAULT_HYPERPARAMETERS, type Hyperparameters } from '../../src/shared/hyperparameters';
import { ARTICLE_MODEL } from '../../src/shared/model';
import {
  parseWebviewMessage,
  type HostMessage,
  type ModelFilePayload,
  type RunRecord,
} from '../../src/shared/protocol/training';
import { postAsHost, startBrowserSession, type BrowserSession } from './harness';
import { nextSent } from './trainingPage';

const PAGE = '/test/webview/pages/playground.html';
const run = promisify(execFile);

type DemoPage = Page & { errors: string[] };

async function openDemo(session: BrowserSession): Promise<DemoPage> {
  const page = await session.open(PAGE);
  await page.waitForFunction(() => window.playgroundDemo?.ready || window.playgroundDemo?.error, null, {
    timeout: 300_000,
    polling: 200,
  });
  const error = await page.evaluate(() => window.playgroundDemo!.error);
  assert.equal(error, undefined);
  return page;
}

const outbox = (page: Page) => page.evaluate(() => window.aiOnrampOutbox ?? []);
const sendHost = (page: Page, m: HostMessage | Record<string, unknown>) => postAsHost(page, m);

async function prediction(page: Page) {
  return page.evaluate(() => {
    const p = window.playgroundDemo!.playground!.lastPrediction;
    return p ? { label: p.label, probabilities: Array.from(p.probabilities) } : undefined;
  });
}

/** A "1": one stroke down the middle of the pad, slightly slanted, by pointer events (mouse). */
async function drawOne(page: Page): Promise<{ moves: number; ms: number }> {
  const box = (await page.locator('.playground-pad-canvas').boundingBox())!;
  await page.evaluate(() => {
    const c = document.querySelector('.playground-pad-canvas')!;
    (window as unknown as { moves: number }).moves = 0;
    c.addEventListener('pointermove', () => (window as unknown as { moves: number }).moves++);
  });
  const started = Date.now();
  await page.mouse.move(box.x + box.width * 0.53, box.y + box.height * 0.12);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.47, box.y + box.height * 0.86, { steps: 60 });
  await page.mouse.up();
  return {
    moves: await page.evaluate(() => (window as unknown as { moves: number }).moves),
    ms: Date.now() - started,
  };
}

describe('playground page (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  let page: DemoPage;

  before(async () => {
    session = await startBrowserSession();
    page = await openDemo(session);
    const figures = await page.evaluate(() => ({
      trainMs: window.playgroundDemo!.trainMs,
      accuracy: window.playgroundDemo!.engineAccuracy,
      kernel: window.playgroundDemo!.engineKernel,
    }));
    console.log(
      `      trained 4,000 images x 2 epochs in ${Math.round(figures.trainMs!)} ms (${figures.kernel}); ` +
        `engine test accuracy ${figures.accuracy}`,
    );
  });
  after(async () => {
    await session?.close();
  });

  it('sits in the panel as tabs: Train (the panel as it was), Try it, Evaluate, Your examples; keyboard moves between them', async () => {
    const visible = () =>
      page.$$eval('[role=tabpanel]', (ps) => ps.filter((p) => !(p as HTMLElement).hidden).map((p) => p.id));
    assert.deepEqual(
      await page.$$eval('[role=tab]', (ts) =>
        ts.map((t) => [t.textContent, t.getAttribute('aria-selected')]),
      ),
      [
        ['Train', 'true'],
        ['Try it', 'false'],
        ['Evaluate', 'false'],
        ['Your examples', 'false'],
      ],
    );
    assert.deepEqual(await visible(), ['tabpanel-train']);
    assert.ok(await page.isVisible('#tabpanel-train #demo-train'), 'the panel content moved under Train');
    await page.focus('#tab-train');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await visible(), ['tabpanel-try']);
    await page.keyboard.press('End');
    assert.deepEqual(await visible(), ['tabpanel-examples']);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-examples');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await visible(), ['tabpanel-evaluate']);
    await page.keyboard.press('Home');
    assert.deepEqual(await visible(), ['tabpanel-train']);
    await page.click('#tab-try');
    assert.deepEqual(await visible(), ['tabpanel-try']);
    assert.match((await page.textContent('#playground-model')) ?? '', /the last training run/);
  });

  it('reads a "1" drawn with pointer events as a 1 with probability > 0.5, throttled while drawing', async () => {
    const runsBefore = await page.evaluate(() => window.playgroundDemo!.playground!.predictor.runs);
    const { moves, ms } = await drawOne(page);
    const p = await prediction(page);
    assert.ok(p, 'a prediction');
    assert.equal(p.label, 1, `probabilities ${p.probabilities.map((v) => v.toFixed(3)).join(' ')}`);
    assert.ok(p.probabilities[1] > 0.5, `p(1) = ${p.probabilities[1]}`);
    console.log(`      "1" drawn: p(1) = ${p.probabilities[1].toFixed(3)}`);
    assert.equal(await page.getAttribute('.playground-bars li.top', 'data-digit'), '1');
    assert.match((await page.textContent('#playground-verdict')) ?? '', /like a 1/);
    // At most one prediction per 80 ms interval while drawing, plus the one at the end of the stroke.
    const runs = (await page.evaluate(() => window.playgroundDemo!.playground!.predictor.runs)) - runsBefore;
    assert.ok(moves >= 60, `pointer moves: ${moves}`);
    assert.ok(
      runs >= 2 && runs <= Math.ceil(ms / 80) + 2,
      `${runs} predictions for ${moves} moves in ${ms} ms`,
    );
    // The 28x28 input is shown, and it is MNIST-like: 20 pixels tall.
    const rows = await page.evaluate(() => {
      const input = window.playgroundDemo!.playground!.lastPrediction!.input;
      const inked = [];
      for (let y = 0; y < 28; y++) if (input.subarray(y * 28, y * 28 + 28).some((v) => v > 0)) inked.push(y);
      return inked.length;
    });
    assert.equal(rows, 20);
  });

  it('clears with the button and with the keyboard, and draws with the keyboard', async () => {
    await page.click('#playground-clear');
    assert.equal(await prediction(page), undefined);
    assert.equal(await page.evaluate(() => window.playgroundDemo!.playground!.pad.isBlank), true);
    await page.focus('.playground-pad-canvas');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    const p = await prediction(page);
    assert.ok(p, 'the keyboard stroke is predicted');
    assert.equal(p.label, 1, 'a vertical keyboard stroke is a 1 too');
    await page.keyboard.press('Delete');
    assert.equal(await prediction(page), undefined);
  });

  it('draws with pen and touch pointers too', async () => {
    for (const pointerType of ['pen', 'touch']) {
      await page.click('#playground-clear');
      await page.evaluate((type) => {
        const c = document.querySelector<HTMLCanvasElement>('.playground-pad-canvas')!;
        const r = c.getBoundingClientRect();
        const steps: [string, number][] = [['pointerdown', 0.15]];
        for (let i = 1; i <= 20; i++) steps.push(['pointermove', 0.15 + (i * 0.7) / 20]);
        steps.push(['pointerup', 0.85]);
        for (const [kind, fy] of steps) {
          c.dispatchEvent(
            new PointerEvent(kind, {
              pointerId: 7,
              pointerType: type,
              isPrimary: true,
              bubbles: true,
              cancelable: true,
              clientX: r.left + 0.5 * r.width,
              clientY: r.top + fy * r.height,
              pressure: 0.5,
            }),
          );
        }
      }, pointerType);
      const p = await prediction(page);
      assert.ok(p, `a ${pointerType} stroke is predicted`);
      assert.equal(p.label, 1, `${pointerType}: ${p.probabilities.map((v) => v.toFixed(2)).join(' ')}`);
    }
  });

  it('preprocesses real test images shown on the pad back to the same 28x28', async () => {
    const r = await page.evaluate(() => {
      const demo = window.playgroundDemo!;
      const pg = demo.playground!;
      const classifier = demo.helpers.createClassifier(demo.weights!);
      const out: { exact: number; smoothMean: number; same: boolean; smoothSame: boolean }[] = [];
      for (let i = 0; i < 50; i++) {
        const bytes = demo.data!.test.images.subarray(i * 784, (i + 1) * 784);
        const expected = classifier.predictBytes(bytes, 0);
        const label = expected.indexOf(Math.max(...expected));
        // Hard pixel edges (ten pad pixels per image pixel).
        pg.pad.showDigit(bytes);
        let exact = 0;
        const a = pg.lastPrediction!;
        for (let k = 0; k < 784; k++) exact = Math.max(exact, Math.abs(a.input[k] - bytes[k] / 255));
        // The image drawn smoothly (bilinear), as a browser scales an <img>.
        const small = document.createElement('canvas');
        small.width = small.height = 28;
        const image = new ImageData(28, 28);
        for (let k = 0; k < 784; k++) image.data.set([255, 255, 255, bytes[k]], k * 4);
        small.getContext('2d')!.putImageData(image, 0, 0);
        pg.pad.showImage(small, true);
        const b = pg.lastPrediction!;
        let sum = 0;
        for (let k = 0; k < 784; k++) sum += Math.abs(b.input[k] - bytes[k] / 255);
        out.push({ exact, smoothMean: sum / 784, same: a.label === label, smoothSame: b.label === label });
      }
      return out;
    });
    const worst = Math.max(...r.map((x) => x.exact));
    const meanSmooth = r.reduce((s, x) => s + x.smoothMean, 0) / r.length;
    console.log(
      `      round trip: largest pixel error ${worst.toFixed(6)}; smoothed mean error ${meanSmooth.toFixed(4)}`,
    );
    assert.ok(worst <= 1 / 255, `largest pixel error ${worst}`);
    assert.ok(r.every((x) => x.same));
    assert.ok(meanSmooth < 0.06, `smoothed mean error ${meanSmooth}`);
    const kept = r.filter((x) => x.smoothSame).length;
    console.log(`      smoothed images that keep their prediction: ${kept} of ${r.length}`);
    assert.ok(kept >= 40, `smoothed images that keep their prediction: ${kept} of ${r.length}`);
  });

  it('evaluates the 10,000 test images: the confusion matrix sums to 10,000 and agrees with the engine', async () => {
    await page.click('#tab-evaluate');
    await page.click('#playground-evaluate');
    await page.waitForFunction(() => window.playgroundDemo!.playground!.lastEvaluation, null, {
      timeout: 300_000,
    });
    const e = await page.evaluate(() => {
      const r = window.playgroundDemo!.playground!.lastEvaluation!;
      let diagonal = 0;
      for (let d = 0; d < 10; d++) diagonal += r.confusion[d * 11];
      const labels = window.playgroundDemo!.data!.test.labels;
      const rowSums = Array.from({ length: 10 }, (_, a) =>
        r.confusion.subarray(a * 10, a * 10 + 10).reduce((s, v) => s + v, 0),
      );
      const labelCounts = Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length);
      return {
        count: r.count,
        sum: r.confusion.reduce((s, v) => s + v, 0),
        diagonal,
        correct: r.correct,
        accuracy: r.accuracy,
        rowSums,
        labelCounts,
        engine: window.playgroundDemo!.engineAccuracy!,
      };
    });
    assert.equal(e.count, 10_000);
    assert.equal(e.sum, 10_000);
    assert.equal(e.diagonal, e.correct);
    assert.deepEqual(e.rowSums, e.labelCounts);
    assert.ok(Math.abs(e.accuracy - e.engine) <= 0.001, `ours ${e.accuracy}, engine ${e.engine}`);
    assert.ok(e.accuracy > 0.85, `accuracy ${e.accuracy}`);
    console.log(`      evaluation: accuracy ${e.accuracy} (engine ${e.engine})`);
    // The table shows the same counts.
    const cells = await page.$$eval('.playground-confusion button', (bs) =>
      bs.map((b) => Number(b.textContent)),
    );
    assert.equal(cells.length, 100);
    assert.equal(
      cells.reduce((a, b) => a + b, 0),
      10_000,
    );
    assert.match((await page.textContent('.playground-accuracy')) ?? '', /Test accuracy: \d+\.\d\d\s%/);

    // A click on the largest off-diagonal cell shows its images, each really of that cell.
    let best = 0;
    for (let i = 1; i < 100; i++) if (i % 11 !== 0 && cells[i] > cells[best]) best = i;
    const [actual, said] = [Math.floor(best / 10), best % 10];
    await page.click(`.playground-confusion button[data-true="${actual}"][data-predicted="${said}"]`);
    const shown = await page.$$eval('#playground-cell-gallery figure', (fs) =>
      fs.map((f) => Number(f.getAttribute('data-index'))),
    );
    assert.equal(shown.length, Math.min(60, cells[best]));
    const ok = await page.evaluate(
      ([idx, a, s]) => {
        const r = window.playgroundDemo!.playground!.lastEvaluation!;
        const labels = window.playgroundDemo!.data!.test.labels;
        return (idx as number[]).every((i) => labels[i] === a && r.predicted[i] === s);
      },
      [shown, actual, said] as const,
    );
    assert.ok(ok, 'every image shown is a true ' + actual + ' read as ' + said);

    // The gallery of mistakes: wrong answers, most confident first.
    const mistakes = await page.$$eval('#playground-mistakes figure', (fs) =>
      fs.map((f) => Number(f.getAttribute('data-index'))),
    );
    assert.equal(mistakes.length, 24);
    const check = await page.evaluate((idx) => {
      const r = window.playgroundDemo!.playground!.lastEvaluation!;
      const labels = window.playgroundDemo!.data!.test.labels;
      const conf = idx.map((i) => r.confidence[i]);
      let maxOther = 0;
      for (let i = 0; i < r.count; i++)
        if (r.predicted[i] !== labels[i] && !idx.includes(i)) maxOther = Math.max(maxOther, r.confidence[i]);
      return { allWrong: idx.every((i) => r.predicted[i] !== labels[i]), conf, maxOther };
    }, mistakes);
    assert.ok(check.allWrong);
    assert.deepEqual(
      check.conf,
      [...check.conf].sort((a, b) => b - a),
    );
    assert.ok(check.maxOther <= check.conf[check.conf.length - 1]);
  });

  it('exports model.json that tf.loadLayersModel loads and that predicts the same; the .npz loads in numpy', async function () {
    await page.click('#tab-try');
    const before = (await outbox(page)).length;
    await page.click('#playground-save');
    const save = await nextSent(page, 'saveModelFiles', before);
    assert.deepEqual(
      save.files.map((f) => f.name),
      ['model.json', 'model.weights.bin', 'weights.npz'],
    );
    await sendHost(page, {
      type: 'modelFilesSaved',
      requestId: save.requestId,
      outcome: 'saved',
      folder: '/home/me/model',
    });
    await page.waitForFunction(() =>
      /Saved .* to \/home\/me\/model/.test(document.getElementById('playground-file-status')!.textContent!),
    );

    const compared = await page.evaluate(async (files: ModelFilePayload[]) => {
      const demo = window.playgroundDemo!;
      const tf = demo.tf;
      const model = await demo.helpers.loadLayersModelFromFiles(
        files
          .filter((f) => f.name !== 'weights.npz')
          .map((f) => ({ name: f.name, bytes: demo.helpers.fromBase64(f.content) })),
      );
      const n = 200;
      const images = demo.data!.test.images.subarray(0, n * 784);
      const x = tf.tensor4d(
        Float32Array.from(images, (v) => v / 255),
        [n, 28, 28, 1],
      );
      const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
      const theirs = await y.data();
      x.dispose();
      y.dispose();
      model.dispose();
      const classifier = demo.helpers.createClassifier(demo.weights!);
      let worst = 0;
      let sameLabel = 0;
      for (let i = 0; i < n; i++) {
        const ours = classifier.predictBytes(images, i * 784);
        const t = theirs.subarray(i * 10, i * 10 + 10);
        for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(ours[c] - t[c]));
        if (ours.indexOf(Math.max(...ours)) === t.indexOf(Math.max(...t))) sameLabel++;
      }
      return { worst, sameLabel, tensors: tf.memory().numTensors };
    }, save.files);
    assert.ok(compared.worst < 1e-5, `largest probability difference ${compared.worst}`);
    assert.equal(compared.sameLabel, 200);

    // weights.npz from the page, in numpy.
    let python: string | undefined;
    for (const candidate of ['python3', 'python']) {
      try {
        await run(candidate, ['-c', 'import numpy']);
        python = candidate;
        break;
      } catch {
        // Try the next.
      }
    }
    if (!python) {
      console.log('      skipped (numpy part): numpy not installed');
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'playground-page-npz-'));
    try {
      writeFileSync(path.join(dir, 'weights.npz'), Buffer.from(save.files[2].content, 'base64'));
      const sums = await page.evaluate(() => {
        const w = window.playgroundDemo!.weights!;
        return [w.convKernel, w.convBias, w.denseKernel, w.denseBias].map((a) => [
          a[0],
          a[a.length - 1],
          a.reduce((s, v) => s + v, 0),
        ]);
      });
      const { stdout } = await run(python, [
        '-c',
        'import json,sys,numpy as np\nz=np.load(sys.argv[1],allow_pickle=False)\n' +
          'print(json.dumps([[float(a.reshape(-1)[0]),float(a.reshape(-1)[-1]),float(a.astype(np.float64).sum()),list(a.shape)] ' +
          'for a in (z[n] for n in ("conv2d_kernel","conv2d_bias","dense_kernel","dense_bias"))]))',
        path.join(dir, 'weights.npz'),
      ]);
      const fromNumpy = JSON.parse(stdout) as [number, number, number, number[]][];
      assert.deepEqual(
        fromNumpy.map((a) => a[3]),
        [[3, 3, 1, 32], [32], [5408, 10], [10]],
      );
      fromNumpy.forEach((a, i) => {
        assert.equal(a[0], sums[i][0]);
        assert.equal(a[1], sums[i][1]);
        assert.ok(Math.abs(a[2] - sums[i][2]) < 1e-3, `sum of array ${i}`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reloads a saved model through the host, and shows a clear error for a broken one', async () => {
    // Save, then change the page's model (a fresh, untrained one), then load the saved files back.
    let before = (await outbox(page)).length;
    await page.click('#playground-save');
    const save = await nextSent(page, 'saveModelFiles', before);
    await sendHost(page, { type: 'modelFilesSaved', requestId: save.requestId, outcome: 'cancelled' });
    await page.waitForFunction(
      () => document.getElementById('playground-file-status')!.textContent === 'Cancelled.',
    );
    await drawOne(page);
    const trained = (await prediction(page))!;

    before = (await outbox(page)).length;
    await page.click('#playground-load');
    const load = await nextSent(page, 'loadModelFiles', before);
    const broken = save.files
      .filter((f) => f.name === 'model.json')
      .concat([{ name: 'model.weights.bin', content: Buffer.from([1, 2, 3, 4]).toString('base64') }]);
    await sendHost(page, {
      type: 'modelFilesLoaded',
      requestId: load.requestId,
      outcome: 'loaded',
      source: '/home/me/broken/model.json',
      files: broken,
    });
    await page.waitForFunction(() =>
      /Could not load the model: .*4 bytes/.test(
        document.getElementById('playground-file-status')!.textContent!,
      ),
    );
    // The model in use is unchanged.
    assert.deepEqual((await prediction(page))!.probabilities, trained.probabilities);

    // A malformed answer (a path as a file name) is dropped by validation.
    before = (await outbox(page)).length;
    await page.click('#playground-load');
    const load2 = await nextSent(page, 'loadModelFiles', before);
    await sendHost(page, {
      type: 'modelFilesLoaded',
      requestId: load2.requestId,
      outcome: 'loaded',
      files: [{ name: '../model.json', content: 'AA==' }],
    });
    await page.waitForFunction(
      (n) =>
        (window.aiOnrampOutbox ?? []).slice(n).some((m) => m.type === 'log' && /dropped/.test(m.message)),
      before,
    );
    await sendHost(page, {
      type: 'modelFilesLoaded',
      requestId: load2.requestId,
      outcome: 'loaded',
      source: '/home/me/model/model.json',
      files: save.files.filter((f) => f.name !== 'weights.npz'),
    });
    await page.waitForFunction(() =>
      /Loaded the model from \/home\/me\/model\/model\.json/.test(
        document.getElementById('playground-file-status')!.textContent!,
      ),
    );
    assert.match(
      (await page.textContent('#playground-model')) ?? '',
      /loaded from \/home\/me\/model\/model\.json/,
    );
    const reloaded = (await prediction(page))!;
    assert.equal(reloaded.label, trained.label);
    reloaded.probabilities.forEach((p, i) => assert.ok(Math.abs(p - trained.probabilities[i]) < 1e-6));
    assert.deepEqual(page.errors, []);
  });

  it('asks the host to "Open as a Python project" with the settings, then the newest run, and shows the answer', async () => {
    await page.click('#tab-try');
    const settings = { ...DEFAULT_HYPERPARAMETERS, epochs: 7, optimizer: 'sgd' as const };
    await sendHost(page, { type: 'settings', hyperparameters: settings });
    let before = (await outbox(page)).length;
    await page.click('#playground-python');
    const open = await nextSent(page, 'openPythonProject', before);
    assert.deepEqual(open.model, { architecture: ARTICLE_MODEL, hyperparameters: settings });
    assert.ok(parseWebviewMessage(open).ok, 'the host accepts it');
    await sendHost(page, {
      type: 'pythonProjectOpened',
      requestId: open.requestId,
      outcome: 'created',
      folder: '/home/me/panel-model',
    });
    await page.waitForFunction(
      () =>
        document.getElementById('playground-file-status')!.textContent ===
        'Made the Python project in /home/me/panel-model.',
    );
    // A finished run's hyperparameters win over the settings (they are what trained the model).
    const runHyperparameters = { ...DEFAULT_HYPERPARAMETERS, epochs: 2, schedule: 'constant' as const };
    const curves = { trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [] };
    const runRecord = (id: string, startedAt: number, hyperparameters: Hyperparameters): RunRecord => ({
      id,
      startedAt,
      durationMs: 1,
      status: 'completed',
      hyperparameters,
      backend: 'onramp-cpu',
      trainSamples: 100,
      testSamples: 10,
      epochsCompleted: hyperparameters.epochs,
      samplesPerSec: 1,
      curves,
      memory: [],
    });
    await sendHost(page, {
      type: 'history',
      runs: [runRecord('new', 2000, runHyperparameters), runRecord('old', 1000, settings)],
    });
    await sendHost(page, { type: 'settings', hyperparameters: settings });
    before = (await outbox(page)).length;
    await page.click('#playground-python');
    const again = await nextSent(page, 'openPythonProject', before);
    assert.deepEqual(again.model.hyperparameters, runHyperparameters);
    await sendHost(page, {
      type: 'pythonProjectOpened',
      requestId: again.requestId,
      outcome: 'failed',
      error: 'no Python',
    });
    await page.waitForFunction(
      () =>
        document.getElementById('playground-file-status')!.textContent ===
        'Could not make the Python project: no Python',
    );
    assert.deepEqual(page.errors, []);
  });
});
