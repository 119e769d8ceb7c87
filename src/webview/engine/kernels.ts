/**
 * The compute kernels behind the onramp CPU engine. For the article's model: WebAssembly SIMD (compiled from
 * ./assembly) or the plain TypeScript fallback (./tsKernels), both in its specialised layout of ./layout.ts
 * and computing the same gradients. For any other architecture: the layer-by-layer kernels of
 * ./layerKernels.ts, in `getWeights()` layout (their convolutions and dense layers in the same module's generic
 * SIMD passes, ./layerPasses.ts, or in TypeScript).
 */
import { IMAGE_PIXELS } from '../../shared/model';
import type { LayerWasm } from './layerPasses';
import { ADAM_DEFAULTS, type AdamConfig, PARAM_FLOATS } from './layout';

/**
 * 'wasm-simd' and 'ts': the article model's kernels; 'wasm-simd-layers' (convolutions in SIMD) and 'ts-layers':
 * any other architecture, layer by layer.
 */
export type KernelKind = 'wasm-simd' | 'ts' | 'wasm-simd-layers' | 'ts-layers';

/** Summed loss and number of correct predictions over the samples of one call. */
export interface BatchStats {
  lossSum: number;
  correct: number;
}

export interface Kernels {
  readonly kind: KernelKind;
  /** The parameters (internal layout). A live view: re-read it after `loadBatch`, which may grow memory. */
  params(): Float32Array;
  /** The gradients of the last `trainBatch` (internal layout), a live view like `params()`. */
  grads(): Float32Array;
  /** Zeroes Adam's moments and step count (new weights or a new optimizer). */
  resetOptimizer(): void;
  /** Copies `count` samples (indices `order[start..start+count)`, or `start..` when order is null). */
  loadBatch(
    images: Uint8Array,
    labels: Uint8Array,
    order: ArrayLike<number> | null,
    start: number,
    count: number,
  ): void;
  /**
   * Forward + backward over the loaded samples. The gradients are those of the mean loss over a batch of
   * `1 / invBatch` samples (these `count` may be only a worker's share of it).
   */
  trainBatch(count: number, invBatch: number): BatchStats;
  /**
   * Seeds the Dropout masks of the next `trainBatch`: the loaded samples are numbers `first..` of the batch
   * (see layout.ts `dropoutMask`). Kernels of architectures without Dropout do not have it.
   */
  setDropoutSeed?(seed: number, first: number): void;
  /** Forward only over the loaded samples. */
  evaluateBatch(count: number): BatchStats;
  /** grads += other (partial gradients of another worker). */
  addToGrads(other: Float32Array): void;
  /** One Adam step using `grads()`, exactly as tfjs's AdamOptimizer. */
  adamStep(config?: AdamConfig): void;
}

/** The smallest module using v128 (wasm-feature-detect's SIMD probe). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/** Whether this runtime can compile WebAssembly SIMD. */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Tracks tfjs's float32 `accBeta1`/`accBeta2` so bias corrections round the same way. */
export class AdamClock {
  private acc1 = 0;
  private acc2 = 0;
  private started = false;
  reset(): void {
    this.started = false;
  }
  /** Advances one step and returns the bias corrections (1 - beta1^t, 1 - beta2^t) as tfjs computes them. */
  tick(c: AdamConfig): { c1: number; c2: number } {
    if (!this.started) {
      this.acc1 = Math.fround(c.beta1);
      this.acc2 = Math.fround(c.beta2);
      this.started = true;
    } else {
      this.acc1 = Math.fround(this.acc1 * Math.fround(c.beta1));
      this.acc2 = Math.fround(this.acc2 * Math.fround(c.beta2));
    }
    return { c1: Math.fround(1 - this.acc1), c2: Math.fround(1 - this.acc2) };
  }
}

/**
 * One Adam step over plain arrays, as tfjs's AdamOptimizer computes it:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr (m / c1) / (sqrt(v / c2) + eps).
 */
export function adamUpdate(
  params: Float32Array,
  grads: Float32Array,
  m: Float32Array,
  v: Float32Array,
  { c1, c2 }: { c1: number; c2: number },
  { learningRate: lr, beta1, beta2, epsilon }: AdamConfig,
): void {
  for (let i = 0; i < params.length; i++) {
    const gi = grads[i];
    const mi = (m[i] = m[i] * beta1 + gi * (1 - beta1));
    const vi = (v[i] = v[i] * beta2 + gi * gi * (1 - beta2));
    params[i] -= lr * (mi / c1 / (Math.sqrt(vi / c2) + epsilon));
  }
}

interface EngineExports {
  memory: WebAssembly.Memory;
  init(): void;
  alloc(bytes: number): number;
  reserve(n: number): void;
  paramsPtr(): number;
  gradsPtr(): number;
  imagesPtr(): number;
  labelsPtr(): number;
  paramCount(): number;
  correct(): number;
  resetOptimizer(): void;
  trainBatch(n: number, invBatch: number): number;
  evaluateBatch(n: number): number;
  addToGrads(src: number): void;
  adam(lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
}

export type { LayerWasm } from './layerPasses';

const wasmImports = {
  env: {
    abort: () => {
      throw new Error('onramp-cpu: wasm abort');
    },
  },
};

export async function instantiateLayerWasm(module: WebAssembly.Module): Promise<LayerWasm> {
  const instance = await WebAssembly.instantiate(module, wasmImports);
  return instance.exports as unknown as LayerWasm;
}

/** Instantiates the SIMD engine from the bytes (or compiled module) of dist/engine/onramp-cpu.wasm. */
export async function createWasmKernels(source: BufferSource | WebAssembly.Module): Promise<Kernels> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const instance = await WebAssembly.instantiate(module, wasmImports);
  const x = instance.exports as unknown as EngineExports;
  x.init();
  if (x.paramCount() !== PARAM_FLOATS) throw new Error('onramp-cpu: wasm engine has an unexpected layout');
  let capacity = 0;
  let scratch = 0;
  const clock = new AdamClock();
  const f32 = (ptr: number, n: number) => new Float32Array(x.memory.buffer, ptr, n);
  const reserve = (n: number) => {
    if (n > capacity) {
      x.reserve(n);
      capacity = n;
    }
  };
  return {
    kind: 'wasm-simd',
    params: () => f32(x.paramsPtr(), PARAM_FLOATS),
    grads: () => f32(x.gradsPtr(), PARAM_FLOATS),
    resetOptimizer() {
      x.resetOptimizer();
      clock.reset();
    },
    loadBatch(images, labels, order, start, count) {
      reserve(count);
      const mem = new Uint8Array(x.memory.buffer);
      const ip = x.imagesPtr();
      const lp = x.labelsPtr();
      for (let k = 0; k < count; k++) {
        const s = order ? order[start + k] : start + k;
        mem.set(images.subarray(s * IMAGE_PIXELS, (s + 1) * IMAGE_PIXELS), ip + k * IMAGE_PIXELS);
        mem[lp + k] = labels[s];
      }
    },
    trainBatch(count, invBatch) {
      const lossSum = x.trainBatch(count, invBatch);
      return { lossSum, correct: x.correct() };
    },
    evaluateBatch(count) {
      const lossSum = x.evaluateBatch(count);
      return { lossSum, correct: x.correct() };
    },
    addToGrads(other) {
      if (scratch === 0) scratch = x.alloc(PARAM_FLOATS * 4);
      f32(scratch, PARAM_FLOATS).set(other);
      x.addToGrads(scratch);
    },
    adamStep(config = ADAM_DEFAULTS) {
      const { c1, c2 } = clock.tick(config);
      x.adam(config.learningRate, config.beta1, config.beta2, config.epsilon, c1, c2);
    },
  };
}
