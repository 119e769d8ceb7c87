/**
 * Test accuracy of each of the editor's presets (src/shared/architecture.ts PRESETS) after a full run on the
 * onramp CPU engine in Node, over several seeds: the panel's default hyperparameters (src/shared/hyperparameters.ts:
 * Adam, its learning rate and schedule, batch size and epochs) on all 60,000 training images, tested on all
 * 10,000, one worker. The README's "Presets" figures come from this script.
 *
 * Usage: npx tsx scripts/preset-accuracy.ts [seeds=3] [out=preset-accuracy.jsonl]
 * Each finished run is appended to `out` as a JSON line (so a long study survives an interruption: runs
 * already in `out` are not run again); a table of mean ± standard deviation per preset is printed at the end.
 * Runs go seed by seed, every preset per seed and the cheapest first (fewest FLOPs a sample), so an early stop
 * leaves at most the costliest preset one seed short.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flopsPerSample, PRESETS, type PresetId } from '../src/shared/architecture';
import { DEFAULT_HYPERPARAMETERS } from '../src/shared/hyperparameters';
import { nodeRun } from './bench-engine';
import { bundleEngineWorker, engineWasmBytes, loadMnist } from './engineNode';

interface Result {
  preset: PresetId;
  seed: number;
  testAccuracy: number;
  samplesPerSec: number;
  seconds: number;
}

const root = join(__dirname, '..');
const seeds = Math.max(1, Number(process.argv[2] ?? 3));
const out = process.argv[3] ?? 'preset-accuracy.jsonl';
const log = (s: string) => process.stderr.write(`[preset-accuracy] ${s}\n`);

function readDone(): Result[] {
  if (!existsSync(out)) return [];
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Result);
}

function summary(results: Result[]): string {
  const lines = ['| preset | seeds | mean ± sd | min | max | each seed |', '|---|---|---|---|---|---|'];
  for (const preset of Object.keys(PRESETS) as PresetId[]) {
    const rs = results.filter((r) => r.preset === preset).sort((a, b) => a.seed - b.seed);
    if (rs.length === 0) continue;
    const accs = rs.map((r) => r.testAccuracy * 100);
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
    const each = rs.map((r) => `${r.seed}: ${(r.testAccuracy * 100).toFixed(2)} %`).join(', ');
    lines.push(
      `| ${preset} | ${rs.length} | ${mean.toFixed(2)} % ± ${sd.toFixed(2)} | ${Math.min(...accs).toFixed(2)} % | ${Math.max(...accs).toFixed(2)} % | ${each} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const h = DEFAULT_HYPERPARAMETERS;
  if (h.optimizer !== 'adam') throw new Error('the engine run here is Adam; the default optimizer changed');
  const data = loadMnist(root);
  const wasm = await engineWasmBytes(root);
  const workerSource = await bundleEngineWorker(root);
  const done = readDone();
  const cheapestFirst = (Object.keys(PRESETS) as PresetId[]).sort(
    (a, b) => flopsPerSample(PRESETS[a]).total - flopsPerSample(PRESETS[b]).total,
  );
  for (let seed = 1; seed <= seeds; seed++) {
    for (const preset of cheapestFirst) {
      if (done.some((r) => r.preset === preset && r.seed === seed)) continue;
      log(
        `${preset}, seed ${seed}: ${h.epochs} epochs, batch ${h.batchSize}, lr ${h.learningRate} ${h.schedule}`,
      );
      const row = await nodeRun(data, wasm, workerSource, {
        threads: 1,
        kernels: 'wasm',
        batch: h.batchSize,
        samples: 60000,
        epochs: h.epochs,
        testSamples: 10000,
        learningRate: h.learningRate,
        cosine: h.schedule === 'cosine',
        seed,
        model: preset,
      });
      const result: Result = {
        preset,
        seed,
        testAccuracy: row.testAccuracy ?? NaN,
        samplesPerSec: row.samplesPerSec,
        seconds: row.seconds ?? NaN,
      };
      appendFileSync(out, JSON.stringify(result) + '\n');
      done.push(result);
      log(`  test accuracy ${(result.testAccuracy * 100).toFixed(2)} %, ${result.samplesPerSec} samples/s`);
    }
  }
  process.stdout.write(summary(done) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
