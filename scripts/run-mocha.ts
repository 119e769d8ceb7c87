/**
 * Runs one Node-side test layer (unit or webview) with Mocha's spec reporter and writes its counts to a JSON
 * file, so that scripts/test.ts can print one summary line a layer and a total.
 * Usage: tsx scripts/run-mocha.ts <layer> <results.json> [grep]
 */
import Mocha from 'mocha';
import { readdirSync, writeFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const [layer, resultsFile, grep] = process.argv.slice(2);
const root = path.resolve(__dirname, '..');
const timeouts: Record<string, number> = { unit: 30_000, webview: 300_000, ui: 600_000 };

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const mocha = new Mocha({
  ui: 'bdd',
  reporter: 'spec',
  timeout: timeouts[layer] ?? 60_000,
  color: !process.env.CI,
});
if (grep) mocha.grep(grep);
for (const f of testFiles(path.join(root, 'test', layer))) mocha.addFile(f);
const started = Date.now();
const runner: Mocha.Runner = mocha.run((failures) => {
  const stats = runner.stats;
  writeFileSync(
    resultsFile,
    JSON.stringify({
      passed: stats?.passes ?? 0,
      failed: stats?.failures ?? failures,
      pending: stats?.pending ?? 0,
      durationMs: Date.now() - started,
    }),
  );
  // Mocha leaves Chromium pipes and servers to the tests; exit explicitly once the counts are safe on disk.
  process.exit(failures > 0 ? 1 : 0);
});
