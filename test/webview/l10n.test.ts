/**
 * Every page in Chinese, as a zh-cn VS Code shows it: the training panel (with its charts, "Try it" and
 * "Evaluate" tabs, after a real one-epoch run) and the TensorBoard-logs page, given the strings the host
 * sends (`vscode.l10n.t` over l10n/bundle.l10n.zh-cn.json: src/extension/training/strings.ts itself runs here, with a
 * `vscode` whose l10n reads that bundle). Fails on any visible English word (text, placeholder, tooltip,
 * accessible name, option) outside the names that stay as they are. Code (`pre`, `code`) is code and stays.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { postAsHost, repoRoot, startBrowserSession, type BrowserSession } from './harness';

const bundle = JSON.parse(readFileSync(path.join(repoRoot, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<
  string,
  string
>;
const l10nT = (english: string): string => bundle[english] ?? english;

/**
 * A host string module (`src/extension/training/strings`, `src/extension/tensorboard/strings`) run as the host runs it, with a
 * `vscode` whose `l10n.t` reads the zh-cn bundle, and its `translatedStrings()`.
 */
function hostStrings<T>(load: () => { translatedStrings(): T }): T {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request, ...rest) =>
    request === 'vscode' ? { l10n: { t: l10nT } } : original(request, ...rest);
  try {
    return load().translatedStrings();
  } finally {
    loader._load = original;
  }
}

/* eslint-disable @typescript-eslint/no-require-imports */
const trainingPanelStrings = () =>
  hostStrings(
    () =>
      require('../../src/extension/training/strings') as typeof import('../../src/extension/training/strings'),
  );
const tensorBoardStrings = () =>
  hostStrings(
    () =>
      require('../../src/extension/tensorboard/strings') as typeof import('../../src/extension/tensorboard/strings'),
  );
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Names that stay in English in the Chinese UI: products, libraries (tfjs is TensorFlow.js's package), formats,
 * hardware, Keras's layer and optimizer names and its `None` batch dimension.
 */
const NAMES = new Set([
  'AI',
  'Onramp',
  'MNIST',
  'Adam',
  'SGD',
  'RMSprop',
  'Keras',
  'PyTorch',
  'TensorFlow',
  'js',
  'TensorBoard',
  'NumPy',
  'Python',
  'tfjs',
  'WebGL',
  'WebGPU',
  'WebAssembly',
  'WASM',
  'CPU',
  'GPU',
  'CSV',
  'JSON',
  'IDX',
  'PNG',
  'SVG',
  'NaN',
  'Conv2D',
  'MaxPooling2D',
  'Flatten',
  'Dropout',
  'Dense',
  'None',
  'ReLU',
  'softmax',
  // Keras's argument values in the model editor's options, spelled as the Keras code beside them spells them.
  'valid',
  'same',
  'linear',
  // A key as its keycap reads.
  'Delete',
]);

/** Every Latin word a user can see or hear on the page, with where it is. */
async function visibleEnglish(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    const skip = 'script, style, pre, code, template';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
      if (node.textContent?.trim()) out.push(`${parent.tagName.toLowerCase()}: ${node.textContent.trim()}`);
    }
    for (const e of Array.from(document.querySelectorAll('[placeholder], [title], [aria-label]'))) {
      if (e.closest(skip) || !e.checkVisibility()) continue;
      for (const name of ['placeholder', 'title', 'aria-label']) {
        const value = e.getAttribute(name);
        if (value) out.push(`${e.tagName.toLowerCase()}[${name}]: ${value}`);
      }
    }
    for (const option of Array.from(document.querySelectorAll('option, vscode-option'))) {
      const select = option.closest('select, vscode-single-select');
      if (select?.checkVisibility()) out.push(`option: ${option.textContent?.trim()}`);
    }
    return out;
  });
  const found: string[] = [];
  for (const text of texts) {
    // File names (model.json, load_weights.py, MNIST's my-digits-images-idx3-ubyte) are names too.
    const words =
      text
        .slice(text.indexOf(': ') + 2)
        .replace(/[\w-]+(\.[\w-]+)*\.(json|bin|npz|py|js)\b/g, '')
        .replace(/[\w-]+-idx[13]-ubyte\b/g, '')
        .match(/[A-Za-z][A-Za-z0-9]*/g) ?? [];
    const english = words.filter((w) => w.length > 1 && !NAMES.has(w));
    if (english.length > 0) found.push(`${text}  ← ${english.join(', ')}`);
  }
  return [...new Set(found)];
}

function trainingPage(strings: Record<string, string>): string {
  const html = readFileSync(path.join(repoRoot, 'test/webview/pages/training.html'), 'utf8');
  const config = /<script type="application\/json" id="ai-onramp-config">([\s\S]*?)<\/script>/.exec(html)!;
  const parsed = JSON.parse(config[1]) as { hyperparameters: Record<string, unknown>; strings: unknown };
  // One short epoch is enough to bring up every status line, chart and the playground's model.
  parsed.hyperparameters = { ...parsed.hyperparameters, epochs: 1, batchSize: 128, backend: 'onramp-cpu' };
  parsed.strings = strings;
  return html
    .replace('<html lang="en">', '<html lang="zh-cn">')
    .replace(config[1], JSON.stringify(parsed).replace(/</g, '\\u003c'));
}

function tensorBoardPage(): string {
  const strings = tensorBoardStrings();
  return `<!doctype html>
<html lang="zh-cn">
<head>
<meta charset="utf-8">
<title>TensorBoard logs (zh-cn test page)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dist/codicons/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/dist/webview/tensorboard.css">
<script type="application/json" id="tb-strings">${JSON.stringify(strings).replace(/</g, '\\u003c')}</script>
</head>
<body>
<main id="app"></main>
<script src="/dist/webview/tensorboard.js"></script>
</body>
</html>`;
}

/**
 * Opens a page with Chromium's locale set to zh-CN before any of its scripts run: a zh-cn VS Code starts its
 * webviews in that locale, so times and numbers read the Chinese way.
 */
async function openInChinese(session: BrowserSession, urlPath: string): Promise<Page & { errors: string[] }> {
  const page = (await session.context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  const cdp = await session.context.newCDPSession(page);
  await cdp.send('Emulation.setLocaleOverride', { locale: 'zh-CN' });
  await page.goto(`${session.server.origin}${urlPath}`);
  return page;
}

const TRAINING = '/test/webview/pages/training.zh-cn.html';
const TENSORBOARD = '/test/webview/pages/tensorboard.zh-cn.html';

describe('every page in Chinese (zh-cn)', function () {
  this.timeout(600_000);
  let session: BrowserSession;
  before(async () => {
    session = await startBrowserSession({
      overrides: new Map([
        [TRAINING, trainingPage(trainingPanelStrings())],
        [TENSORBOARD, tensorBoardPage()],
      ]),
    });
  });
  after(async () => {
    await session?.close();
  });

  it('the training panel, its charts, "Try it", "Evaluate" and "Your examples" show no English outside names', async () => {
    const page = await openInChinese(session, TRAINING);
    await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'ready'), null, {
      timeout: 120_000,
    });
    const seen: string[] = [];
    const look = async (where: string) =>
      seen.push(...(await visibleEnglish(page)).map((s) => `${where} ${s}`));
    await page.click('#inside-filters > summary');
    await look('before training:');
    await page.click('#train');
    await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'runFinished'), null, {
      timeout: 540_000,
      polling: 500,
    });
    await look('after a run:');
    await page.click('#tab-try');
    await page.click('#playground-sample');
    await page.waitForFunction(() => !!document.querySelector('#playground-verdict')?.textContent);
    await look('Try it:');
    await page.click('#inside-activations > summary');
    await page.locator('.inside-map[data-layer="0"][data-channel="0"]').focus();
    await page.waitForSelector('.inside-detail .inside-cell');
    await look('Try it, look inside:');
    await page.click('#tab-evaluate');
    await page.click('#playground-evaluate');
    await page.waitForSelector('.playground-confusion button[data-true]', { timeout: 300_000 });
    await page.click('.playground-confusion button[data-true="0"][data-predicted="0"]');
    await look('Evaluate:');
    await page.click('#tab-examples');
    // Two examples as the host sends them: the list, its counters and how the model reads them.
    await page.evaluate(() => {
      const pixels = btoa(
        String.fromCharCode(...Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 ? 255 : 0))),
      );
      const examples = [0, 1].map((i) => ({ id: `ex-${i}`, label: 1 + i * 6, pixels, addedAt: 1 }));
      window.postMessage({ type: 'examples', examples }, '*');
    });
    await page.waitForSelector('#examples-per-class table');
    await look('Your examples:');
    const english = [...new Set(seen)];
    assert.equal(english.length, 0, `English left in the Chinese training panel:\n${english.join('\n')}`);
    assert.deepEqual(page.errors, []);
  });

  it('the TensorBoard-logs page and its charts show no English outside names', async () => {
    const page = await openInChinese(session, TENSORBOARD);
    await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'ready'));
    const points = (base: number) =>
      Array.from({ length: 20 }, (_, i) => ({ step: i, wallTime: 1_700_000_000 + i, value: base / (i + 1) }));
    const messages = [
      {
        type: 'runs',
        folder: '日志',
        runs: [
          { name: '实验一', tags: ['损失', '准确率'] },
          { name: '实验二', tags: ['损失'] },
          // A training-panel run as the host sends it (src/shared/tensorboard/panelRuns.ts), with the log's tag names.
          {
            name: '/ai-onramp-panel/run-a',
            tags: [],
            source: 'panel',
            label: '2026-12-01 09:05:07',
            hparams: {
              epochs: 5,
              batch_size: 64,
              learning_rate: 0.003,
              schedule: 'cosine',
              optimizer: 'adam',
              backend: 'onramp-cpu',
              train_samples: 54000,
            },
            metrics: { test_accuracy: 0.98, test_loss: 0.05 },
          },
          {
            name: '/ai-onramp-panel/run-a/train',
            tags: ['损失'],
            source: 'panel',
            label: '2026-12-01 09:05:07',
          },
          {
            name: '/ai-onramp-panel/run-a/validation',
            tags: ['损失'],
            source: 'panel',
            label: '2026-12-01 09:05:07',
          },
        ],
      },
      { type: 'points', run: '/ai-onramp-panel/run-a/train', tag: '损失', points: points(1.5) },
      { type: 'points', run: '/ai-onramp-panel/run-a/validation', tag: '损失', points: points(1.6) },
      { type: 'points', run: '实验一', tag: '损失', points: points(2) },
      { type: 'points', run: '实验一', tag: '准确率', points: points(0.5) },
      { type: 'points', run: '实验二', tag: '损失', points: points(3) },
    ];
    await postAsHost(page, ...messages);
    await page.waitForSelector('canvas');
    await page.waitForTimeout(500);
    const seen: string[] = [];
    const look = async (where: string) =>
      seen.push(...(await visibleEnglish(page)).map((s) => `${where} ${s}`));
    await page.waitForSelector('.tb-hparams table');
    await look('charts:');
    // The tooltip of a point, the download menu, and the message for a run filter that is not a regex.
    const card = page.locator('.onramp-chart-card').first();
    const box = (await card.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await card.locator('.onramp-chart-tooltip').waitFor({ state: 'visible' });
    await look('tooltip:');
    await card.locator('.onramp-chart-download').click();
    await card.locator('.onramp-chart-menu').waitFor({ state: 'visible' });
    await look('download menu:');
    await page.keyboard.press('Escape');
    await page.fill('.onramp-charts-filter', '(');
    await page.locator('.onramp-charts-error').waitFor({ state: 'visible' });
    await look('bad filter:');
    const english = [...new Set(seen)];
    assert.equal(
      english.length,
      0,
      `English left in the Chinese TensorBoard-logs page:\n${english.join('\n')}`,
    );
    assert.deepEqual(page.errors, []);
  });
});
