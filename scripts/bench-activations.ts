/**
 * The "activations" suite of `npm run bench`: how long after the last stroke the Try-it tab shows every layer's
 * output (src/webview/inside/activations.ts), in headless Chromium on the playground's test page
 * (test/webview/pages/playground.html: the article's model trained 2 epochs on 4,000 images by the CPU engine).
 * Each of 40 test digits is put on the pad as a finished stroke would leave it; timed from then until the
 * browser has drawn the next frame (preprocessing, the prediction, every layer, the maps painted, style and
 * layout), with the view open and, for the ratio, closed (what the playground costs without it). Then the same
 * for Keras's "Simple MNIST convnet" handed over as a tfjs model (its weights read back once, before timing).
 * The goal: within 50 ms on the article's model. Needs `node scripts/build.mjs` first; `tsx
 * scripts/bench-activations.ts` runs it alone.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { SIMPLE_CONVNET } from '../src/shared/architecture';
import type { Architecture } from '../src/shared/model';
import { repoRoot, startBrowserSession } from '../test/webview/harness';

type Row = { suite: string; [figure: string]: unknown };

const DIGITS = 40;

interface Timing {
  /** From the digit on the pad to the view painted (the synchronous part). */
  syncMs: number[];
  /** From the digit on the pad to the next frame drawn. */
  frameMs: number[];
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const round = (v: number) => Math.round(v * 100) / 100;

export async function benchActivations(): Promise<Row[]> {
  if (!existsSync(path.join(repoRoot, 'out/webview/playgrounddemo.js'))) {
    throw new Error('out/webview/playgrounddemo.js is missing: run `node scripts/build.mjs` first.');
  }
  const session = await startBrowserSession();
  const rows: Row[] = [];
  try {
    const page = await session.open('test/webview/pages/playground.html');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForFunction(() => window.playgroundDemo?.ready || window.playgroundDemo?.error, null, {
      timeout: 300_000,
      polling: 200,
    });
    const error = await page.evaluate(() => window.playgroundDemo!.error);
    if (error) throw new Error(`the playground page failed: ${error}`);
    await page.click('#tab-try');
    const time = (open: boolean, digits: number) =>
      page.evaluate(
        async ([open, digits]) => {
          const demo = window.playgroundDemo!;
          const pg = demo.playground!;
          const view = pg.inside;
          view.element.open = open;
          await new Promise((r) => setTimeout(r, 50));
          await view.refresh();
          const test = demo.data!.test;
          const out = { syncMs: [] as number[], frameMs: [] as number[] };
          // Two untimed digits first: the first paint sizes the canvases, JIT warms up.
          for (let i = -2; i < digits; i++) {
            const n = (i + 2) * 97;
            const bytes = test.images.subarray(n * 784, (n + 1) * 784);
            const started = performance.now();
            pg.pad.showDigit(bytes);
            const painted = performance.now();
            await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
            if (i < 0) continue;
            if (open && !view.lastOutputs) throw new Error('the view painted nothing');
            out.syncMs.push(painted - started);
            out.frameMs.push(performance.now() - started);
          }
          return out;
        },
        [open, digits] as [boolean, number],
      );
    const measure = async (model: string) => {
      const off = await time(false, DIGITS);
      const on = await time(true, DIGITS);
      const offMedian = quantile(off.frameMs, 0.5);
      for (const [note, t] of [
        ['activations view open', on],
        ['activations view closed', off],
      ] as [string, Timing][]) {
        rows.push({
          suite: 'activations',
          model,
          note,
          'median ms to frame': round(quantile(t.frameMs, 0.5)),
          'p95 ms to frame': round(quantile(t.frameMs, 0.95)),
          'max ms to frame': round(Math.max(...t.frameMs)),
          'median ms painted': round(quantile(t.syncMs, 0.5)),
          'vs closed': `${(quantile(t.frameMs, 0.5) / offMedian).toFixed(2)}×`,
          digits: DIGITS,
        });
      }
    };
    await measure("article's model");
    await page.evaluate(
      (arch) => window.playgroundDemo!.useRun!(arch as Architecture, 1).then(() => undefined),
      SIMPLE_CONVNET,
    );
    await measure('Simple MNIST convnet');
    if (page.errors.length) throw new Error(`the page reported errors: ${page.errors.join('; ')}`);
  } finally {
    await session.close();
  }
  return rows;
}

if (require.main === module) {
  benchActivations().then(
    (rows) => console.table(rows.map(({ suite: _suite, ...rest }) => rest)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
