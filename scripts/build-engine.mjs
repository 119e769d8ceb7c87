// Compiles the onramp CPU engine (AssemblyScript, src/webview/engine/assembly/) to
// dist/engine/onramp-cpu.wasm with WebAssembly SIMD. Skipped when the output is newer than every source.
import asc from 'assemblyscript/asc';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ENGINE_WASM = 'dist/engine/onramp-cpu.wasm';

function newestSource(root, dir) {
  let newest = statSync(join(root, 'scripts/build-engine.mjs')).mtimeMs;
  for (const f of readdirSync(dir)) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

/** @param {{ root: string, production?: boolean, force?: boolean }} options */
export default async function buildEngine({ root, force = false }) {
  const srcDir = join(root, 'src/webview/engine/assembly');
  const out = join(root, ENGINE_WASM);
  if (!force && existsSync(out) && statSync(out).mtimeMs >= newestSource(root, srcDir)) return out;
  mkdirSync(join(root, 'dist/engine'), { recursive: true });
  const stderr = [];
  const { error } = await asc.main(
    [
      relative(root, join(srcDir, 'index.ts')),
      '--outFile',
      ENGINE_WASM,
      '-O3',
      '--enable',
      'simd',
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
  if (error) throw new Error(`build-engine: asc failed: ${error.message}\n${stderr.join('')}`);
  return out;
}
