// The host suite's entry: VS Code loads this file in the extension host and awaits `run()` — the shape
// both code-server's `extensionTestsPath` payload and `@vscode/test-electron` expect.
//
// Environment (read in the extension host):
//   AI_ONRAMP_TEST_GREP     only tests whose full title matches this pattern
//   AI_ONRAMP_TEST_RESULTS  write {passed, failed, pending, durationMs, failures} JSON to this path
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Mocha from 'mocha';

export interface HostTestResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  failures: { title: string; error: string }[];
}

function testFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) files.push(path);
  }
  return files.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.AI_ONRAMP_TEST_GREP;
  if (grep) mocha.grep(new RegExp(grep));
  for (const file of testFiles(__dirname)) mocha.addFile(file);

  const results: HostTestResults = { passed: 0, failed: 0, pending: 0, durationMs: 0, failures: [] };
  const started = Date.now();
  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        results.durationMs = Date.now() - started;
        const resultsPath = process.env.AI_ONRAMP_TEST_RESULTS;
        if (resultsPath) {
          mkdirSync(dirname(resultsPath), { recursive: true });
          writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
        }
        if (failures > 0) reject(new Error(`${failures} host test(s) failed.`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    runner.on('pass', () => results.passed++);
    runner.on('pending', () => results.pending++);
    runner.on('fail', (test, error: unknown) => {
      results.failed++;
      results.failures.push({
        title: test.fullTitle(),
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    });
  });
}
