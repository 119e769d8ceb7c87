/**
 * `npm test` after lint, type check and build: runs every test layer and prints one summary line per layer and
 * a final `N passed, N failed` line. Layers: unit (plain Node), webview (Chromium), host (a real VS Code
 * extension host in code-server), ui (that workbench driven by Chromium: walkthroughs in en and zh-cn), trust (the
 * extension host in Restricted Mode), vsix (the
 * packed VSIX installed into a fresh profile with --install-extension, and a smoke suite against it). vsix runs
 * last: packing replaces dist/ with the production build.
 * `tsx scripts/test.ts unit webview` runs some.
 * A layer that cannot run (e.g. no Chromium) counts as failed with its reason, never as passed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageVsix } from './package';
import { runHostTests } from './test-host';

interface LayerResult {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  error?: string;
  /** Shown after the counts, e.g. the VSIX size. */
  note?: string;
}

const root = path.resolve(__dirname, '..');
const allLayers = ['unit', 'webview', 'host', 'ui', 'trust', 'vsix'] as const;
type Layer = (typeof allLayers)[number];

function runNode(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function runMochaLayer(layer: Exclude<Layer, 'host' | 'trust' | 'vsix'>): Promise<LayerResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ai-onramp-${layer}-`));
  const resultsFile = path.join(dir, 'results.json');
  const started = Date.now();
  try {
    const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
    const args = [tsx, 'scripts/run-mocha.ts', layer, resultsFile];
    if (process.env.TEST_GREP) args.push(process.env.TEST_GREP);
    const code = await runNode(args);
    try {
      const result = JSON.parse(readFileSync(resultsFile, 'utf8')) as LayerResult;
      if (code !== 0 && result.failed === 0) result.error = `exited with code ${code}`;
      return result;
    } catch {
      return {
        passed: 0,
        failed: 0,
        pending: 0,
        durationMs: Date.now() - started,
        error: `exited with code ${code} before reporting results`,
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runHostLayer(layer: 'host' | 'trust' | 'vsix'): Promise<LayerResult> {
  const started = Date.now();
  try {
    let vsix: string | undefined;
    let note: string | undefined;
    if (layer === 'vsix') {
      const packed = await packageVsix({ quiet: true });
      vsix = packed.path;
      note = `${path.basename(packed.path)} ${(packed.bytes / 2 ** 20).toFixed(1)} MB`;
      console.log(`vsix: packed ${packed.path} (${note}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const r = await runHostTests({
      grep: process.env.TEST_GREP,
      vsix,
      restricted: layer === 'trust',
      screenshot: path.join(root, `test-results/${layer}/workbench.png`),
    });
    const error = r.exitCode !== 0 && r.failed === 0 ? `exited with code ${r.exitCode}` : undefined;
    for (const failure of r.failures) console.log(`  x ${failure.title}\n    ${failure.error}`);
    return {
      passed: r.passed,
      failed: r.failed,
      pending: r.pending,
      durationMs: Date.now() - started,
      error,
      note,
    };
  } catch (e) {
    return {
      passed: 0,
      failed: 0,
      pending: 0,
      durationMs: Date.now() - started,
      error: (e as Error).message,
    };
  }
}

function runLayer(layer: Layer): Promise<LayerResult> {
  return layer === 'host' || layer === 'trust' || layer === 'vsix'
    ? runHostLayer(layer)
    : runMochaLayer(layer);
}

async function main(): Promise<void> {
  const wanted = process.argv
    .slice(2)
    .filter((a): a is Layer => (allLayers as readonly string[]).includes(a));
  const layers = wanted.length ? wanted : [...allLayers];
  const results = new Map<Layer, LayerResult>();
  for (const layer of layers) {
    console.log(`\n===== ${layer} tests =====`);
    results.set(layer, await runLayer(layer));
  }
  console.log('\n===== summary =====');
  let passed = 0;
  let failed = 0;
  let pending = 0;
  let broken = false;
  for (const [layer, r] of results) {
    passed += r.passed;
    failed += r.failed;
    pending += r.pending;
    if (r.error) broken = true;
    const extra = [r.note ?? '', r.pending ? `${r.pending} pending` : '', r.error ?? '']
      .filter(Boolean)
      .join('; ');
    console.log(
      `${layer}: ${r.passed} passed, ${r.failed} failed in ${(r.durationMs / 1000).toFixed(1)} s${extra ? ` (${extra})` : ''}`,
    );
  }
  // A layer that died without counting counts as one failure, so the total can never read green.
  if (broken && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exit(failed > 0 || broken ? 1 : 0);
}

void main();
