/**
 * Bench of the live filter view (src/webview/inside), wired into `npm run bench` by scripts/bench.ts: the CPU
 * engine's samples/s on the real training page in headless Chromium with the filter view open and on screen
 * (reading the kernels from the engine's worker four times a second and drawing them) and with it closed; the
 * same run (batch 32, the same samples and epochs) on fresh pages, the two alternated so that the machine's
 * other load falls on both, for the article's model (one Conv2D layer, the engine's fastest) and Keras's Simple
 * convnet (two, the second 64 × 32 kernels: the most drawing). Then the engine alone in Node worker_threads (two
 * workers, the article's model), with and without a reader taking the kernel every 250 ms as the view does: the
 * cost of answering between batches, without the page's other work. Goal: on ≥ 90 % of off.
 * Environment: BENCH_FILTERS_SAMPLES (training samples per run of the article's model, default 16384; the
 * Simple convnet trains an eighth of them), BENCH_FILTERS_EPOCHS (default 2), BENCH_FILTERS_ROUNDS (runs of
 * each, default 5).
 */
import { join } from 'node:path';
import { createOnrampCpuEngine } from '../src/webview/engine/engine';
import { bundleEngineWorker, engineWasmBytes, loadMnist, nodeWorkerFactory } from './engineNode';
import { startBrowserSession, type BrowserSession } from '../test/webview/harness';
import { choose, openTrainingPanel, sendHost, waitForFinishedRun } from '../test/webview/trainingPage';

export interface FiltersRow {
  suite: 'filters';
  backend: 'onramp-cpu';
  architecture: 'article' | 'simpleConvnet';
  /** chromium: the whole page (engine reads and drawing); node: the engine alone, read as the view reads it. */
  env: 'chromium' | 'node';
  batch: number;
  samples: number;
  epochs: number;
  runs: number;
  /** Median samples/s of the runs (the runner's figure: training time only; the median, as the load varies). */
  samplesPerSec: number;
  /** Each run's samples/s. */
  perRun: number[];
  /** Kernel reads the view made per run (0 when off). */
  reads: number[];
  /** The page's main-thread time drawing them, per run (ms; chromium rows). */
  drawMs?: number[];
  /** on ÷ off: of the medians, and the median of each round's on ÷ off (the two runs next to each other in time). */
  vsOff?: string;
  pairedVsOff?: string;
  /** 'filter view on' / 'filter view off', or for the engine's stress pair what it read. */
  note: string;
}

const SAMPLES = Number(process.env.BENCH_FILTERS_SAMPLES ?? 16384);
const EPOCHS = Number(process.env.BENCH_FILTERS_EPOCHS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_FILTERS_ROUNDS ?? 5));
const log = (s: string) => process.stderr.write(`[bench-filters] ${s}\n`);

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

type Runs = { on: number[]; off: number[] };

/** The off and on rows of one comparison, from each run's samples/s and reads. */
function rowsOf(
  base: Pick<FiltersRow, 'architecture' | 'env' | 'samples' | 'epochs' | 'runs'>,
  rates: Runs,
  reads: Runs,
  notes = { on: 'filter view on', off: 'filter view off' },
): FiltersRow[] {
  return [false, true].map((on) => {
    const key = on ? 'on' : 'off';
    return {
      suite: 'filters',
      backend: 'onramp-cpu',
      batch: 32,
      ...base,
      samplesPerSec: Math.round(median(rates[key])),
      perRun: rates[key].map(Math.round),
      reads: reads[key],
      vsOff: on ? percent(median(rates.on) / median(rates.off)) : undefined,
      pairedVsOff: on ? percent(median(rates.on.map((r, i) => r / rates.off[i]))) : undefined,
      note: notes[key],
    };
  });
}

/** One run on a fresh page; the view open and on screen, or closed. */
async function run(
  session: BrowserSession,
  architecture: FiltersRow['architecture'],
  samples: number,
  on: boolean,
): Promise<{ samplesPerSec: number; reads: number; drawMs: number }> {
  const page = await openTrainingPanel(session);
  try {
    if (architecture !== 'article') await choose(page, '#model-preset', architecture);
    if (on) {
      await page.click('#inside-filters > summary');
      await page.evaluate(() => document.querySelector('#inside-filters')!.scrollIntoView());
    }
    await sendHost(page, {
      type: 'start',
      hyperparameters: {
        backend: 'onramp-cpu',
        epochs: EPOCHS,
        batchSize: 32,
        learningRate: 0.003,
        schedule: 'cosine',
        optimizer: 'adam',
      },
      limits: { trainSamples: samples, testSamples: 1000 },
    });
    const record = await waitForFinishedRun(page);
    if (record.status !== 'completed') throw new Error(`run ${record.status}: ${record.error ?? ''}`);
    const [reads, drawMs] = await page.evaluate(() => {
      const view = document.querySelector<HTMLElement>('#inside-filters')!;
      return [Number(view.dataset.reads), Number(view.dataset.drawMs ?? 0)];
    });
    return { samplesPerSec: record.samplesPerSec, reads, drawMs };
  } finally {
    await page.close();
  }
}

/**
 * The engine alone: epochs with and without a kernel read every `everyMs` (the view's 250 ms; and 2 ms, 125 times
 * as often, which bounds what the view's reads can cost when the machine's load hides it).
 */
async function engineRows(samples: number, everyMs: number): Promise<FiltersRow[]> {
  const root = join(__dirname, '..');
  const data = loadMnist(root);
  const engine = await createOnrampCpuEngine({
    wasm: await engineWasmBytes(root),
    spawnWorker: nodeWorkerFactory(await bundleEngineWorker(root)),
    threads: 2,
  });
  const rates: Runs = { on: [], off: [] };
  const reads: Runs = { on: [], off: [] };
  try {
    await engine.setData(data.trainImages.subarray(0, samples * 784), data.trainLabels.subarray(0, samples));
    await engine.init(1);
    for (let round = 0; round < ROUNDS * 2; round++) {
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        let count = 0;
        let going = true;
        const reader = (async () => {
          while (on && going) {
            await new Promise((r) => setTimeout(r, everyMs));
            if (going) await engine.getWeightArrays([0]);
            count++;
          }
        })();
        const r = await engine.trainEpoch({ batchSize: 32, shuffleSeed: round, progressEvery: 25 });
        going = false;
        await reader;
        rates[on ? 'on' : 'off'].push(r.samplesPerSec);
        reads[on ? 'on' : 'off'].push(count);
      }
    }
  } finally {
    engine.dispose();
  }
  log(
    `node engine, reads every ${everyMs} ms: off ${rates.off.map(Math.round).join(', ')}; on ${rates.on.map(Math.round).join(', ')}`,
  );
  const notes =
    everyMs === 250
      ? undefined
      : {
          on: `engine: a kernel read every ${everyMs} ms`,
          off: `engine: no reads (pair of the ${everyMs} ms row)`,
        };
  return rowsOf(
    { architecture: 'article', env: 'node', samples, epochs: 1, runs: ROUNDS * 2 },
    rates,
    reads,
    notes,
  );
}

export async function benchFilters(): Promise<FiltersRow[]> {
  const session = await startBrowserSession();
  const rows: FiltersRow[] = [];
  try {
    for (const [architecture, samples] of [
      ['article', SAMPLES],
      ['simpleConvnet', Math.max(320, Math.round(SAMPLES / 8))],
    ] as const) {
      const rates: Runs = { on: [], off: [] };
      const reads: Runs = { on: [], off: [] };
      const drawMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
          const r = await run(session, architecture, samples, on);
          rates[on ? 'on' : 'off'].push(r.samplesPerSec);
          reads[on ? 'on' : 'off'].push(r.reads);
          if (on) drawMs.push(Math.round(r.drawMs * 10) / 10);
          log(
            `${architecture}, round ${round + 1}, view ${on ? 'on' : 'off'}: ${Math.round(r.samplesPerSec)} samples/s, ${r.reads} reads drawn in ${r.drawMs.toFixed(1)} ms`,
          );
        }
      }
      rows.push(
        ...rowsOf({ architecture, env: 'chromium', samples, epochs: EPOCHS, runs: ROUNDS }, rates, reads).map(
          (row) => (row.note === 'filter view on' ? { ...row, drawMs } : row),
        ),
      );
    }
  } finally {
    await session.close();
  }
  rows.push(...(await engineRows(SAMPLES, 250)), ...(await engineRows(SAMPLES, 2)));
  return rows;
}
