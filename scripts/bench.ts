/**
 * `npm run bench` (after `npm run build`): the training loop in headless Chromium, one row per tfjs backend the
 * browser offers here, our loop and a `model.fit` loop with per-batch callbacks on the same data in the same run;
 * then the suites other parts add when their files exist (scripts/bench-engine.ts, bench-filters.ts, bench-charts.ts,
 * bench-tfevents.ts, bench-activations.ts), each printed as its own table. Writes everything to bench-results.json.
 * Environment: BENCH_SAMPLES (training samples per row, default 1024), BENCH_BACKENDS (e.g. "wasm,cpu"),
 * BENCH_SUITES (only these suites, e.g. "training,activation"; default all).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBenchPage } from './benchPage';
import { findChromium } from './chromium';
import { repoRoot, startBrowserSession } from '../test/webview/harness';
import type { BenchResult } from '../test/webview/pages/training-bench';

type Row = { suite: string; [figure: string]: unknown };

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1024);
const TEST_SAMPLES = 1000;

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let chromium = 'unknown';
  try {
    chromium = execFileSync(findChromium(), ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // Reported as unknown.
  }
  let nproc = os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // os.cpus() then.
  }
  return {
    nproc,
    cpu: model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    chromium,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

interface BenchApi {
  available(): Promise<{ name: string; renderer?: string }[]>;
  run(backend: string, loop: string, samples: number, testSamples: number): Promise<BenchResult>;
}

async function benchTraining(): Promise<Row[]> {
  await buildBenchPage(repoRoot);
  const session = await startBrowserSession();
  const rows: Row[] = [];
  try {
    const open = async () => {
      const page = await session.open('test/webview/pages/training-bench.html');
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      return page;
    };
    const probe = await open();
    let backends = await probe.evaluate(() =>
      (window as unknown as { trainingBench: BenchApi }).trainingBench.available(),
    );
    await probe.close();
    const only = process.env.BENCH_BACKENDS?.split(',');
    if (only) backends = backends.filter((b) => only.includes(b.name));
    for (const { name, renderer } of backends) {
      // Our engine has no model.fit; its own suite (bench-engine.ts) compares it with PyTorch.
      for (const loop of name === 'onramp-cpu' ? ['ours'] : ['ours', 'model.fit']) {
        // A fresh page per row: backends, caches and memory start from zero each time.
        const page = await open();
        const started = Date.now();
        try {
          const r = await page.evaluate(
            ([b, l, n, t]) =>
              (window as unknown as { trainingBench: BenchApi }).trainingBench.run(b, l, n, t),
            [name, loop, SAMPLES, TEST_SAMPLES] as [string, string, number, number],
          );
          rows.push({ suite: 'training', ...r, renderer: renderer ?? '' });
          console.error(
            `  training ${name} ${loop}: ${Math.round(r.samplesPerSec)} samples/s (${Math.round((Date.now() - started) / 1000)} s)`,
          );
        } catch (e) {
          console.error(`  training ${name} ${loop}: failed: ${(e as Error).message.split('\n')[0]}`);
          rows.push({ suite: 'training', backend: name, loop, error: (e as Error).message.split('\n')[0] });
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    await session.close();
  }
  return rows;
}

function trainingTable(rows: Row[]): Record<string, unknown>[] {
  const fitRate = (backend: unknown) =>
    rows.find((r) => r.backend === backend && r.loop === 'model.fit')?.samplesPerSec as number | undefined;
  return rows.map((r) => {
    if (r.error) return { backend: r.backend, loop: r.loop, error: r.error };
    const fit = fitRate(r.backend);
    return {
      backend: r.backend,
      loop: r.loop,
      batch: r.batch,
      'samples/s': Math.round(r.samplesPerSec as number),
      'vs fit': r.loop === 'ours' && fit ? `${((r.samplesPerSec as number) / fit).toFixed(2)}×` : '',
      'first point (ms)': Math.round(r.firstPointMs as number),
      'peak tensors': r.peakTensors,
      'peak MB': Math.round(((r.peakBytes as number) / 2 ** 20) * 10) / 10,
      samples: r.samples,
      'test acc.': `${((r.testAccuracy as number) * 100).toFixed(1)} %`,
    };
  });
}

async function optionalSuite(file: string, fn: string): Promise<Row[] | undefined> {
  const full = path.join(__dirname, file);
  if (!existsSync(full)) return undefined;
  const mod = (await import(full)) as Record<string, () => Promise<Row[]>>;
  if (typeof mod[fn] !== 'function') {
    console.error(`${file} has no ${fn}(); skipped`);
    return undefined;
  }
  try {
    return await mod[fn]();
  } catch (e) {
    console.error(`${file}: ${(e as Error).message}`);
    return [{ suite: fn.replace(/^bench/, '').toLowerCase(), error: (e as Error).message }];
  }
}

async function main(): Promise<void> {
  const info = machine();
  console.log(
    `Machine: ${info.nproc} CPUs (${info.cpu}), ${info.memoryGiB} GiB, ${info.chromium}, Node ${info.node}`,
  );
  const all: Row[] = [];
  const summaries: Record<string, unknown> = {};
  const suites = process.env.BENCH_SUITES?.split(',');
  const wanted = (suite: string) => !suites || suites.includes(suite);
  if (wanted('training')) {
    console.log(
      `\nTraining: the article's CNN, batch 32, ${SAMPLES} samples, test accuracy on ${TEST_SAMPLES} test images`,
    );
    const training = await benchTraining();
    all.push(...training);
    console.table(trainingTable(training));
  }
  for (const [file, fn, title] of [
    ['bench-engine.ts', 'benchEngine', 'CPU engine'],
    ['bench-filters.ts', 'benchFilters', 'CPU engine with the live filter view on and off'],
    ['bench-charts.ts', 'benchCharts', 'Charts'],
    ['bench-tfevents.ts', 'benchTfevents', 'TensorBoard event files'],
    ['bench-activations.ts', 'benchActivations', 'Activations for a digit on the pad (Try it → Look inside)'],
    // Last: it packs the VSIX, which replaces dist/ with the production build.
    ['bench-activation.ts', 'benchActivation', 'Activation (the installed VSIX in code-server)'],
  ] as const) {
    if (!wanted(fn.replace(/^bench/, '').toLowerCase())) continue;
    const rows = await optionalSuite(file, fn);
    if (!rows) continue;
    console.log(`\n${title}`);
    console.table(rows.map(({ suite: _suite, ...rest }) => rest));
    all.push(...rows);
    if (file === 'bench-engine.ts' && !rows.some((r) => r.error)) {
      // The engine against PyTorch per preset and batch, side by side, with the share of the machine's peak.
      const { engineSummary } = (await import(path.join(__dirname, file))) as {
        engineSummary(r: Row[]): { peak: string; table: Record<string, unknown>[] };
      };
      const summary = engineSummary(rows);
      console.log(`\nCPU engine (webview path) against the best PyTorch, per preset\n${summary.peak}`);
      console.table(summary.table);
      summaries.engine = summary;
    }
  }
  writeFileSync(
    path.join(repoRoot, 'bench-results.json'),
    JSON.stringify({ machine: info, rows: all, summaries }, null, 2) + '\n',
  );
  console.log('\nWrote bench-results.json');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
