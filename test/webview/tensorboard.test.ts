/**
 * The TensorBoard-logs page (src/webview/tensorboard/main.ts, built to dist/webview/tensorboard.js) in
 * real Chromium, fed host messages as the viewer sends them: an empty folder explained, a Keras
 * train/validation pair drawn as one run, and a series replaced after a restart.
 */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { postAsHost, startBrowserSession, type BrowserSession } from './harness';
import type { FolderStatus, HostMessage, WebviewMessage } from '../../src/shared/protocol/tensorboard';
import { encodePoints } from '../../src/shared/protocol/tensorboard';
import { panelRunLogs } from '../../src/shared/tensorboard/panelRuns';
import type { RunRecord } from '../../src/shared/protocol/training';

const EMPTY_STATUS: FolderStatus = {
  folders: 3,
  eventFiles: 0,
  skippedLinks: 0,
  bytes: 0,
  bytesRead: 0,
  points: 0,
  otherTags: [],
  otherRecords: {},
};

async function send(page: Page, ...messages: HostMessage[]): Promise<void> {
  await postAsHost(page, ...messages);
}

async function outbox(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(
    // The outbox holds every page's messages; this page sends only the TensorBoard protocol's.
    () => (window.aiOnrampOutbox ?? []) as WebviewMessage[],
  );
}

const points = (n: number, value: (step: number) => number) =>
  Array.from({ length: n }, (_, step) => ({ step, wallTime: 1700000000 + step, value: value(step) }));

describe('TensorBoard logs page in Chromium', function () {
  this.timeout(60_000);
  let session: BrowserSession;
  let page: Page & { errors: string[] };

  before(async () => {
    session = await startBrowserSession();
  });

  after(async () => {
    await session?.close();
  });

  beforeEach(async () => {
    page = await session.open('test/webview/pages/tensorboard.html');
    await page.waitForFunction(() => (window.aiOnrampOutbox ?? []).some((m) => m.type === 'ready'));
  });

  afterEach(async () => {
    const errors = page.errors.filter((e) => !/favicon|404 \(Not Found\)/.test(e));
    await page.close();
    assert.deepEqual(errors, [], 'console errors on the page');
  });

  it('explains a folder with no event files, and one whose files hold no scalars', async () => {
    await send(page, { type: 'runs', folder: 'logs', runs: [] }, { type: 'status', status: EMPTY_STATUS });
    const explanation = page.locator('.tb-explanation');
    await explanation.waitFor({ state: 'visible' });
    const text = await explanation.innerText();
    assert.match(text, /Why nothing is drawn/);
    assert.match(
      text,
      /No event files here: 3 folders searched \(8 levels deep\) for files whose name contains “tfevents”/,
    );
    assert.match(text, /keras\.callbacks\.TensorBoard\(log_dir=…\)/);
    assert.equal(await page.locator('.tb-waiting').isVisible(), false);

    await send(page, {
      type: 'status',
      status: {
        ...EMPTY_STATUS,
        eventFiles: 2,
        bytes: 5000,
        bytesRead: 5000,
        otherTags: [{ plugin: 'histograms', count: 30, examples: ['dense/kernel_0', 'dense/bias_0'] }],
        otherRecords: { file_version: 2, graph: 1 },
      },
    });
    await page.waitForFunction(() =>
      /hold no scalars/.test(document.querySelector('.tb-explanation')?.textContent ?? ''),
    );
    const second = await explanation.innerText();
    assert.match(second, /2 event files \(4\.9 KB\) hold no scalars yet/);
    assert.match(second, /histograms: 30 tags \(dense\/kernel_0, dense\/bias_0\)/);
    assert.match(second, /Other records: file_version 2, graph 1/);
    assert.doesNotMatch(second, /only their first record/, 'not said when histograms were written');
  });

  it('draws Keras train/ and validation/ as one run with two lines in one card', async () => {
    await send(
      page,
      {
        type: 'runs',
        folder: 'logs/fit',
        runs: [
          { name: '20240101-120000/train', tags: ['epoch_loss'] },
          { name: '20240101-120000/validation', tags: ['epoch_loss', 'evaluation_loss_vs_iterations'] },
        ],
      },
      {
        type: 'points',
        run: '20240101-120000/train',
        tag: 'epoch_loss',
        points: points(5, (s) => 1 / (s + 1)),
      },
      {
        type: 'points',
        run: '20240101-120000/validation',
        tag: 'epoch_loss',
        points: points(5, (s) => 1.2 / (s + 1)),
      },
    );
    await page.waitForFunction(
      () =>
        document
          .querySelector('.onramp-chart-card[data-tag="epoch_loss"] .onramp-chart-plot')
          ?.getAttribute('data-lines') === '2',
    );
    assert.deepEqual(
      await page
        .locator('.onramp-chart-card')
        .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.tag)),
      ['epoch_loss', 'evaluation_loss_vs_iterations'],
    );
    assert.deepEqual(await page.locator('.onramp-charts-run .onramp-charts-runname').allInnerTexts(), [
      '20240101-120000',
    ]);
    assert.equal(await page.locator('.tb-explanation').isVisible(), false);
    await page.waitForFunction(
      () => (window.aiOnrampOutbox ?? []).filter((m) => m.type === 'shown').length >= 2,
    );
    const shown = (await outbox(page)).filter((m) => m.type === 'shown');
    assert.deepEqual(
      shown.map((m) => m.type === 'shown' && [m.run, m.count, m.chartRun, m.card, m.series]),
      [
        ['20240101-120000/train', 5, '20240101-120000', 'epoch_loss', 'train'],
        ['20240101-120000/validation', 5, '20240101-120000', 'epoch_loss', 'validation'],
      ],
    );
  });

  it('draws training-panel runs beside a Keras run, hides one on request, and lists them in the runs table', async () => {
    // Two panel runs of 2 epochs, 2 batches each (64 images, batches of 32), as the host maps them.
    const panelRun = (id: string, learningRate: number, schedule: 'cosine' | 'constant', valLoss: number) => {
      const c = (values: number[], steps: number[]) =>
        steps.map((step, i) => ({ step, wallTime: 1700000000 + step, value: values[i] }));
      const run: RunRecord = {
        id,
        startedAt: new Date(2026, 11, 1, 9, 5, id === 'run-a' ? 7 : 9).getTime(),
        durationMs: 1000,
        status: 'completed',
        hyperparameters: {
          epochs: 2,
          batchSize: 32,
          learningRate,
          schedule,
          optimizer: 'adam',
          backend: 'auto',
        },
        backend: 'onramp-cpu',
        trainSamples: 64,
        testSamples: 50,
        epochsCompleted: 2,
        samplesPerSec: 500,
        testAccuracy: 0.9,
        testLoss: 0.3,
        curves: {
          trainLoss: c([1, 0.8, 0.6, 0.5], [1, 2, 3, 4]),
          trainAccuracy: c([0.5, 0.6, 0.7, 0.8], [1, 2, 3, 4]),
          valLoss: c([valLoss + 0.2, valLoss], [2, 4]),
          valAccuracy: c([0.7, 0.8], [2, 4]),
        },
        memory: [],
      };
      return panelRunLogs(run, `2026-12-01 09:05:0${id === 'run-a' ? 7 : 9}`);
    };
    const panelRuns = [panelRun('run-a', 0.003, 'cosine', 0.5), panelRun('run-b', 0.001, 'constant', 0.4)];
    await send(
      page,
      {
        type: 'runs',
        folder: 'logs',
        runs: [
          { name: '20240101-120000/train', tags: ['epoch_loss'] },
          { name: '20240101-120000/validation', tags: ['epoch_loss'] },
          ...panelRuns.flatMap((r) => r.runs),
        ],
      },
      {
        type: 'points',
        run: '20240101-120000/train',
        tag: 'epoch_loss',
        points: points(2, (s) => 1 / (s + 1)),
      },
      {
        type: 'points',
        run: '20240101-120000/validation',
        tag: 'epoch_loss',
        points: points(2, (s) => 1.2 / (s + 1)),
      },
      ...panelRuns.flatMap((r) =>
        r.series.map((s): HostMessage => ({
          type: 'points',
          run: s.run,
          tag: s.tag,
          points: encodePoints(s.points),
          replace: true,
        })),
      ),
    );
    const lines = () =>
      page.evaluate(() =>
        document
          .querySelector('.onramp-chart-card[data-tag="epoch_loss"] .onramp-chart-plot')
          ?.getAttribute('data-lines'),
      );
    // Three runs, each a train and a validation line, in the one epoch_loss card.
    await page.waitForFunction(
      () =>
        document
          .querySelector('.onramp-chart-card[data-tag="epoch_loss"] .onramp-chart-plot')
          ?.getAttribute('data-lines') === '6',
    );
    assert.deepEqual(await page.locator('.onramp-charts-run .onramp-charts-runname').allInnerTexts(), [
      '20240101-120000',
      'AI Onramp panel: 2026-12-01 09:05:07',
      'AI Onramp panel: 2026-12-01 09:05:09',
    ]);
    // The folder's own runs are counted; the panel's are not the folder's.
    assert.match(await page.locator('.tb-meta').nth(1).innerText(), /^2 runs, 1 tags$/);
    await page.getByLabel('AI Onramp panel: 2026-12-01 09:05:07', { exact: false }).first().uncheck();
    await page.waitForFunction(
      () =>
        document
          .querySelector('.onramp-chart-card[data-tag="epoch_loss"] .onramp-chart-plot')
          ?.getAttribute('data-lines') === '4',
    );
    assert.equal(await lines(), '4');

    await page.waitForFunction(() => document.querySelectorAll('.tb-hparams tbody tr').length === 2);
    const rows = async () =>
      page
        .locator('.tb-hparams table tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    await page.getByLabel('Only hyperparameters that differ').check();
    assert.deepEqual(await rows(), [
      [
        'Run',
        'Learning rate',
        'Learning-rate schedule',
        'epoch_accuracy',
        'epoch_accuracy (validation)',
        'epoch_loss',
        'epoch_loss (validation)',
        'Test accuracy',
        'Test loss',
      ],
      [
        'AI Onramp panel: 2026-12-01 09:05:07',
        '0.003',
        'Cosine decay',
        '0.75',
        '0.8',
        '0.55',
        '0.5',
        '0.9',
        '0.3',
      ],
      [
        'AI Onramp panel: 2026-12-01 09:05:09 ★ best',
        '0.001',
        'Constant',
        '0.75',
        '0.8',
        '0.55',
        '0.4',
        '0.9',
        '0.3',
      ],
    ]);
    await page.getByLabel('Only hyperparameters that differ').uncheck();
    const all = await rows();
    assert.deepEqual(all[0].slice(0, 9), [
      'Run',
      'Backend',
      'Batch size',
      'Epochs',
      'Learning rate',
      'Model',
      'Optimizer',
      'Learning-rate schedule',
      'Training images',
    ]);
    // Runs from before the model editor trained the article's model, named by its layers.
    assert.deepEqual(all[1].slice(1, 9), [
      'AI Onramp CPU',
      '32',
      '2',
      '0.003',
      'Conv2D 32 · MaxPool · Flatten · Dense 10',
      'Adam',
      'Cosine decay',
      '64',
    ]);
  });

  it('explains an empty folder while the panel runs are drawn', async () => {
    const logs = panelRunLogs(
      {
        id: 'run-a',
        startedAt: 0,
        durationMs: 0,
        status: 'completed',
        hyperparameters: {
          epochs: 1,
          batchSize: 32,
          learningRate: 0.003,
          schedule: 'cosine',
          optimizer: 'adam',
          backend: 'auto',
        },
        backend: 'wasm',
        trainSamples: 32,
        testSamples: 10,
        epochsCompleted: 1,
        samplesPerSec: 1,
        curves: {
          trainLoss: [{ step: 1, wallTime: 1, value: 1 }],
          trainAccuracy: [{ step: 1, wallTime: 1, value: 0.5 }],
          valLoss: [{ step: 1, wallTime: 1, value: 1 }],
          valAccuracy: [{ step: 1, wallTime: 1, value: 0.5 }],
        },
        memory: [],
      },
      'x',
    );
    await send(
      page,
      { type: 'runs', folder: 'logs', runs: logs.runs },
      { type: 'status', status: EMPTY_STATUS },
    );
    await page.locator('.tb-explanation').waitFor({ state: 'visible' });
    assert.match(await page.locator('.tb-explanation').innerText(), /No event files here/);
  });

  it('replaces a series when the host sends it again after a restart', async () => {
    await send(
      page,
      { type: 'runs', folder: 'runs', runs: [{ name: 'exp', tags: ['loss'] }] },
      { type: 'points', run: 'exp', tag: 'loss', points: points(10, (s) => s) },
    );
    await page.waitForFunction(() =>
      (window.aiOnrampOutbox ?? []).some((m) => m.type === 'shown' && m.count === 10),
    );
    await send(page, {
      type: 'points',
      run: 'exp',
      tag: 'loss',
      points: points(4, (s) => -s),
      replace: true,
    });
    await page.waitForFunction(() =>
      (window.aiOnrampOutbox ?? []).some((m) => m.type === 'shown' && m.count === 4),
    );
    const xMax = await page
      .locator('.onramp-chart-card[data-tag="loss"] .onramp-chart-plot')
      .getAttribute('data-x-max');
    assert.ok(Number(xMax) < 9, `the x axis ends at ${xMax}, not at the dropped step 9`);
  });

  it('lists runs with hyperparameters and final metrics, hides equal ones on request, marks the best', async () => {
    const sessions = [
      { name: 'Exp 0', hparams: { units: 200, dropout: 0.2, optimizer: 'adam' }, loss: 0.31, accuracy: 0.95 },
      { name: 'Exp 1', hparams: { units: 300, dropout: 0.2, optimizer: 'sgd' }, loss: 0.12, accuracy: 0.97 },
      { name: 'Exp 2', hparams: { units: 512, dropout: 0.2, optimizer: 'adam' }, loss: 0.2, accuracy: 0.98 },
    ];
    await send(
      page,
      {
        type: 'runs',
        folder: 'hparam_tuning',
        runs: sessions.flatMap((e) => [
          { name: e.name, tags: ['accuracy'], hparams: e.hparams },
          { name: `${e.name}/validation`, tags: ['epoch_loss'] },
        ]),
      },
      ...sessions.flatMap((e): HostMessage[] => [
        {
          type: 'points',
          run: e.name,
          tag: 'accuracy',
          points: points(3, (st) => e.accuracy - (2 - st) / 100),
        },
        {
          type: 'points',
          run: `${e.name}/validation`,
          tag: 'epoch_loss',
          points: points(3, (st) => e.loss + (2 - st) / 10),
        },
      ]),
    );
    const table = page.locator('.tb-hparams table');
    await page.waitForFunction(() => document.querySelectorAll('.tb-hparams tbody tr').length === 3);
    const rows = async () =>
      table
        .locator('tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    await page.waitForFunction(
      () => (document.querySelector('.tb-hparams tbody tr')?.children.length ?? 0) === 6,
    );
    assert.deepEqual(await rows(), [
      ['Run', 'dropout', 'optimizer', 'units', 'accuracy', 'epoch_loss (validation)'],
      ['Exp 0', '0.2', 'adam', '200', '0.95', '0.31'],
      ['Exp 1 ★ best', '0.2', 'sgd', '300', '0.97', '0.12'],
      ['Exp 2', '0.2', 'adam', '512', '0.98', '0.2'],
    ]);
    await page.getByLabel('Only hyperparameters that differ').check();
    assert.deepEqual((await rows())[0], ['Run', 'optimizer', 'units', 'accuracy', 'epoch_loss (validation)']);
    await page.getByLabel('Best run by').selectOption('accuracy');
    assert.deepEqual(
      await page
        .locator('.tb-hparams tr.tb-best')
        .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.run)),
      ['Exp 2'],
    );
  });

  it('saves a chart as SVG and PNG with its title, axes and a legend of the runs', async () => {
    await send(
      page,
      {
        type: 'runs',
        folder: 'logs',
        runs: [
          { name: 'r/train', tags: ['epoch_loss'] },
          { name: 'r/validation', tags: ['epoch_loss'] },
        ],
      },
      { type: 'points', run: 'r/train', tag: 'epoch_loss', points: points(20, (st) => 1 / (st + 1)) },
      { type: 'points', run: 'r/validation', tag: 'epoch_loss', points: points(20, (st) => 1.2 / (st + 1)) },
    );
    const card = page.locator('.onramp-chart-card[data-tag="epoch_loss"]');
    await page.waitForFunction(
      () =>
        document
          .querySelector('.onramp-chart-card[data-tag="epoch_loss"] .onramp-chart-plot')
          ?.getAttribute('data-lines') === '2',
    );
    for (const format of ['svg', 'png'] as const) {
      await card.getByRole('button', { name: 'Download data' }).click();
      await card.locator(`.onramp-chart-menuitem[data-format="${format}"]`).click();
    }
    const exports = (await outbox(page)).filter((m) => m.type === 'saveFile');
    assert.deepEqual(
      exports.map((m) => m.type === 'saveFile' && [m.filename, m.mime, m.encoding]),
      [
        ['epoch_loss.svg', 'image/svg+xml', 'utf8'],
        ['epoch_loss.png', 'image/png', 'base64'],
      ],
    );
    const svg = exports[0].type === 'saveFile' ? exports[0].content : '';
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, />epoch_loss<\/text>/, 'the title');
    assert.match(svg, />r train<\/text>/, 'the legend names the train line');
    assert.match(svg, />r validation<\/text>/, 'and the validation line');
    assert.ok((svg.match(/<path d="M/g) ?? []).length >= 4, 'raw and smoothed line of each series');
    assert.ok((svg.match(/text-anchor="end"/g) ?? []).length >= 2, 'y-axis tick labels');
    assert.match(svg, /stroke-dasharray/, 'validation dashed');
    // The SVG parses as XML.
    const parsed = await page.evaluate(
      (text) => new DOMParser().parseFromString(text, 'image/svg+xml').querySelector('parsererror') === null,
      svg,
    );
    assert.ok(parsed, 'well-formed SVG');
    const png = exports[1].type === 'saveFile' ? exports[1].content : '';
    assert.ok(Buffer.from(png, 'base64').subarray(1, 4).toString() === 'PNG', 'a PNG file');
  });
});
