/**
 * The Train tab's model editor in real Chromium: each preset and a stack built by hand through the controls
 * show Keras's `model.summary()` shapes and parameter counts; a stack that cannot train says why on the layer at
 * fault and keeps Train off; the Simple convnet trains on our CPU engine and on tfjs WASM with the run record
 * carrying its architecture (and "Try it" predicts with it); the same seed starts both backends from the same
 * weights. Run: node scripts/build.mjs && TEST_GREP='model editor' npx tsx scripts/test.ts webview
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserSession, type BrowserSession } from './harness';
import { PLAIN_MLP, SIMPLE_CONVNET } from '../../src/shared/architecture';
import { choose, openTrainingPanel as openPanel, outbox, sendHost, waitForFinishedRun } from './trainingPage';
import type { HostMessage } from '../../src/shared/protocol/training';

/** The part of a saved model.json's Keras topology the test reads. */
interface Topology {
  config: { layers: { class_name: string }[] };
}

/** Types into a vscode-textfield's own input, keystroke by keystroke, as the learner does. */
async function type(page: Page, selector: string, text: string): Promise<void> {
  const input = page.locator(`${selector} input`);
  await input.fill('');
  await input.pressSequentially(text);
}

/** Each row of the editor as [Keras layer, output shape, parameters]. */
async function rows(page: Page): Promise<string[][]> {
  return page.$$eval('#model-layers tr[data-layer]', (trs) =>
    trs.map((tr) =>
      ['.kind', '.shape', '.params'].map((c) => tr.querySelector(c)?.textContent?.trim() ?? ''),
    ),
  );
}

const totalParams = (page: Page) => page.getAttribute('#total-params', 'data-params');
const trainDisabled = (page: Page) =>
  page.evaluate(() => (document.querySelector('#train') as HTMLElement & { disabled: boolean }).disabled);

const short = (backend: 'onramp-cpu' | 'wasm', extra: Partial<HostMessage & { type: 'start' }> = {}) =>
  ({
    type: 'start',
    hyperparameters: {
      backend,
      epochs: 1,
      batchSize: 32,
      learningRate: 0.003,
      schedule: 'cosine',
      optimizer: 'adam',
    },
    limits: { trainSamples: 3072, testSamples: 1000 },
    ...extra,
  }) as HostMessage;

describe('model editor in the training panel (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  it('shows each preset with the shapes and parameter counts Keras prints, and the Keras code follows', async () => {
    const page = await openPanel(session);
    // The panel opens on the article's model.
    const preset = () =>
      page.evaluate(() => (document.querySelector('#model-preset') as HTMLElement & { value: string }).value);
    assert.equal(await preset(), 'article');
    assert.deepEqual(await rows(page), [
      ['Conv2D', '(None, 26, 26, 32)', '320'],
      ['MaxPooling2D', '(None, 13, 13, 32)', '0'],
      ['Flatten', '(None, 5408)', '0'],
      ['Dense', '(None, 10)', '54,090'],
    ]);
    assert.equal(await totalParams(page), '54410');
    await choose(page, '#model-preset', 'simpleConvnet');
    assert.deepEqual(await rows(page), [
      ['Conv2D', '(None, 26, 26, 32)', '320'],
      ['MaxPooling2D', '(None, 13, 13, 32)', '0'],
      ['Conv2D', '(None, 11, 11, 64)', '18,496'],
      ['MaxPooling2D', '(None, 5, 5, 64)', '0'],
      ['Flatten', '(None, 1600)', '0'],
      ['Dropout', '(None, 1600)', '0'],
      ['Dense', '(None, 10)', '16,010'],
    ]);
    assert.equal(await totalParams(page), '34826');
    const code = (await page.textContent('#keras-code')) ?? '';
    assert.match(code, /layers\.Conv2D\(64, \(3, 3\), activation="relu"\)/);
    assert.match(code, /layers\.Dropout\(0\.5\)/);
    await choose(page, '#model-preset', 'mlp');
    assert.deepEqual(await rows(page), [
      ['Flatten', '(None, 784)', '0'],
      ['Dense', '(None, 128)', '100,480'],
      ['Dense', '(None, 10)', '1,290'],
    ]);
    assert.equal(await totalParams(page), '101770');
    assert.match((await page.textContent('#total-params')) ?? '', /101,770/);
    assert.doesNotMatch((await page.textContent('#keras-code')) ?? '', /Conv2D/);
    assert.equal(await trainDisabled(page), false);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('builds a stack by hand (type, choose, add, move by keyboard) and counts as Keras does', async () => {
    const page = await openPanel(session);
    // Conv2D(16, 5×5, same) → MaxPooling2D → Flatten → Dropout(0.2) → Dense(64, relu) → Dense(10, softmax).
    await type(page, '#layer-0-filters', '16');
    await choose(page, '#layer-0-kernelSize', '5');
    await choose(page, '#layer-0-padding', 'same');
    await choose(page, '#add-layer-kind', 'dense');
    await page.click('#add-layer');
    await type(page, '#layer-3-units', '64');
    await choose(page, '#add-layer-kind', 'dropout');
    await page.click('#add-layer');
    await type(page, '#layer-4-rate', '0.2');
    // Move the Dropout above the Dense with the keyboard: focus its "move up", press Enter; focus follows it.
    await page.focus('tr[data-layer="4"] .move-up');
    await page.keyboard.press('Enter');
    // Focus follows the layer (once its row has rendered).
    await page.waitForFunction(
      () => (document.activeElement?.closest('tr') as HTMLElement | null)?.dataset.layer === '3',
      null,
      { timeout: 5000 },
    );
    assert.deepEqual(await rows(page), [
      ['Conv2D', '(None, 28, 28, 16)', '416'],
      ['MaxPooling2D', '(None, 14, 14, 16)', '0'],
      ['Flatten', '(None, 3136)', '0'],
      ['Dropout', '(None, 3136)', '0'],
      ['Dense', '(None, 64)', '200,768'],
      ['Dense', '(None, 10)', '650'],
    ]);
    assert.equal(await totalParams(page), String(416 + 200_768 + 650));
    const preset = await page.evaluate(
      () => (document.querySelector('#model-preset') as HTMLElement & { value: string }).value,
    );
    assert.equal(preset, 'custom');
    const code = (await page.textContent('#keras-code')) ?? '';
    assert.match(code, /layers\.Conv2D\(16, \(5, 5\), activation="relu", padding="same"/);
    assert.match(code, /layers\.Dropout\(0\.2\),\n\s+layers\.Dense\(64, activation="relu"\)/);
    // The output layer has no fields and no actions.
    assert.equal(
      await page.$$eval(
        'tr[data-layer="5"] vscode-textfield, tr[data-layer="5"] vscode-button',
        (e) => e.length,
      ),
      0,
    );
    assert.equal(await trainDisabled(page), false);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('says why a broken stack cannot train on the layer at fault, and keeps Train off until it is fixed', async () => {
    const page = await openPanel(session);
    await choose(page, '#model-preset', 'mlp');
    // Flatten moved below the Dense: the Dense gets the 28×28×1 image.
    await page.click('tr[data-layer="0"] .move-down');
    const problems = await page.$$eval('#model-layers tr[data-layer]', (trs) =>
      trs.map((tr) => {
        const p = tr.querySelector('.layer-problem') as HTMLElement;
        return [tr.dataset.problem ?? '', p.hidden ? '' : (p.textContent ?? '')];
      }),
    );
    assert.deepEqual(problems, [
      ['denseNeedsFlatten', 'Dense needs Flatten before it: its input is still a 28×28×1 image.'],
      ['', ''],
      ['', ''],
    ]);
    assert.equal(await trainDisabled(page), true);
    const reason = (await page.textContent('#train-blocked')) ?? '';
    assert.equal(
      reason,
      'The model cannot train: layer 1: Dense needs Flatten before it: its input is still a 28×28×1 image.',
    );
    assert.equal(await page.isVisible('#train-blocked'), true);
    // A start from the host is refused with the same reason.
    await sendHost(page, short('wasm'));
    await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'startRefused'), null, {
      timeout: 30_000,
    });
    const refused = (await outbox(page)).find((m) => m.type === 'startRefused');
    assert.ok(refused && refused.type === 'startRefused');
    assert.equal(refused.error, reason);
    // Fixed: Train comes back; a value out of range is flagged on its own row as the learner types.
    await page.click('tr[data-layer="1"] .move-up');
    assert.equal(await trainDisabled(page), false);
    await type(page, '#layer-1-units', '600');
    assert.equal(
      await page.textContent('tr[data-layer="1"] .layer-problem'),
      'Units must be between 1 and 512; it is 600.',
    );
    assert.equal(await trainDisabled(page), true);
    // Pooling an image down to 1×1 and again: the sentence names the size, on the pooling that cannot.
    await choose(page, '#model-preset', 'article');
    for (let i = 0; i < 4; i++) {
      await choose(page, '#add-layer-kind', 'maxPooling2d');
      await page.click('#add-layer');
      await page.focus(`tr[data-layer="${3 + i}"] .move-up`);
      await page.keyboard.press('Enter');
    }
    // Conv → Pool ×5 → Flatten: 26 → 13 → 6 → 3 → 1, and the fifth pooling gets a 1×1 image.
    const kinds = await page.$$eval('#model-layers tr[data-layer]', (trs) =>
      trs.map((tr) => tr.dataset.kind),
    );
    assert.deepEqual(kinds, ['conv2d', ...Array(5).fill('maxPooling2d'), 'flatten', 'dense']);
    assert.equal(
      await page.textContent('tr[data-layer="5"] .layer-problem'),
      'After the previous pooling the image is 1×1: too small to pool again.',
    );
    assert.equal(await trainDisabled(page), true);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const backend of ['onramp-cpu', 'wasm'] as const) {
    it(`trains the Simple convnet on ${backend}; the run record carries it, and "Try it" predicts with it`, async () => {
      const page = await openPanel(session);
      await choose(page, '#model-preset', 'simpleConvnet');
      await type(page, '#seed', '42');
      await sendHost(page, short(backend));
      const run = await waitForFinishedRun(page);
      assert.equal(run.status, 'completed', run.error);
      assert.equal(run.backend, backend);
      assert.deepEqual(run.architecture, JSON.parse(JSON.stringify(SIMPLE_CONVNET)));
      assert.equal(run.seed, 42);
      const losses = run.curves.trainLoss.map((p) => p.value);
      const k = Math.max(1, Math.floor(losses.length / 4));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(mean(losses.slice(-k)) < mean(losses.slice(0, k)) * 0.8, `loss falls: ${losses.join(', ')}`);
      assert.ok(run.testAccuracy! > 0.7, `test accuracy ${run.testAccuracy}`);
      // The trained model is the convnet: 34,826 parameters in 6 weight arrays.
      const model = await page.evaluate(() => {
        const m = window.aiOnrampTraining!.trainer!.model!;
        return { params: m.countParams(), weights: m.getWeights().length };
      });
      assert.deepEqual(model, { params: 34_826, weights: 6 });
      // "Try it": a sample digit is classified by this model (tfjs's predict, not the article's forward pass).
      await page.click('#tab-try');
      await page.click('#playground-sample');
      await page.waitForFunction(() =>
        /\d/.test(document.querySelector('#playground-verdict')?.textContent ?? ''),
      );
      const bars = await page.$$eval('.playground-bars li', (lis) =>
        lis.map((li) => Number(li.getAttribute('aria-valuenow'))),
      );
      assert.equal(bars.length, 10);
      assert.ok(Math.abs(bars.reduce((a, b) => a + b, 0) - 100) < 1, `probabilities sum to 100 %: ${bars}`);
      // Save writes this model: its model.json lists the convnet's layers, weights.npz its six arrays.
      const sent = (await outbox(page)).length;
      assert.equal(await page.locator('#playground-save').isDisabled(), false);
      await page.click('#playground-save');
      await page.waitForFunction(
        (n) => (window.aiOnrampOutbox ?? []).slice(n).some((m) => m.type === 'saveModelFiles'),
        sent,
      );
      const save = (await outbox(page)).slice(sent).find((m) => m.type === 'saveModelFiles');
      assert.ok(save && save.type === 'saveModelFiles');
      assert.deepEqual(
        save.files.map((f) => f.name),
        ['model.json', 'model.weights.bin', 'weights.npz'],
      );
      const modelJson = JSON.parse(Buffer.from(save.files[0].content, 'base64').toString('utf8')) as {
        modelTopology: Topology & { model_config?: Topology };
        weightsManifest: { weights: unknown[] }[];
      };
      // tfjs writes a Sequential's topology as Keras does, at the top or under model_config.
      const topology = modelJson.modelTopology.model_config ?? modelJson.modelTopology;
      const classes = topology.config.layers.map((l) => l.class_name);
      assert.deepEqual(
        classes.filter((c) => c !== 'InputLayer'),
        ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense'],
      );
      assert.equal(modelJson.weightsManifest[0].weights.length, 6);
      console.log(
        `      ${backend}: ${Math.round(run.samplesPerSec)} samples/s, test accuracy ${run.testAccuracy}`,
      );
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  it('starts the CPU engine and tfjs from the same weights for the same seed: the same first-batch loss', async () => {
    // One batch of all 32 samples (so the shuffle cannot change it), the plain MLP (no dropout), and the smallest
    // learning rate, so that the weights after the one step are the initial ones to about 1e-6.
    const first = async (backend: 'onramp-cpu' | 'wasm', seed: number) => {
      const page = await openPanel(session);
      await choose(page, '#model-preset', 'mlp');
      await type(page, '#seed', String(seed));
      await sendHost(
        page,
        short(backend, {
          hyperparameters: {
            backend,
            epochs: 1,
            batchSize: 32,
            learningRate: 0.000001,
            schedule: 'constant',
            optimizer: 'adam',
          },
          limits: { trainSamples: 32, testSamples: 100 },
        } as Partial<HostMessage & { type: 'start' }>),
      );
      const run = await waitForFinishedRun(page);
      assert.equal(run.status, 'completed', run.error);
      assert.deepEqual(run.architecture, JSON.parse(JSON.stringify(PLAIN_MLP)));
      const weights = await page.evaluate(() =>
        window.aiOnrampTraining!.trainer!.model!.getWeights().map((w) => Array.from(w.dataSync())),
      );
      assert.deepEqual(page.errors, []);
      await page.close();
      return { loss: run.curves.trainLoss[0].value, weights };
    };
    const engine = await first('onramp-cpu', 7);
    const wasm = await first('wasm', 7);
    const other = await first('wasm', 8);
    const maxDiff = (a: number[][], b: number[][]) => {
      let max = 0;
      a.forEach((w, i) => w.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i][j])))));
      return max;
    };
    assert.ok(
      Math.abs(engine.loss - wasm.loss) <= 1e-4 * wasm.loss,
      `first-batch loss: engine ${engine.loss}, wasm ${wasm.loss}`,
    );
    assert.ok(
      maxDiff(engine.weights, wasm.weights) < 1e-5,
      `weights differ by ${maxDiff(engine.weights, wasm.weights)}`,
    );
    assert.ok(maxDiff(wasm.weights, other.weights) > 0.01, 'another seed gives other weights');
    assert.ok(Math.abs(other.loss - wasm.loss) > 1e-4, 'and another first loss');
    console.log(
      `      seed 7: first-batch loss engine ${engine.loss}, wasm ${wasm.loss}; seed 8: ${other.loss}`,
    );
  });
});
