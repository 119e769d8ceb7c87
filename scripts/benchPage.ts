// The training bench page (test/webview/pages/training-bench.ts), bundled for Chromium: `npm run bench` and
// `npm run bench:gpu` load it through the webview harness's static server.
import * as path from 'node:path';
import * as esbuild from 'esbuild';

export async function buildBenchPage(root: string): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(root, 'test/webview/pages/training-bench.ts')],
    outfile: path.join(root, 'out/bench/training-bench.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome114'],
    logLevel: 'warning',
    // tfjs probes for Node modules it never uses in a browser.
    external: ['fs', 'path', 'crypto', 'worker_threads', 'os', 'perf_hooks', 'util'],
  });
}
