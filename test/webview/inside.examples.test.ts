/**
 * "Your examples" on the training page in real Chromium: the learner draws (synthesised mouse strokes, and the
 * keyboard), labels and adds examples; the page keeps what the host sends back (the test plays the host, as
 * VS Code would deliver its messages; test/host/examples.test.ts tests the host's file), so the examples survive a
 * reload and deleting one, or all, goes through the host; and a fine-tune from the trained model's weights on
 * MNIST plus a few dozen drawn examples of one class raises that class's accuracy on them, with per-digit
 * accuracy on the examples and the test set before and after; Stop during a fine-tune's training keeps the weights
 * from before (the same model, every weight equal) and the page records it as a stopped run; a finished fine-tune
 * goes to the run history as a run does, named as a fine-tune of the run it started from. Run:
 * TEST_GREP='your examples' npx tsx scripts/test.ts webview
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  readRunRecord,
  type LearnerExample,
  type RunRecord,
  type WebviewMessage,
} from '../../src/shared/protocol/training';
import { mulberry32 } from '../../src/shared/architecture';
import { startBrowserSession, type BrowserSession } from './harness';
import { choose, openTrainingPanel, outbox, sendHost, waitForFinishedRun } from './trainingPage';

/** Draws one stroke through `points` (fractions of the pad) with the mouse, as a learner would. */
async function stroke(page: Page, points: [number, number][]): Promise<void> {
  const box = (await page.locator('.examples-pad-canvas').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
  await page.mouse.up();
}

/** A "Z" (which no MNIST digit looks like), jittered: the class the learner teaches. */
async function drawZ(page: Page, next: () => number): Promise<void> {
  const j = () => (next() - 0.5) * 0.12;
  const left = 0.25 + j();
  const right = 0.75 + j();
  const top = 0.22 + j();
  const bottom = 0.78 + j();
  await stroke(page, [
    [left, top],
    [right, top + j() / 2],
    [left + j() / 2, bottom],
    [right, bottom + j() / 2],
  ]);
}

const added = (messages: WebviewMessage[]): LearnerExample[] =>
  messages.flatMap((m) => (m.type === 'addExample' ? [m.example] : []));

/** The fine-tunes the page reported finished (stopped ones too), in order. */
const finishedFineTunes = (messages: WebviewMessage[]): RunRecord[] =>
  messages.flatMap((m) => (m.type === 'runFinished' && m.run.fineTune ? [m.run] : []));

/** Every weight of the panel's model, as numbers. */
const modelWeights = (page: Page) =>
  page.evaluate(() =>
    window.aiOnrampTraining!.trainer!.model!.getWeights().map((w) => Array.from(w.dataSync())),
  );

/** Clicks Fine-tune and waits until it ended (done, stopped or failed); returns the state and the status text. */
async function fineTune(page: Page): Promise<{ state: string; status: string }> {
  await page.click('#examples-fine-tune');
  await page.waitForFunction(
    () =>
      ['done', 'stopped', 'failed'].includes(
        document.querySelector<HTMLElement>('#examples-fine-tune-status')?.dataset.state ?? '',
      ),
    null,
    { timeout: 600_000, polling: 500 },
  );
  return {
    state: (await page.getAttribute('#examples-fine-tune-status', 'data-state')) ?? '',
    status: (await page.textContent('#examples-fine-tune-status')) ?? '',
  };
}

/**
 * Presses Stop at the next fine-tune's first batch. On the CPU engine a fine-tune's training takes a fraction of
 * a second (the ~10 s are the evaluations around it), so a test that clicked from outside would race it: the
 * page's first `runUpdate` of the fine-tune (posted before training starts) arms a hook on the record's curve,
 * and its first point clicks the real Stop button. Once only.
 */
async function stopAtFirstBatch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const outbox = window.aiOnrampOutbox!;
    const push = outbox.push.bind(outbox);
    let armed = true;
    outbox.push = (...messages) => {
      for (const m of messages as { type: string; run?: { fineTune?: unknown } }[]) {
        if (!armed || m.type !== 'runUpdate' || !m.run?.fineTune) continue;
        armed = false;
        const curve = window.aiOnrampTraining!.fineTuneRun!.curves.trainLoss;
        const add = curve.push.bind(curve);
        curve.push = (...points) => {
          document.querySelector<HTMLElement>('#examples-fine-tune-stop')!.click();
          return add(...points);
        };
        // Not enumerable: the record is cloned for every message, and a function would not clone. (No named
        // functions here: tsx's keepNames would call a __name helper the page lacks.)
        Object.defineProperty(curve, 'push', { enumerable: false });
      }
      return push(...messages);
    };
  });
}

async function cell(page: Page, table: string, digit: number, column: string) {
  return page.$eval(`${table} tr[data-digit="${digit}"] td[data-column="${column}"]`, (td) => ({
    count: Number((td as HTMLElement).dataset.count),
    correct: Number((td as HTMLElement).dataset.correct),
    accuracy:
      (td as HTMLElement).dataset.accuracy === undefined
        ? undefined
        : Number((td as HTMLElement).dataset.accuracy),
  }));
}

describe('your examples (Chromium)', function () {
  this.timeout(900_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession();
  });
  after(async () => {
    await session?.close();
  });

  for (const { backend, preset } of [
    { backend: 'onramp-cpu', preset: 'article' },
    { backend: 'wasm', preset: 'mlp' },
  ] as const) {
    it(`fine-tuning on 30 drawn examples of one class raises its accuracy on them; Stop keeps the weights from before; both are runs of the history (${backend}, ${preset})`, async () => {
      const page = await openTrainingPanel(session);
      await choose(page, '#model-preset', preset);
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
        limits: { trainSamples: 6000, testSamples: 1000 },
      });
      const run = await waitForFinishedRun(page);
      assert.equal(run.status, 'completed', run.error);
      assert.equal(run.backend, backend);
      await page.click('#tab-examples');
      await page.click('.examples-label[data-digit="4"]');
      const next = mulberry32(4);
      const count = 30;
      for (let i = 0; i < count; i++) {
        await drawZ(page, next);
        await page.click('#examples-add');
      }
      const examples = added(await outbox(page));
      assert.equal(examples.length, count);
      assert.ok(examples.every((e) => e.label === 4));
      assert.equal(await page.getAttribute('.examples-label[data-digit="4"]', 'data-count'), String(count));
      assert.equal(await page.locator('#examples-list li[data-id]').count(), count);
      // Every example is the 28×28 the model sees: ink, in a 20×20 box, not the whole field.
      const ink = Buffer.from(examples[0].pixels, 'base64');
      assert.equal(ink.length, 784);
      assert.ok(ink.filter((v) => v > 0).length > 40, 'the example holds ink');
      assert.equal(ink.subarray(0, 28 * 3).filter((v) => v > 0).length, 0, 'the top rows are empty');
      // Played host: the list as the host would send it back.
      await sendHost(page, { type: 'examples', examples });

      const before = await cell(page, '#examples-per-class', 4, 'yours');
      assert.equal(before.count, count);
      assert.ok(before.accuracy! < 0.5, `a Z is not a 4 to a model trained on MNIST (${before.accuracy})`);
      const modelBefore = await page.evaluate(() =>
        Array.from(window.aiOnrampTraining?.trainer?.model?.getWeights().at(-1)?.dataSync() ?? []),
      );

      // Stop during the fine-tune's training: the model is the one from before, every weight of it.
      const weightsBefore = await modelWeights(page);
      await page.evaluate(() => {
        (window as { trainerBefore?: unknown }).trainerBefore = window.aiOnrampTraining?.trainer;
      });
      assert.equal(
        await page.getAttribute('#examples-fine-tune-stop', 'disabled'),
        '',
        'Stop: nothing to stop',
      );
      await stopAtFirstBatch(page);
      const halted = await fineTune(page);
      assert.equal(halted.state, 'stopped', halted.status);
      assert.equal(
        halted.status,
        'Fine-tune stopped. The model keeps its weights from before it: nothing of the fine-tune was applied.',
      );
      assert.ok(
        await page.evaluate(
          () => window.aiOnrampTraining?.trainer === (window as { trainerBefore?: unknown }).trainerBefore,
        ),
        'the same trainer (and model) as before',
      );
      assert.deepEqual(await modelWeights(page), weightsBefore, 'every weight as before the fine-tune');
      assert.deepEqual(await cell(page, '#examples-per-class', 4, 'yours'), before);
      assert.equal(await page.getAttribute('#examples-fine-tune-stop', 'disabled'), '');
      assert.equal(await page.getAttribute('#examples-fine-tune', 'disabled'), null);
      const [stopped] = finishedFineTunes(await outbox(page));
      assert.ok(stopped, 'the stopped fine-tune was reported');
      assert.equal(stopped.status, 'stopped', 'a stopped fine-tune is not recorded as finished');
      assert.equal(stopped.epochsCompleted, 0);
      assert.ok(stopped.curves.trainLoss.length >= 1, 'it had begun training');
      assert.ok(stopped.trainSamples > stopped.curves.trainLoss.at(-1)!.step * 32, 'it stopped part way');
      assert.equal(stopped.testAccuracy, undefined);
      assert.equal(stopped.backend, backend);
      console.log(
        `      ${backend}: stopped after batch ${stopped.curves.trainLoss.at(-1)!.step} of ${Math.ceil(stopped.trainSamples / 32)}`,
      );

      const { state, status } = await fineTune(page);
      assert.equal(state, 'done', status);
      const yoursBefore = await cell(page, '#examples-before-after', 4, 'yours-before');
      const yoursAfter = await cell(page, '#examples-before-after', 4, 'yours-after');
      const testBefore = await cell(page, '#examples-before-after', 4, 'test-before');
      const testAfter = await cell(page, '#examples-before-after', 4, 'test-after');
      console.log(
        `      ${backend}, ${preset}: Z labelled 4: ${yoursBefore.correct}/${count} → ${yoursAfter.correct}/${count}; ` +
          `test 4s ${testBefore.correct}/${testBefore.count} → ${testAfter.correct}/${testAfter.count}; ${status}`,
      );
      assert.deepEqual(yoursBefore, before);
      assert.ok(yoursAfter.accuracy! > yoursBefore.accuracy!, 'the fine-tune raised its accuracy on them');
      assert.ok(yoursAfter.accuracy! >= 0.8, `after: ${yoursAfter.accuracy}`);
      assert.equal(testAfter.count, 982, 'the whole test set: 982 fours');
      // MNIST in the mix keeps the real fours (and the rest) from being forgotten.
      const overall = await page.$$eval('#examples-before-after td[data-column="test-after"]', (tds) =>
        tds.reduce((s, td) => s + Number((td as HTMLElement).dataset.correct), 0),
      );
      assert.ok(overall / 10_000 > 0.85, `test accuracy after the fine-tune ${overall / 10_000}`);
      // The fine-tuned model is the panel's model now, on the same backend, with other weights (its output bias moved).
      assert.equal(await page.evaluate(() => window.aiOnrampTraining?.trainer?.backend), backend);
      const modelAfter = await page.evaluate(() =>
        Array.from(window.aiOnrampTraining?.trainer?.model?.getWeights().at(-1)?.dataSync() ?? []),
      );
      assert.equal(modelAfter.length, 10, 'the output bias');
      assert.notDeepEqual(modelAfter, modelBefore);
      assert.equal((await cell(page, '#examples-per-class', 4, 'yours')).correct, yoursAfter.correct);

      // The fine-tune is a run of the history: updates as it goes, then its record, which the host accepts.
      const messages = await outbox(page);
      const fineTunes = finishedFineTunes(messages);
      assert.equal(fineTunes.length, 2, 'the stopped one, then this one');
      const done = fineTunes[1];
      assert.equal(done.status, 'completed', done.error);
      assert.deepEqual(done.fineTune, {
        of: { runId: run.id, startedAt: run.startedAt },
        examples: count,
        repeats: 42,
        mnistImages: 5000,
      });
      assert.deepEqual(done.architecture, run.architecture);
      assert.equal(done.backend, backend);
      assert.equal(done.trainSamples, 5000 + count * 42);
      assert.equal(done.epochsCompleted, 1);
      assert.equal(done.curves.valAccuracy.length, 1);
      assert.ok(done.curves.trainLoss.length > 0);
      assert.ok(done.testAccuracy! > 0.85, `the fine-tune's test accuracy ${done.testAccuracy}`);
      assert.ok(messages.some((m) => m.type === 'runUpdate' && m.run.id === done.id));
      assert.deepEqual(readRunRecord(done), done);
      // The host answers with its history: the run list and the "what changed" selects name the fine-tune.
      await sendHost(page, { type: 'history', runs: [run, stopped, done] });
      const clock = await page.evaluate(
        (at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        run.startedAt,
      );
      const name = `Fine-tune of the ${clock} run on ${count} of your examples · `;
      const names = await page.locator('.onramp-charts-run .onramp-charts-runname').allInnerTexts();
      assert.equal(names.filter((n) => n.startsWith(name)).length, 2, names.join(' | '));
      assert.ok(
        (await page.textContent(`#run-diff-b vscode-option[value="${done.id}"]`))!.startsWith(name),
        'named in the "what changed" selects',
      );
      // The filter view (Train tab) follows: the fine-tuned model's kernels, named as such, read without error.
      await page.click('#tab-train');
      await page.click('#inside-filters > summary');
      await page.evaluate(() => document.querySelector('#inside-filters')!.scrollIntoView());
      if (preset === 'article')
        await page.waitForFunction(
          () => Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads) >= 1,
        );
      else
        assert.equal(
          await page.textContent('.filters-message'),
          'This model has no Conv2D layer, so it has no filters to show.',
        );
      const modelName = preset === 'article' ? 'The article’s model' : 'Plain MLP (no convolution)';
      assert.equal(
        await page.textContent('#filters-model'),
        `Showing the model fine-tuned on your examples: ${modelName}.`,
      );
      assert.notEqual(await page.getAttribute('.filters-message', 'data-kind'), 'error');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  it('adds by keyboard, keeps what the host sends across a reload, deletes one and all through the host', async () => {
    let page = await openTrainingPanel(session);
    await page.click('#tab-examples');
    const canvas = page.locator('.examples-pad-canvas');
    const keyboardDigit = async (label: string, down: number) => {
      await canvas.focus();
      await page.keyboard.press('Space');
      for (let i = 0; i < down; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      await page.keyboard.press(label); // a digit key on the pad picks the label
      await page.locator('#examples-add').focus();
      await page.keyboard.press('Enter');
    };
    await keyboardDigit('1', 10);
    await keyboardDigit('2', 8);
    await keyboardDigit('2', 12);
    const examples = added(await outbox(page));
    assert.deepEqual(
      examples.map((e) => e.label),
      [1, 2, 2],
    );
    await sendHost(page, { type: 'examples', examples });
    assert.equal(await page.getAttribute('.examples-label[data-digit="2"]', 'data-count'), '2');
    assert.match((await page.textContent('#examples-list-title')) ?? '', /\(3\)/);

    // Delete the first with the keyboard: its delete button, Enter. The page asks the host.
    await page.locator(`button[data-delete="${examples[0].id}"]`).focus();
    await page.keyboard.press('Enter');
    const deletes = (await outbox(page)).filter((m) => m.type === 'deleteExamples');
    assert.deepEqual(deletes, [{ type: 'deleteExamples', ids: [examples[0].id] }]);
    assert.equal(await page.locator('#examples-list li[data-id]').count(), 2);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-delete')),
      examples[1].id,
      'focus stays in the list',
    );
    const kept = examples.slice(1);
    await sendHost(page, { type: 'examples', examples: kept });
    await page.close();

    // A reload: a new page, and the host sends what it keeps after `ready`.
    page = await openTrainingPanel(session);
    assert.equal(await page.locator('#examples-list li[data-id]').count(), 0);
    await sendHost(page, { type: 'examples', examples: kept });
    await page.click('#tab-examples');
    assert.deepEqual(
      await page.$$eval('#examples-list li[data-id]', (lis) =>
        lis.map((li) => (li as HTMLElement).dataset.id),
      ),
      kept.map((e) => e.id),
    );
    assert.equal(await page.getAttribute('.examples-label[data-digit="2"]', 'data-count'), '2');
    assert.equal(await page.getAttribute('.examples-label[data-digit="1"]', 'data-count'), '0');
    // What the page got drawn is what it shows: the stored pixels on the thumbnail's canvas.
    const alpha = await page.$eval('#examples-list li[data-id] canvas', (c) =>
      Array.from(
        (c as HTMLCanvasElement)
          .getContext('2d')!
          .getImageData(0, 0, 28, 28)
          .data.filter((_, i) => i % 4 === 3),
      ),
    );
    assert.deepEqual(alpha, [...Buffer.from(kept[0].pixels, 'base64')]);

    // A malformed list is dropped (and said), the shown one stays.
    await sendHost(page, { type: 'examples', examples: [{ ...kept[0], pixels: 'AAAA' }] } as never);
    assert.equal(await page.locator('#examples-list li[data-id]').count(), 2);
    const warned = (await outbox(page)).some((m) => m.type === 'log' && /example\.pixels/.test(m.message));
    assert.ok(warned, 'the page told the host it dropped the message');

    // Export asks the host; its answer is shown.
    await page.click('#examples-export');
    const request = (await outbox(page)).find((m) => m.type === 'exportExamples');
    assert.ok(request && request.type === 'exportExamples');
    await sendHost(page, {
      type: 'examplesExported',
      requestId: request.requestId,
      outcome: 'saved',
      folder: '/home/me/digits',
      files: ['my-digits-images-idx3-ubyte', 'my-digits-labels-idx1-ubyte'],
    });
    // The answer is a message event, handled after this evaluate returned: wait for it, then read it.
    await page.waitForFunction(() => document.querySelector('#examples-file-status')?.textContent);
    assert.equal(
      await page.textContent('#examples-file-status'),
      'Saved my-digits-images-idx3-ubyte, my-digits-labels-idx1-ubyte to /home/me/digits.',
    );

    // Delete all: the host asks the learner, then answers with what is left.
    await page.click('#examples-delete-all');
    assert.ok((await outbox(page)).some((m) => m.type === 'deleteAllExamples'));
    await sendHost(page, { type: 'examples', examples: [] });
    assert.equal(await page.locator('#examples-list li[data-id]').count(), 0);
    assert.equal(
      await page.textContent('#examples-list .examples-empty'),
      'No examples yet: draw one above.',
    );
    assert.equal(await page.getAttribute('#examples-delete-all', 'disabled'), '');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
