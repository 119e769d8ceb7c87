/**
 * The charts in real Chromium: test/webview/pages/charts.html mounts them (test/webview/apps/chartsdemo) with three
 * runs, and these tests drive the real controls with the mouse and keyboard. Screenshots of the light, dark and
 * high-contrast themes go to test-results/charts/.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, startBrowserSession, type BrowserSession } from './harness';
import type { ChartSettings, ExportFile, TooltipRow } from '../../src/webview/charts';

const shots = path.join(repoRoot, 'test-results/charts');

interface Demo {
  panel: {
    flush(): void;
    getSettings(): ChartSettings;
    setSettings(s: Partial<ChartSettings>): void;
    hover(tag: string, left: number, top: number): TooltipRow[];
    append(run: string, tag: string, series: string, points: unknown[]): void;
    setSeries(run: string, tag: string, series: string, points: unknown[]): void;
    copyPng(tag: string): Promise<'clipboard' | 'download'>;
    exportSeries(tag: string, run: string, series: string, format: 'csv' | 'json'): ExportFile;
  };
  downloads: ExportFile[];
  settingsChanges: number;
  mount(options?: unknown): void;
  loadThreeRuns(points?: number): void;
  setTheme(kind: string): void;
  curve(
    kind: string,
    points: number,
    seed: number,
    rate: number,
  ): { step: number; wallTime: number; value: number }[];
}
declare const chartsDemo: Demo;

async function plotData(page: Page, tag: string): Promise<Record<string, string>> {
  return page.evaluate(
    (t) =>
      ({
        ...(document.querySelector(`.onramp-chart-card[data-tag="${t}"] .onramp-chart-plot`) as HTMLElement)
          .dataset,
      }) as Record<string, string>,
    tag,
  );
}

/** Waits two animation frames, so a batched redraw has happened. */
async function frames(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))),
  );
}

describe('charts in Chromium', function () {
  this.timeout(120_000);
  let session: BrowserSession;
  let page: Page & { errors: string[] };

  before(async () => {
    mkdirSync(shots, { recursive: true });
    session = await startBrowserSession();
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  after(async () => {
    await session?.close();
  });

  beforeEach(async () => {
    page = await session.open('test/webview/pages/charts.html');
    await page.setViewportSize({ width: 1200, height: 720 });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await page.evaluate(() => chartsDemo.loadThreeRuns(300));
    await frames(page);
  });

  afterEach(async () => {
    const errors = page.errors.filter((e) => !/favicon|404 \(Not Found\)/.test(e));
    await page.close();
    assert.deepEqual(errors, [], 'console errors on the page');
  });

  it('draws a card per tag with 3 runs × train/validation, a swatch per run and the live run first', async () => {
    assert.deepEqual(
      await page
        .locator('.onramp-chart-card')
        .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.tag)),
      ['loss', 'accuracy'],
    );
    assert.equal((await plotData(page, 'loss')).lines, '6');
    assert.equal(await page.locator('.onramp-chart-card canvas').count(), 2);
    const runs = await page.locator('.onramp-charts-run').evaluateAll((items) =>
      items.map((li) => ({
        text: li.textContent,
        color: getComputedStyle(li.querySelector('.onramp-charts-swatch')!).backgroundColor,
      })),
    );
    assert.deepEqual(
      runs.map((r) => r.text),
      ['run 3live', 'run 1 (lr 0.01)', 'run 2 (lr 0.001)'],
    );
    assert.equal(new Set(runs.map((r) => r.color)).size, 3, 'each run has its own colour');
    // Light theme palette from --vscode-charts-*: run 1 blue, run 2 orange, run 3 green.
    assert.equal(runs[1].color, 'rgb(26, 133, 255)');
  });

  it('the smoothing slider re-smooths with TensorBoard’s EMA and 0 shows the raw values', async () => {
    const slider = page.getByRole('slider', { name: 'Smoothing' });
    assert.equal(await slider.inputValue(), '0.6');
    const at06 = await page.evaluate(() => chartsDemo.panel.hover('loss', 200, 100));
    const nearest = at06.find((r) => r.nearest)!;
    // Recompute the smoothed value from the same generated points, independently of the panel.
    const expected = await page.evaluate(
      ([step, w]) => {
        const pts = chartsDemo.curve('loss', 300, 2, 0.008).slice(0, step);
        let last = 0;
        let n = 0;
        for (const p of pts) {
          last = last * w + (1 - w) * p.value;
          n++;
        }
        return last / (1 - Math.pow(w, n));
      },
      [at06.find((r) => r.run === 'run 2 (lr 0.001)' && r.series === 'train')!.step, 0.6] as const,
    );
    const run2 = at06.find((r) => r.run === 'run 2 (lr 0.001)' && r.series === 'train')!;
    assert.ok(Math.abs(run2.smoothed - expected) < 1e-12, `${run2.smoothed} != ${expected}`);
    assert.ok(nearest.smoothed !== nearest.value);

    await slider.fill('0');
    await frames(page);
    assert.equal((await page.evaluate(() => chartsDemo.panel.getSettings())).smoothing, 0);
    const at0 = await page.evaluate(() => chartsDemo.panel.hover('loss', 200, 100));
    for (const r of at0) assert.equal(r.smoothed, r.value);
    assert.equal((await plotData(page, 'loss')).lines, '6');

    // The number box takes typed values and clamps them to 0.999.
    const box = page.getByRole('spinbutton', { name: 'Smoothing' });
    await box.fill('5');
    await box.press('Enter');
    assert.equal((await page.evaluate(() => chartsDemo.panel.getSettings())).smoothing, 0.999);
    assert.ok((await page.evaluate(() => chartsDemo.settingsChanges)) >= 2);
  });

  it('switches the x axis between step, relative and wall time', async () => {
    const step = await plotData(page, 'loss');
    assert.equal(step.xAxis, 'step');
    assert.equal(Number(step.xMin), 1);
    assert.equal(Number(step.xMax), 300);

    await page.getByRole('radio', { name: 'Relative' }).check();
    await frames(page);
    const rel = await plotData(page, 'loss');
    assert.equal(rel.xAxis, 'relative');
    assert.equal(Number(rel.xMin), 0);
    // Run 3 logs a step every 0.65 s: its 299 intervals are the longest.
    assert.ok(Math.abs(Number(rel.xMax) - 299 * 0.65) < 1e-6, rel.xMax);

    await page.getByRole('radio', { name: 'Wall' }).check();
    await frames(page);
    const wall = await plotData(page, 'loss');
    assert.equal(wall.xAxis, 'wall');
    assert.ok(
      Number(wall.xMin) > 1_700_000_000 && Number(wall.xMax) < 1_700_000_300,
      `${wall.xMin}..${wall.xMax}`,
    );
    const rows = await page.evaluate(() => chartsDemo.panel.hover('loss', 100, 100));
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => r.wallTime > 1_700_000_000));
    await page.screenshot({ path: path.join(shots, 'wall-time-axis.png') });
  });

  it('toggles a log y axis per card and ignores outliers by default', async () => {
    const log = page.locator('.onramp-chart-card[data-tag="loss"] .onramp-chart-log');
    await log.click();
    await frames(page);
    assert.equal(await log.getAttribute('aria-pressed'), 'true');
    const l = await plotData(page, 'loss');
    assert.equal(l.yScale, 'log');
    assert.ok(Number(l.yMin) > 0);
    assert.equal((await plotData(page, 'accuracy')).yScale, 'linear');
    assert.deepEqual((await page.evaluate(() => chartsDemo.panel.getSettings())).logScaleTags, ['loss']);
    await log.click();
    await frames(page);
    assert.equal((await plotData(page, 'loss')).yScale, 'linear');

    // A spike of 1000 in one point: outside the fitted range while outliers are ignored, inside when not.
    await page.evaluate(() => {
      const pts = chartsDemo.curve('loss', 300, 1, 0.02);
      pts[150] = { ...pts[150], value: 1000 };
      chartsDemo.panel.setSeries('run-1', 'loss', 'train', pts);
      chartsDemo.panel.setSettings({ smoothing: 0 });
    });
    await frames(page);
    assert.ok(Number((await plotData(page, 'loss')).yMax) < 10);
    const outliers = page.getByRole('checkbox', { name: 'Ignore outliers in chart scaling' });
    assert.equal(await outliers.isChecked(), true);
    await outliers.uncheck();
    await frames(page);
    assert.ok(Number((await plotData(page, 'loss')).yMax) >= 1000);
  });

  it('zooms by dragging and resets on double-click', async () => {
    const over = page.locator('.onramp-chart-card[data-tag="loss"] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    await frames(page);
    const zoomed = await plotData(page, 'loss');
    assert.equal(zoomed.zoomed, 'true');
    assert.ok(Number(zoomed.xMin) > 50 && Number(zoomed.xMax) < 200, `${zoomed.xMin}..${zoomed.xMax}`);
    await over.dblclick();
    await frames(page);
    const reset = await plotData(page, 'loss');
    assert.equal(reset.zoomed, 'false');
    assert.equal(Number(reset.xMin), 1);
    assert.equal(Number(reset.xMax), 300);
  });

  it('shows a tooltip with run, smoothed, value, step, time and relative time for the nearest point', async () => {
    const over = page.locator('.onramp-chart-card[data-tag="loss"] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const tooltip = page.locator('.onramp-chart-card[data-tag="loss"] .onramp-chart-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const table = await tooltip.evaluate((t) =>
      [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    );
    assert.deepEqual(table[0], ['', 'Run', 'Smoothed', 'Value', 'Step', 'Time', 'Relative']);
    assert.equal(table.length, 7, 'a row for each of the 6 lines');
    const bold = await tooltip.locator('tr.onramp-chart-nearest td').allTextContents();
    assert.equal(bold.length, 7);
    const step = Number(bold[4]);
    assert.ok(step >= 140 && step <= 160, `nearest step ${step} at mid-chart`);
    assert.match(bold[6], /^\d+m \d+s$|^\d+(\.\d+)?s$/);
    await page.screenshot({ path: path.join(shots, 'tooltip-light.png') });
    await page.mouse.move(1, 1);
    await tooltip.waitFor({ state: 'hidden' });
  });

  it('filters runs with checkboxes and a regex, and reports an invalid regex', async () => {
    await page.getByRole('checkbox', { name: 'Show run run 1 (lr 0.01)' }).uncheck();
    await frames(page);
    assert.equal((await plotData(page, 'loss')).lines, '4');
    assert.deepEqual((await page.evaluate(() => chartsDemo.panel.getSettings())).hiddenRuns, ['run-1']);

    const filter = page.getByRole('searchbox', { name: 'Filter runs (regex)' });
    await filter.fill('lr 0\\.0+1\\)');
    await frames(page);
    assert.equal(await page.locator('.onramp-charts-run').count(), 2);
    assert.equal(
      (await plotData(page, 'loss')).lines,
      '2',
      'only run 2: run 1 unchecked, run 3 filtered out',
    );

    await filter.fill('(');
    await frames(page);
    assert.match(await page.getByRole('alert').innerText(), /Invalid regular expression/);
    assert.equal(await filter.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.onramp-charts-run').count(), 3);

    await filter.fill('');
    await page.getByRole('checkbox', { name: 'Show all runs' }).check();
    await frames(page);
    assert.equal((await plotData(page, 'loss')).lines, '6');
  });

  it('downloads a series as TensorBoard CSV and JSON through the host callback, from the keyboard', async () => {
    const button = page.locator('.onramp-chart-card[data-tag="loss"] .onramp-chart-download');
    await button.focus();
    await page.keyboard.press('Enter');
    const items = page.getByRole('menuitem');
    assert.equal(await items.count(), 14, '3 runs × 2 series × CSV/JSON, then the chart as PNG and SVG');
    assert.deepEqual(await items.evaluateAll((all) => all.slice(-2).map((b) => b.textContent)), [
      'Chart as PNG',
      'Chart as SVG',
    ]);
    // The live run comes first; its train CSV is the first item and has focus.
    assert.equal(await items.first().textContent(), 'run 3 / train as CSV');
    await page.keyboard.press('Enter');
    const csv = (await page.evaluate(() => chartsDemo.downloads))[0];
    assert.equal(csv.filename, 'run_3_train_loss.csv');
    assert.equal(csv.mime, 'text/csv');
    const lines = csv.content.trimEnd().split('\n');
    assert.equal(lines[0], 'Wall time,Step,Value');
    assert.equal(lines.length, 301);
    const expected = await page.evaluate(() => chartsDemo.curve('loss', 300, 3, 0.012)[9]);
    assert.equal(lines[10], `${expected.wallTime},${expected.step},${expected.value}`);
    assert.equal(await page.getByRole('menu').isHidden(), true);

    await button.click();
    await page.getByRole('menuitem', { name: 'run 1 (lr 0.01) / validation as JSON' }).click();
    const json = (await page.evaluate(() => chartsDemo.downloads))[1];
    assert.equal(json.filename, 'run_1_lr_0.01_validation_loss.json');
    const rows = JSON.parse(json.content) as number[][];
    assert.equal(rows.length, 6);
    assert.equal(rows[0][1], 50);
  });

  it('copies a card as PNG to the clipboard, and falls back to the download callback', async () => {
    assert.equal(await page.evaluate(() => chartsDemo.panel.copyPng('loss')), 'clipboard');
    const types = await page.evaluate(async () => (await navigator.clipboard.read())[0].types);
    assert.deepEqual(types, ['image/png']);

    await page.evaluate(() => {
      navigator.clipboard.write = () =>
        Promise.reject(new DOMException('Document is not focused', 'NotAllowedError'));
    });
    assert.equal(await page.evaluate(() => chartsDemo.panel.copyPng('accuracy')), 'download');
    const file = (await page.evaluate(() => chartsDemo.downloads))[0];
    assert.equal(file.filename, 'Accuracy.png');
    assert.equal(file.encoding, 'base64');
    const png = Buffer.from(file.content, 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(png.length > 5000, `PNG of ${png.length} bytes`);
  });

  it('batches live appends into one redraw per animation frame', async () => {
    const before = Number((await plotData(page, 'loss')).draws);
    await page.evaluate(() => {
      for (let i = 1; i <= 500; i++) {
        chartsDemo.panel.append('run-3', 'loss', 'train', [
          { step: 300 + i, wallTime: 1_700_001_000 + i, value: 0.1 },
        ]);
      }
    });
    await frames(page);
    const after = await plotData(page, 'loss');
    assert.equal(Number(after.draws) - before, 1, '500 appends, one draw');
    assert.equal(Number(after.xMax), 800);
    const rows = await page.evaluate(() => chartsDemo.panel.hover('loss', 10_000, 50));
    assert.equal(rows.find((r) => r.run === 'run 3' && r.series === 'train')?.step, 800);
  });

  it('follows the VS Code theme: palette re-read when the body class changes', async () => {
    const swatch = () =>
      page
        .locator('.onramp-charts-run .onramp-charts-swatch')
        .nth(1)
        .evaluate((s) => getComputedStyle(s).backgroundColor);
    const over = page.locator('.onramp-chart-card[data-tag="loss"] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.45);
    await page.screenshot({ path: path.join(shots, 'charts-light.png') });
    for (const [kind, blue] of [
      ['vscode-dark', 'rgb(55, 148, 255)'],
      ['vscode-high-contrast', 'rgb(55, 148, 255)'],
    ] as const) {
      await page.evaluate((k) => chartsDemo.setTheme(k), kind);
      await frames(page);
      assert.equal(await swatch(), blue);
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.45 + 1);
      await page.screenshot({ path: path.join(shots, `charts-${kind.replace('vscode-', '')}.png`) });
    }
    const draws = Number((await plotData(page, 'loss')).draws);
    assert.ok(draws >= 1);
  });
});
