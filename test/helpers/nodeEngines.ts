/**
 * Mocha setup for tests of our CPU engine on Node worker threads (scripts/engineNode.ts): MNIST, the engine's
 * WebAssembly and its worker bundle loaded once before the suite, and every engine the suite made disposed after
 * it. Call it inside a `describe`.
 */
import { join } from 'node:path';
import { createOnrampCpuEngine, type OnrampCpuEngine } from '../../src/webview/engine/engine';
import {
  bundleEngineWorker,
  engineWasmBytes,
  loadMnist,
  type MnistArrays,
  nodeWorkerFactory,
} from '../../scripts/engineNode';

const root = join(__dirname, '../..');

export interface NodeEngines {
  /** All of MNIST (available once the suite's `before` ran). */
  readonly data: MnistArrays;
  /** A new engine on `threads` workers (disposed after the suite). */
  make(threads: number, kernels?: 'wasm' | 'ts'): Promise<OnrampCpuEngine>;
}

export function useNodeEngines(): NodeEngines {
  let loaded: { data: MnistArrays; wasm: Uint8Array; workerSource: string } | undefined;
  const made: OnrampCpuEngine[] = [];
  const ready = () => {
    if (!loaded) throw new Error('useNodeEngines: used before the suite started');
    return loaded;
  };
  before(async () => {
    loaded = {
      data: loadMnist(root),
      wasm: await engineWasmBytes(root),
      workerSource: await bundleEngineWorker(root),
    };
  });
  after(() => made.forEach((e) => e.dispose()));
  return {
    get data() {
      return ready().data;
    },
    async make(threads, kernels = 'wasm') {
      const { wasm, workerSource } = ready();
      const engine = await createOnrampCpuEngine({
        wasm,
        spawnWorker: nodeWorkerFactory(workerSource),
        threads,
        kernels,
      });
      made.push(engine);
      return engine;
    },
  };
}
