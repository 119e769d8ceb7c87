/**
 * Bench of the onramp CPU engine (src/webview/engine), wired into `npm run bench` by scripts/bench.ts:
 * - Node worker_threads running the real worker bundle: SIMD with 1 and 2 workers at batch 32 and 128,
 *   the TypeScript fallback, inverted (dense) pixels, and the full run (5 epochs of 60,000, test on 10,000);
 * - headless Chromium through the webview's path (worker script fetched and started from a blob: URL,
 *   no SharedArrayBuffer: the page is not cross-origin isolated), for every preset of the architecture editor;
 * - native PyTorch, same layers and data (./benchPytorch.ts), for each python3 with torch (BENCH_PYTHON
 *   names one more, e.g. a venv with a current wheel);
 * - per preset and batch size, the engine's best webview row against the best PyTorch row, and the share of
 *   the machine's arithmetic peak (./cpuPeak.ts) each reaches: `engineSummary`.
 * Environment: BENCH_ENGINE_SAMPLES (per speed row, default 20000), BENCH_ENGINE_EPOCHS (full run, default 5;
 * 0 skips it), BENCH_ENGINE_SEEDS (full runs per recipe, default 1), BENCH_ENGINE_MODELS (presets, default
 * "article,simpleConvnet,mlp"), BENCH_ENGINE_CHROMIUM=0 / BENCH_ENGINE_PYTORCH=0 skip those parts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { flopsPerSample, PRESETS, type PresetId } from '../src/shared/architecture';
import { createOnrampCpuEngine } from '../src/webview/engine/engine';
import { pytorchRows } from './benchPytorch';
import { launchChromium } from './chromium';
import { cpuPeak } from './cpuPeak';
import {
  bundleEngineWorker,
  engineWasmBytes,
  loadMnist,
  type MnistArrays,
  nodeWorkerFactory,
} from './engineNode';

export interface Row {
  suite: 'training';
  /** The preset trained (src/shared/architecture.ts PRESETS). */
  model: PresetId;
  backend: 'cpu';
  /** onramp-cpu-wasm-1t | onramp-cpu-wasm-2t | onramp-cpu-ts | pytorch */
  loop: string;
  env: 'node' | 'chromium' | 'python';
  batch: number;
  threads: number;
  samplesPerSec: number;
  /** samples/s ÷ the best native PyTorch samples/s of the same model at the same batch size (when measured). */
  vsPytorch?: string;
  testAccuracy: number | null;
  testSamples?: number;
  samples: number;
  seconds?: number;
  /** Share of the training time spent waiting for the other worker (gradient exchange). */
  syncShare?: string;
  peakRssMB?: number;
  /** FLOPs per sample × samples/s ÷ the machine's arithmetic peak (./cpuPeak.ts). */
  peakShare?: string;
  note?: string;
}

const root = join(__dirname, '..');
const SAMPLES = Number(process.env.BENCH_ENGINE_SAMPLES ?? 20000);
const EPOCHS = Number(process.env.BENCH_ENGINE_EPOCHS ?? 5);
const MODELS = (process.env.BENCH_ENGINE_MODELS ?? 'article,simpleConvnet,mlp')
  .split(',')
  .filter((m): m is PresetId => m in PRESETS);
/** How many times the webview-path rows and the PyTorch rows alternate (BENCH_ENGINE_ROUNDS, default 2). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ENGINE_ROUNDS ?? 2) || 2);
const log = (s: string) => process.stderr.write(`[bench-engine] ${s}\n`);

function invert(a: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = 255 - a[i];
  return out;
}

export async function nodeRun(
  data: MnistArrays,
  wasm: Uint8Array,
  workerSource: string,
  o: {
    threads: number;
    kernels: 'wasm' | 'ts';
    batch: number;
    samples: number;
    epochs?: number;
    testSamples: number;
    inverted?: boolean;
    /** Adam's learning rate (default 0.001) and whether it decays along a cosine over the run. */
    learningRate?: number;
    cosine?: boolean;
    seed?: number;
    /** The preset to train (default the article's model). */
    model?: PresetId;
  },
): Promise<Row> {
  const engine = await createOnrampCpuEngine({
    wasm,
    spawnWorker: nodeWorkerFactory(workerSource),
    threads: o.threads,
    kernels: o.kernels,
  });
  let peakRss = process.memoryUsage().rss;
  const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  try {
    const trainImages = data.trainImages.subarray(0, o.samples * 784);
    const testImages = data.testImages.subarray(0, o.testSamples * 784);
    await engine.setData(
      o.inverted ? invert(trainImages) : trainImages,
      data.trainLabels.subarray(0, o.samples),
    );
    await engine.init(o.seed ?? 1, PRESETS[o.model ?? 'article']);
    let samples = 0;
    let ms = 0;
    let syncMs = 0;
    const epochs = o.epochs ?? 1;
    const batchesPerEpoch = Math.ceil(o.samples / o.batch);
    for (let e = 0; e < epochs; e++) {
      const r = await engine.trainEpoch({
        batchSize: o.batch,
        learningRate: o.learningRate,
        cosineDecay: o.cosine ? { steps: epochs * batchesPerEpoch, offset: e * batchesPerEpoch } : undefined,
        shuffleSeed: (o.seed ?? 1) * 1000 + e,
        progressEvery: 50,
        onProgress: sampleRss,
      });
      samples += r.samples;
      ms += r.ms;
      syncMs += r.syncMs;
      if (epochs > 1)
        log(
          `  epoch ${e + 1}: loss ${r.loss.toFixed(4)}, acc ${r.acc.toFixed(4)}, ${Math.round(r.samplesPerSec)} samples/s`,
        );
    }
    const ev = await engine.evaluate(
      o.inverted ? invert(testImages) : testImages,
      data.testLabels.subarray(0, o.testSamples),
    );
    sampleRss();
    return {
      suite: 'training',
      model: o.model ?? 'article',
      backend: 'cpu',
      loop: o.kernels === 'ts' ? `onramp-cpu-ts-${o.threads}t` : `onramp-cpu-wasm-${o.threads}t`,
      env: 'node',
      batch: o.batch,
      threads: o.threads,
      samplesPerSec: Math.round((samples / ms) * 1000),
      testAccuracy: ev.acc,
      testSamples: o.testSamples,
      samples,
      seconds: Math.round(ms / 100) / 10,
      syncShare: o.threads > 1 ? `${Math.round((syncMs / ms) * 100)} %` : undefined,
      peakRssMB: Math.round(peakRss / 2 ** 20),
      note:
        [
          o.inverted ? 'inverted pixels (255 - x)' : '',
          epochs > 1 ? `${epochs} epochs` : '',
          o.learningRate || o.cosine
            ? `lr ${o.learningRate ?? 0.001}${o.cosine ? ' cosine to 0' : ' constant'}`
            : '',
          o.seed !== undefined ? `seed ${o.seed}` : '',
        ]
          .filter(Boolean)
          .join(', ') || undefined,
    };
  } finally {
    engine.dispose();
  }
}

/** The page script: runs the engine exactly as the panel would (fetch + blob: worker, wasm by URL). */
const PAGE_ENTRY = `
import { createOnrampCpuEngine } from './src/webview/engine/engine';
import { PRESETS } from './src/shared/architecture';
const bytes = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
window.runEngineBench = async ({ model, threads, batch, samples, testSamples, plain }) => {
  const [images, labels, testImages, testLabels] = await Promise.all(
    ['/data/train-images', '/data/train-labels', '/data/test-images', '/data/test-labels'].map(bytes));
  const engine = await createOnrampCpuEngine({ wasm: '/onramp-cpu.wasm',
    relaxedWasm: plain ? undefined : '/onramp-cpu-relaxed.wasm', workerUrl: '/engine.worker.js', threads });
  try {
    await engine.setData(images.subarray(0, samples * 784), labels.subarray(0, samples));
    await engine.init(1, PRESETS[model]);
    const r = await engine.trainEpoch({ batchSize: batch, shuffleSeed: 1, progressEvery: 50 });
    const ev = await engine.evaluate(testImages.subarray(0, testSamples * 784), testLabels.subarray(0, testSamples));
    return { kernel: engine.kernel, relaxed: engine.relaxedSimd, samplesPerSec: r.samplesPerSec, ms: r.ms, syncMs: r.syncMs, samples: r.samples,
      acc: ev.acc, isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer !== 'undefined' };
  } finally { engine.dispose(); }
};
`;

async function chromiumRows(
  data: MnistArrays,
  wasm: Uint8Array,
  relaxedWasm: Uint8Array,
  workerSource: string,
): Promise<Row[]> {
  const page = await esbuild.build({
    stdin: { contents: PAGE_ENTRY, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome114'],
    logLevel: 'warning',
  });
  const files: Record<string, [string, Uint8Array | string]> = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><script src="/page.js"></script>'],
    '/page.js': ['text/javascript', page.outputFiles[0].text],
    '/engine.worker.js': ['text/javascript', workerSource],
    '/onramp-cpu.wasm': ['application/wasm', wasm],
    '/onramp-cpu-relaxed.wasm': ['application/wasm', relaxedWasm],
    '/data/train-images': ['application/octet-stream', data.trainImages],
    '/data/train-labels': ['application/octet-stream', data.trainLabels],
    '/data/test-images': ['application/octet-stream', data.testImages],
    '/data/test-labels': ['application/octet-stream', data.testLabels],
  };
  const server: Server = createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchChromium();
  const rows: Row[] = [];
  try {
    const tab = await browser.context.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    // BENCH_ENGINE_PLAIN=1 adds rows of the plain-SIMD build beside the relaxed one, for the ratio between them.
    const builds = process.env.BENCH_ENGINE_PLAIN === '1' ? [false, true] : [false];
    for (const [model, threads, batch, plain] of MODELS.flatMap((m) =>
      [
        [1, 32],
        [2, 32],
        [1, 128],
        [2, 128],
      ].flatMap(([t, b]) => builds.map((p) => [m, t, b, p] as const)),
    )) {
      log(`chromium: ${model}, ${threads} worker(s), batch ${batch}${plain ? ', plain SIMD' : ''}`);
      const r = await tab.evaluate(
        (cfg: Record<string, number | string | boolean>) =>
          (
            window as unknown as {
              runEngineBench(c: unknown): Promise<Record<string, number | boolean | string>>;
            }
          ).runEngineBench(cfg),
        { model, threads, batch, samples: SAMPLES, testSamples: 1000, plain },
      );
      rows.push({
        suite: 'training',
        model,
        backend: 'cpu',
        loop: `onramp-cpu-wasm-${threads}t`,
        env: 'chromium',
        batch,
        threads,
        samplesPerSec: Math.round(r.samplesPerSec as number),
        testAccuracy: r.acc as number,
        testSamples: 1000,
        samples: r.samples as number,
        seconds: Math.round((r.ms as number) / 100) / 10,
        syncShare:
          threads > 1 ? `${Math.round(((r.syncMs as number) / (r.ms as number)) * 100)} %` : undefined,
        note: `${r.kernel}${r.relaxed ? ' (relaxed SIMD)' : plain ? ' (plain SIMD build)' : ''}, blob: worker, crossOriginIsolated ${r.isolated}, SharedArrayBuffer ${r.sab ? 'yes' : 'no'}`,
      });
    }
  } finally {
    await browser.close();
    server.close();
  }
  return rows;
}

export async function benchEngine(): Promise<Row[]> {
  const data = loadMnist(root);
  const wasm = await engineWasmBytes(root);
  // The same bundle scripts/build.mjs writes to dist/webview/engine.worker.js, made fresh from the sources.
  const workerSource = await bundleEngineWorker(root);
  const rows: Row[] = [];
  const run = async (o: Parameters<typeof nodeRun>[3]) => {
    log(
      `node: ${o.kernels} ${o.threads} worker(s), batch ${o.batch}, ${o.samples} samples${o.inverted ? ', inverted' : ''}${o.epochs ? `, ${o.epochs} epochs` : ''}`,
    );
    rows.push(await nodeRun(data, wasm, workerSource, o));
  };
  for (const batch of [32, 128]) {
    for (const threads of [1, 2])
      await run({ threads, kernels: 'wasm', batch, samples: SAMPLES, testSamples: 10000 });
  }
  await run({ threads: 1, kernels: 'ts', batch: 32, samples: Math.min(SAMPLES, 4000), testSamples: 1000 });
  await run({ threads: 2, kernels: 'wasm', batch: 32, samples: SAMPLES, testSamples: 10000, inverted: true });
  // The engine in the webview path and PyTorch take turns, ROUNDS times (each row of every round is kept;
  // the summary takes each side's best): on a shared machine a slow patch of tens of seconds then costs one
  // round of one side, not the comparison.
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) log(`round ${round} of ${ROUNDS}`);
    if (process.env.BENCH_ENGINE_CHROMIUM !== '0') {
      try {
        const relaxed = await engineWasmBytes(root, true);
        rows.push(...(await chromiumRows(data, wasm, relaxed, workerSource)));
      } catch (e) {
        log(`chromium rows failed: ${(e as Error).message}`);
      }
    }
    if (process.env.BENCH_ENGINE_PYTORCH !== '0') rows.push(...(await pytorchRows(MODELS, SAMPLES)));
  }
  if (EPOCHS > 0) {
    const best = rows
      .filter((r) => r.env === 'node' && r.batch === 32 && r.loop.startsWith('onramp-cpu-wasm') && !r.note)
      .sort((a, b) => b.samplesPerSec - a.samplesPerSec)[0];
    // The panel's default recipe (Adam from 0.003, cosine decay to 0) and Keras's constant 0.001, on all
    // 60,000 images like the article's model.fit; BENCH_ENGINE_SEEDS runs each for several initialisations.
    const seeds = Math.max(1, Number(process.env.BENCH_ENGINE_SEEDS ?? 1));
    for (const recipe of [
      { learningRate: 0.003, cosine: true },
      { learningRate: 0.001, cosine: false },
    ])
      for (let seed = 1; seed <= seeds; seed++)
        await run({
          threads: best?.threads ?? 1,
          kernels: 'wasm',
          batch: 32,
          samples: 60000,
          epochs: EPOCHS,
          testSamples: 10000,
          seed,
          ...recipe,
        });
  }
  const peak = cpuPeak();
  for (const r of rows) {
    const torch = bestPytorch(rows, r.model, r.batch);
    if (torch > 0 && r.loop !== 'pytorch') r.vsPytorch = `${(r.samplesPerSec / torch).toFixed(2)}×`;
    if (r.samplesPerSec > 0) r.peakShare = percent(flopsOf(r.model) * r.samplesPerSec, peak.flops);
  }
  return rows;
}

const flopsOf = (model: PresetId) => flopsPerSample(PRESETS[model]).total;
const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)} %`;
const bestOf = (rows: Row[]) => Math.max(0, ...rows.map((r) => r.samplesPerSec));
const bestPytorch = (rows: Row[], model: PresetId, batch: number) =>
  bestOf(rows.filter((r) => r.loop === 'pytorch' && r.model === model && r.batch === batch));

/**
 * The side-by-side view `npm run bench` prints under the engine's rows: per preset and batch size, the best
 * webview (Chromium) row of the engine against the best PyTorch row, their ratio, and the share of the
 * machine's peak each reaches; and a sentence on how the peak was obtained.
 */
export function engineSummary(rows: readonly Row[]): { peak: string; table: Record<string, unknown>[] } {
  const peak = cpuPeak();
  const table: Record<string, unknown>[] = [];
  for (const model of MODELS) {
    const flops = flopsOf(model);
    for (const batch of [32, 128]) {
      const mine = rows.filter((r) => r.model === model && r.batch === batch);
      // The build the panel runs: the relaxed one where Chromium validates it (BENCH_ENGINE_PLAIN adds the other).
      const engine = bestOf(
        mine.filter((r) => r.env === 'chromium' && !r.note?.includes('plain SIMD build')),
      );
      const torch = bestPytorch([...mine], model, batch);
      table.push({
        model,
        batch,
        'MFLOP/sample': (flops / 1e6).toFixed(2),
        'engine samples/s': engine,
        'PyTorch samples/s': torch,
        'engine/PyTorch': torch > 0 && engine > 0 ? `${(engine / torch).toFixed(2)}×` : '',
        'engine GFLOP/s': ((engine * flops) / 1e9).toFixed(1),
        'engine % of peak': engine > 0 ? percent(engine * flops, peak.flops) : '',
        'PyTorch % of peak': torch > 0 ? percent(torch * flops, peak.flops) : '',
      });
    }
  }
  return {
    peak: `Peak: ${peak.how}. FLOPs per sample: forward + backward multiply-adds × 2 (src/shared/architecture.ts flopsPerSample).`,
    table,
  };
}
