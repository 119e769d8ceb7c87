/**
 * The README's pictures of the training panel's model editor and of its "What changed between two runs" view:
 * the panel's real page (the built dist/ bundles, as the webview tests serve it) in Debian's Chromium, in a
 * subset of VS Code's Dark Modern theme. The editor is built through its controls as a learner would; the two
 * runs compared are given as the host's history gives them (their curves play no part in the view).
 * Run: npm run build && npx tsx scripts/screenshots.ts  (writes docs/images/model-editor.png and run-diff.png)
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, startBrowserSession } from '../test/webview/harness';
import { choose } from '../test/webview/trainingPage';
import { SIMPLE_CONVNET } from '../src/shared/architecture';
import { ARTICLE_MODEL, OUTPUT_LAYER, type Architecture, type Layer } from '../src/shared/model';
import type { HostMessage, RunRecord } from '../src/shared/protocol/training';
import { sampleRun } from '../test/unit/runRecordFixture';

const PAGE = '/test/webview/pages/training.screenshot.html';

/**
 * VS Code's Dark Modern colours: the subset the test pages use (test/webview/pages/playground-theme.css), and
 * what the editor and "What changed" read besides.
 */
const THEME = `body {
  --vscode-editor-font-family: 'DejaVu Sans Mono', monospace;
  --vscode-editor-font-size: 13px;
  --vscode-dropdown-background: #313131;
  --vscode-dropdown-border: #3c3c3c;
  --vscode-checkbox-background: #313131;
  --vscode-checkbox-border: #3c3c3c;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-gitDecoration-addedResourceForeground: #81b88b;
  --vscode-gitDecoration-deletedResourceForeground: #c74e39;
  --vscode-gitDecoration-modifiedResourceForeground: #e2c08d;
  --vscode-diffEditor-insertedTextBackground: #9ccc2c33;
  background: var(--vscode-editor-background);
  color: var(--vscode-foreground);
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size);
}`;

function page(): string {
  const html = readFileSync(path.join(repoRoot, 'test/webview/pages/training.html'), 'utf8');
  return html.replace(
    '</head>',
    `<link rel="stylesheet" href="/test/webview/pages/playground-theme.css" /><style nonce="test">${THEME}</style></head>`,
  );
}

/** A finished five-epoch run as the host's history holds it (the unit tests' sample run, with its model). */
const run = (id: string, startedAt: number, architecture: Architecture, learningRate: number): RunRecord =>
  sampleRun({
    id,
    startedAt,
    hyperparameters: { ...sampleRun().hyperparameters, epochs: 5, learningRate, backend: 'auto' },
    backend: 'onramp-cpu',
    trainSamples: 55_000,
    architecture: JSON.parse(JSON.stringify(architecture)) as Architecture,
    seed: 1,
  });

/** What the editor holds once main() has edited it: the Simple convnet, 16 filters first, a Dense 64 added. */
const EDITED: Architecture = {
  layers: [
    { ...SIMPLE_CONVNET.layers[0], filters: 16 } as Layer,
    ...SIMPLE_CONVNET.layers.slice(1, -1),
    { kind: 'dense', units: 64, activation: 'relu' },
    OUTPUT_LAYER,
  ],
};

async function typeInto(p: Page, selector: string, text: string): Promise<void> {
  const input = p.locator(`${selector} input`);
  await input.fill('');
  await input.pressSequentially(text);
}

/** A picture of `selector` as wide as its content, with a margin of the page's background around it. */
async function shoot(p: Page, selector: string, file: string): Promise<void> {
  const box = await p.evaluate((s) => {
    const root = document.querySelector(s)!;
    const r = root.getBoundingClientRect();
    let right = r.left;
    // What is drawn: text, and the controls (custom elements, which draw in their shadow roots). A block
    // spans the page's width whatever it holds, so blocks themselves do not count.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      range.selectNodeContents(n);
      right = Math.max(right, range.getBoundingClientRect().right);
    }
    for (const e of Array.from(root.querySelectorAll('*')))
      if (e.tagName.includes('-')) right = Math.max(right, e.getBoundingClientRect().right);
    return { x: r.left, y: r.top + window.scrollY, width: right - r.left, height: r.height };
  }, selector);
  const margin = 16;
  await p.screenshot({
    path: path.join(repoRoot, 'docs/images', file),
    fullPage: true,
    clip: {
      x: Math.max(0, box.x - margin),
      y: Math.max(0, box.y - margin),
      width: box.width + 2 * margin,
      height: box.height + 2 * margin,
    },
  });
}

async function main(): Promise<void> {
  const session = await startBrowserSession({ overrides: new Map([[PAGE, page()]]) });
  try {
    const p = await session.open(PAGE);
    await p.setViewportSize({ width: 1200, height: 1400 });
    await p.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'ready'), null, {
      timeout: 120_000,
    });
    // The editor: Keras's Simple convnet, its first convolution cut to 16 filters and a hidden Dense added.
    await choose(p, '#model-preset', 'simpleConvnet');
    await typeInto(p, '#layer-0-filters', '16');
    await choose(p, '#add-layer-kind', 'dense');
    await p.click('#add-layer');
    await typeInto(p, '#layer-6-units', '64');
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await p.mouse.move(0, 0);
    await shoot(p, 'section.model', 'model-editor.png');
    // "What changed": the article's model against the edited one, trained with another learning rate.
    const start = new Date(2026, 11, 1, 9, 30).getTime();
    const history: HostMessage = {
      type: 'history',
      runs: [
        run('run-article', start, ARTICLE_MODEL, 0.003),
        run('run-edited', start + 300_000, EDITED, 0.001),
      ],
    };
    await p.evaluate((m) => window.postMessage(m, '*'), history);
    await p.waitForFunction(() => document.querySelector('#run-diff')?.getAttribute('data-runs') === '2');
    await shoot(p, '#run-diff', 'run-diff.png');
    if (p.errors.length > 0) throw new Error(`the page reported errors: ${p.errors.join('\n')}`);
  } finally {
    await session.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
