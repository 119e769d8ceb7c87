// Compiles the onramp CPU engine (AssemblyScript, src/webview/engine/assembly/) twice: to
// dist/engine/onramp-cpu.wasm with WebAssembly SIMD, and to dist/engine/onramp-cpu-relaxed.wasm with relaxed
// SIMD too (fused multiply-adds, ./assembly/simd.ts madd), which the engine picks where the runtime validates
// it (Chromium 114 and later; Node 20 only behind a flag). Skipped when the outputs are newer than every source.
import asc from 'assemblyscript/asc';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ENGINE_WASM = 'dist/engine/onramp-cpu.wasm';
export const ENGINE_RELAXED_WASM = 'dist/engine/onramp-cpu-relaxed.wasm';

function newestSource(root, dir) {
  let newest = statSync(join(root, 'scripts/build-engine.mjs')).mtimeMs;
  for (const f of readdirSync(dir)) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

/** @param {{ root: string, production?: boolean, force?: boolean }} options */
export default async function buildEngine({ root, force = false }) {
  const srcDir = join(root, 'src/webview/engine/assembly');
  const outputs = [
    [ENGINE_WASM, 'simd'],
    [ENGINE_RELAXED_WASM, 'simd,relaxed-simd'],
  ];
  const newest = newestSource(root, srcDir);
  const fresh = (file) => existsSync(join(root, file)) && statSync(join(root, file)).mtimeMs >= newest;
  if (!force && outputs.every(([file]) => fresh(file))) return join(root, ENGINE_WASM);
  mkdirSync(join(root, 'dist/engine'), { recursive: true });
  for (const [file, features] of outputs) {
    const stderr = [];
    const { error } = await asc.main(
      [
        relative(root, join(srcDir, 'index.ts')),
        '--outFile',
        file,
        '-O3',
        '--enable',
        features,
        '--runtime',
        'stub',
        '--noAssert',
        '--initialMemory',
        '16',
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (s) => (stderr.push(String(s)), true) },
        baseDir: root,
      },
    );
    if (error) throw new Error(`build-engine: asc failed (${file}): ${error.message}\n${stderr.join('')}`);
  }
  return join(root, ENGINE_WASM);
}
