// Builds everything the extension ships and the host tests load:
//   dist/extension.js       host bundle (Node, CommonJS, `vscode` external)
//   dist/webview/*.js|css   browser bundles, one per src/webview/<app>/main.ts and each *.worker.ts
//   out/webview/*.js|css    the same for test-only apps (`test/webview/apps/*demo/`)
//   dist/data/*             MNIST assets (scripts/build-data.mjs)
//   dist/engine/*.wasm      the CPU training engine (scripts/build-engine.mjs)
//   dist/walkthrough/*.svg  formulas rendered at build time (scripts/build-formulas.mjs)
//   dist/codicons/*         codicon font for webviews
//   out/test/{host,trust,vsix}/*.js  the host, Restricted Mode and VSIX smoke suites, loaded by the extension host
// `--watch` rebuilds the bundles on change. Steps that produce data are skipped when up to date.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readdirSync, copyFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Product pages come from src/webview/; the test-only demo apps (test/webview/apps/) go to out/webview/,
// outside the VSIX.
function webviewEntries(demos) {
  const base = join(root, demos ? 'test/webview/apps' : 'src/webview');
  const entries = {};
  for (const app of readdirSync(base, { withFileTypes: true })) {
    if (!app.isDirectory()) continue;
    for (const file of readdirSync(join(base, app.name))) {
      if (file === 'main.ts') entries[app.name] = join(base, app.name, file);
      else if (file.endsWith('.worker.ts')) entries[file.replace(/\.ts$/, '')] = join(base, app.name, file);
    }
  }
  return entries;
}

// Suites the extension host loads: test/host/ and test/trust/ (this folder as the development extension; trust
// in Restricted Mode) and test/vsix/ (the installed VSIX).
function hostTestEntries(dir = join(root, 'test'), out = []) {
  for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const p = join(dir, e.name);
    if (e.isDirectory()) hostTestEntries(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}
const extensionHostSuites = ['host', 'vsix', 'trust'].flatMap((suite) =>
  hostTestEntries(join(root, 'test', suite)),
);

// Inline source maps in development builds: a separate .map file would slip into the VSIX past .vscodeignore's allow list.
const common = {
  bundle: true,
  sourcemap: production ? false : 'inline',
  minify: production,
  logLevel: 'warning',
};

const configs = [
  {
    ...common,
    entryPoints: { extension: join(root, 'src/extension/extension.ts') },
    outdir: join(root, 'dist'),
    // The bundle's first and last lines time its loading, which activate() reports apart from its own time.
    banner: { js: 'var __aiOnrampLoadStart = performance.now();' },
    footer: { js: 'var __aiOnrampLoadEnd = performance.now();' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  ...[
    ['dist/webview', false],
    ['out/webview', true],
  ].map(([outdir, demos]) => ({
    ...common,
    entryPoints: webviewEntries(demos),
    outdir: join(root, outdir),
    platform: 'browser',
    format: 'iife',
    target: ['chrome114'],
    loader: { '.ttf': 'file', '.wasm': 'file' },
    // tfjs probes for Node modules it never uses in a browser.
    external: ['fs', 'path', 'crypto', 'worker_threads', 'os', 'perf_hooks', 'util'],
  })),
  {
    ...common,
    minify: false,
    entryPoints: extensionHostSuites,
    outbase: join(root, 'test'),
    outdir: join(root, 'out/test'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha', 'playwright-core'],
  },
].filter((c) => Object.keys(c.entryPoints).length > 0);

async function copyCodicons() {
  const src = join(root, 'node_modules/@vscode/codicons/dist');
  const dest = join(root, 'dist/codicons');
  mkdirSync(dest, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(src, f), join(dest, f));
}

async function optionalStep(name) {
  const file = join(root, 'scripts', name);
  if (!existsSync(file)) return;
  const mod = await import(new URL(`./${name}`, import.meta.url).href);
  await mod.default({ root, production });
}

const started = Date.now();
if (process.argv.includes('--clean')) rmSync(join(root, 'dist'), { recursive: true, force: true });
await copyCodicons();
await optionalStep('build-data.mjs');
await optionalStep('build-engine.mjs');
await optionalStep('build-formulas.mjs');
await optionalStep('build-templates.mjs');
// Stale compiled host tests would keep running after their source is deleted.
if (!watch) {
  for (const suite of ['host', 'vsix'])
    rmSync(join(root, 'out/test', suite), { recursive: true, force: true });
}
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
  console.log('watching src/ and test/host/ …');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  console.log(`build: done in ${Date.now() - started} ms`);
}
