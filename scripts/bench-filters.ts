/**
 * Bench of the live filter view (src/webview/inside), wired into `npm run bench` by scripts/bench.ts: the CPU
 * engine's samples/s on the real training page in headless Chromium with the filter view open and on screen
 * (reading the kernels from the engine's worker four times a second and drawing them) and with it closed; the
 * same run (the article's model, batch 32, the same samples and epochs) on fresh pages, the two alternated so
 * that the machine's other load falls on both. Goal: on ≥ 90 % of off.
 * Environment: BENCH_FILTERS_SAMPLES (training samples per run, default 16384), BENCH_FILTERS_EPOCHS (default 2),
 * BENCH_FILTERS_ROUNDS (runs of each, default 5).
 */
import { startBrowserSession } from '../test/webview/harness';
import { openTrainingPanel, sendHost, waitForFinishedRun } from '../test/webview/trainingPage';

export interface FiltersRow {
  suite: 'filters';
  backend: 'onramp-cpu';
  architecture: string;
  env: 'chromium';
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
  /** on ÷ off. */
  vsOff?: string;
  note: 'filter view on' | 'filter view off';
}

const SAMPLES = Number(process.env.BENCH_FILTERS_SAMPLES ?? 16384);
const EPOCHS = Number(process.env.BENCH_FILTERS_EPOCHS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_FILTERS_ROUNDS ?? 5));
const log = (s: string) => process.stderr.write(`[bench-filters] ${s}\n`);

export async function benchFilters(): Promise<FiltersRow[]> {
  const session = await startBrowserSession();
  const result = {
    on: [] as number[],
    off: [] as number[],
    readsOn: [] as number[],
    readsOff: [] as number[],
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        const page = await openTrainingPanel(session);
        try {
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
            limits: { trainSamples: SAMPLES, testSamples: 1000 },
          });
          const run = await waitForFinishedRun(page);
          if (run.status !== 'completed') throw new Error(`run ${run.status}: ${run.error ?? ''}`);
          const reads = await page.evaluate(() =>
            Number(document.querySelector<HTMLElement>('#inside-filters')!.dataset.reads),
          );
          (on ? result.on : result.off).push(run.samplesPerSec);
          (on ? result.readsOn : result.readsOff).push(reads);
          log(
            `round ${round + 1}, view ${on ? 'on' : 'off'}: ${Math.round(run.samplesPerSec)} samples/s, ${reads} reads`,
          );
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    await session.close();
  }
  const median = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const row = (on: boolean): FiltersRow => ({
    suite: 'filters',
    backend: 'onramp-cpu',
    architecture: "the article's model",
    env: 'chromium',
    batch: 32,
    samples: SAMPLES,
    epochs: EPOCHS,
    runs: ROUNDS,
    samplesPerSec: Math.round(median(on ? result.on : result.off)),
    perRun: (on ? result.on : result.off).map(Math.round),
    reads: on ? result.readsOn : result.readsOff,
    vsOff: on ? `${((median(result.on) / median(result.off)) * 100).toFixed(1)} %` : undefined,
    note: on ? 'filter view on' : 'filter view off',
  });
  return [row(false), row(true)];
}
