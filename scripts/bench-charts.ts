/**
 * Bench of the charts in headless Chromium (test/webview/pages/charts.html, the chartsdemo bundle): 100,000
 * training points and 100 validation points in one card; the median of 15 runs of smoothing them, of a smoothing change redrawn, of a live frame
 * (100 points appended, redrawn) and of a tooltip lookup. The frame budget is 16 ms.
 * Needs `node scripts/build.mjs` first; `tsx scripts/bench-charts.ts` runs it alone.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, startBrowserSession } from '../test/webview/harness';

export interface Row {
  suite: string;
  name: string;
  [figure: string]: string | number;
}

export async function benchCharts(): Promise<Row[]> {
  if (!existsSync(path.join(repoRoot, 'out/webview/chartsdemo.js'))) {
    throw new Error('out/webview/chartsdemo.js is missing: run `node scripts/build.mjs` first.');
  }
  const session = await startBrowserSession();
  try {
    const page = await session.open('test/webview/pages/charts.html');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const figures = await page.evaluate(() =>
      (
        window as unknown as {
          chartsDemo: { bench(points: number): Promise<{ name: string; ms: number }[]> };
        }
      ).chartsDemo.bench(100_000),
    );
    if (page.errors.length) throw new Error(`charts bench page reported errors: ${page.errors.join('; ')}`);
    return figures.map((f) => ({ suite: 'charts', name: f.name, ms: Math.round(f.ms * 100) / 100 }));
  } finally {
    await session.close();
  }
}

if (require.main === module) {
  benchCharts().then(
    (rows) => console.table(rows),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
