/**
 * The convolution and dense passes ./layerKernels.ts runs an architecture with, in two implementations behind
 * one interface: plain TypeScript loops (`createTsPasses`), and the SIMD engine's generic kernels
 * (`createWasmPasses`, ./assembly/convForward.ts, convBackward.ts and dense.ts) on buffers in its memory. The wasm passes
 * keep some work for the end of a batch or of a group of samples: convolutions with 4 or more input channels
 * accumulate their kernel gradient in a transposed layout folded into `grads` by `endBatch`, and dense layers
 * take their kernel gradient over groups of DENSE_GROUP samples.
 */
import { dropoutScale, dropoutStream, dropoutThreshold } from './layout';
import type { ConvStep, DenseStep, DropoutStep, PoolStep, Step } from './layerSteps';

/** Samples whose dense kernel gradients the wasm passes take at once (each row of it read once per group). */
const DENSE_GROUP = 16;

export interface LayerPasses {
  convForward(s: ConvStep, x: Float32Array, out: Float32Array): void;
  convBackward(
    s: ConvStep,
    x: Float32Array,
    out: Float32Array,
    dOut: Float32Array,
    dIn: Float32Array | null,
  ): void;
  denseForward(s: DenseStep, x: Float32Array, out: Float32Array): void;
  poolForward(s: PoolStep, x: Float32Array, out: Float32Array): void;
  /** dIn = the gradient of the pooling's input: dOut at each window's arg-max, 0 elsewhere. */
  poolBackward(s: PoolStep, dOut: Float32Array, dIn: Float32Array): void;
  /** out = x × sample `sample`'s mask under `seed` (./layout.ts dropoutMask), which s.mask keeps; rate > 0. */
  dropoutForward(s: DropoutStep, x: Float32Array, out: Float32Array, seed: number, sample: number): void;
  /** dIn = dOut × the mask of the last dropoutForward. */
  dropoutBackward(s: DropoutStep, dOut: Float32Array, dIn: Float32Array): void;
  denseBackward(
    s: DenseStep,
    x: Float32Array,
    out: Float32Array,
    dOut: Float32Array,
    dIn: Float32Array | null,
  ): void;
  /** Before a training batch's first sample (the parameters may have changed since the last). */
  beginBatch(): void;
  /** After each training sample's backward pass. */
  sampleDone(): void;
  /** After a training batch's last sample: every gradient is in `grads`. */
  endBatch(): void;
}

/** The SIMD engine's exports that the wasm passes use (a fresh instance, so a memory of its own). */
export interface LayerWasm {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  convForwardScratch(h: number, w: number, c: number): number;
  convBackwardScratch(
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    f: number,
    pad: number,
  ): number;
  denseScratch(n: number, samples: number): number;
  // prettier-ignore
  layerConvForward(x: number, h: number, w: number, c: number, out: number, oh: number, ow: number, f: number,
    k: number, pad: number, relu: number, kernel: number, bias: number, scratch: number, rows: number,
    cols: number): void;
  // prettier-ignore
  layerConvBackward(x: number, h: number, w: number, c: number, out: number, dOut: number, dIn: number, dz: number,
    oh: number, ow: number, f: number, k: number, pad: number, relu: number, kernel: number, gradKernel: number,
    gradBias: number): void;
  // prettier-ignore
  layerConvBackwardT(x: number, h: number, w: number, c: number, out: number, dOut: number, dIn: number, dz: number,
    oh: number, ow: number, f: number, k: number, pad: number, relu: number, kernelT: number, gradKernelT: number,
    gradBias: number, scratch: number): void;
  // prettier-ignore
  layerConvBackwardFew(x: number, h: number, w: number, c: number, out: number, dOut: number, dz: number,
    oh: number, ow: number, f: number, k: number, pad: number, relu: number, gradKernel: number,
    gradBias: number, scratch: number): void;
  layerConvTranspose(src: number, dst: number, kk: number, c: number, f: number): void;
  layerConvAddTransposed(src: number, dst: number, kk: number, c: number, f: number): void;
  // prettier-ignore
  layerDenseForward(x: number, n: number, out: number, units: number, relu: number, kernel: number, bias: number,
    scratch: number): void;
  // prettier-ignore
  layerDenseBackward(n: number, out: number, dOut: number, dIn: number, dz: number, units: number, relu: number,
    kernel: number, gradBias: number): number;
  // prettier-ignore
  layerDenseGrad(xs: number, dzs: number, samples: number, n: number, units: number, gradKernel: number,
    scratch: number): void;
  layerDropoutForward(
    x: number,
    out: number,
    mask: number,
    n: number,
    state: number,
    threshold: number,
    scale: number,
  ): void;
  layerDropoutBackward(dOut: number, mask: number, dIn: number, n: number): void;
  layerAdam(
    params: number,
    grads: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    c1: number,
    c2: number,
  ): void;
  layerAddTo(dst: number, src: number, n: number): void;
  layerPoolForward(
    x: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    out: number,
    argmax: number,
  ): void;
  layerPoolBackward(dOut: number, n: number, argmax: number, dIn: number, inN: number): void;
}

/** The pooling backward pass in TypeScript (both pass sets' fallback shape). */
export function poolBackward(s: PoolStep, dOut: Float32Array, dIn: Float32Array): void {
  dIn.fill(0);
  for (let j = 0; j < dOut.length; j++) dIn[s.argmax[j]] += dOut[j];
}

/** n rounded up to a multiple of 4: every buffer of ./layerKernels.ts is carved in such lengths. */
export const round4 = (n: number) => Math.ceil(n / 4) * 4;

/** Carves float buffers out of one block (see ./layerKernels.ts). */
export type Take = (floats: number) => Float32Array;

/** Whether the wasm passes run this convolution's backward pass on transposed kernels (./assembly/convBackward.ts). */
const transposed = (s: ConvStep) => s.c >= 4;

/** Floats of the block the wasm passes need besides the kernels' own buffers, and the scratch bytes among them. */
export function wasmPassesFloats(wasm: LayerWasm, steps: readonly Step[]): number {
  let floats = 0;
  let scratch = 0;
  for (const s of steps) {
    if (s.kind === 'conv') {
      if (transposed(s)) floats += 2 * (s.k * s.k * s.c * s.f + 4);
      scratch = Math.max(
        scratch,
        wasm.convForwardScratch(s.h, s.w, s.c),
        wasm.convBackwardScratch(s.h, s.w, s.c, s.oh, s.ow, s.f, s.pad),
      );
    } else if (s.kind === 'pool') {
      floats += s.argmax.length + 4;
    } else if (s.kind === 'dropout') {
      floats += s.n + 4;
    } else if (s.kind === 'dense') {
      floats += DENSE_GROUP * (s.n + s.units) + 8;
      scratch = Math.max(scratch, wasm.denseScratch(s.n, DENSE_GROUP));
    }
  }
  return floats + Math.ceil(scratch / 4) + 4;
}

export function createWasmPasses(
  wasm: LayerWasm,
  steps: readonly Step[],
  params: Float32Array,
  grads: Float32Array,
  dz: Float32Array,
  take: Take,
): LayerPasses {
  const at = (a: Float32Array, offset = 0) => a.byteOffset + offset * 4;
  const convT = new Map<ConvStep, { kernelT: Float32Array; gradT: Float32Array }>();
  const dense = new Map<DenseStep, { xs: Float32Array; dzs: Float32Array }>();
  let scratchFloats = 0;
  for (const s of steps) {
    if (s.kind === 'conv') {
      if (transposed(s)) {
        const n = s.k * s.k * s.c * s.f;
        convT.set(s, { kernelT: take(n), gradT: take(n) });
      }
      scratchFloats = Math.max(
        scratchFloats,
        wasm.convForwardScratch(s.h, s.w, s.c) / 4,
        wasm.convBackwardScratch(s.h, s.w, s.c, s.oh, s.ow, s.f, s.pad) / 4,
      );
    } else if (s.kind === 'pool') {
      // The arg-maxes move into the wasm memory, where layerPoolForward writes them.
      const room = take(s.argmax.length);
      s.argmax = new Int32Array(room.buffer, room.byteOffset, s.argmax.length);
    } else if (s.kind === 'dropout') {
      s.mask = take(s.n); // so is the mask, which layerDropoutForward draws
    } else if (s.kind === 'dense') {
      dense.set(s, { xs: take(DENSE_GROUP * s.n), dzs: take(DENSE_GROUP * s.units) });
      scratchFloats = Math.max(scratchFloats, wasm.denseScratch(s.n, DENSE_GROUP) / 4);
    }
  }
  const scratch = at(take(Math.ceil(scratchFloats)));
  let slot = 0;
  const flushDense = () => {
    if (slot === 0) return;
    for (const [s, b] of dense)
      wasm.layerDenseGrad(at(b.xs), at(b.dzs), slot, s.n, s.units, at(grads, s.kernel), scratch);
    slot = 0;
  };
  return {
    convForward(s, x, out) {
      const p = at(params);
      wasm.layerConvForward(
        at(x),
        s.h,
        s.w,
        s.c,
        at(out),
        s.oh,
        s.ow,
        s.f,
        s.k,
        s.pad,
        s.relu ? 1 : 0,
        p + s.kernel * 4,
        p + s.bias * 4,
        scratch,
        s.usedH,
        s.usedW,
      );
    },
    convBackward(s, x, out, dOut, dIn) {
      const t = convT.get(s);
      if (t) {
        wasm.layerConvBackwardT(
          at(x),
          s.h,
          s.w,
          s.c,
          at(out),
          at(dOut),
          dIn ? at(dIn) : 0,
          at(dz),
          s.oh,
          s.ow,
          s.f,
          s.k,
          s.pad,
          s.relu ? 1 : 0,
          at(t.kernelT),
          at(t.gradT),
          at(grads, s.bias),
          scratch,
        );
        return;
      }
      if (!dIn) {
        // prettier-ignore
        wasm.layerConvBackwardFew(at(x), s.h, s.w, s.c, at(out), at(dOut), at(dz), s.oh, s.ow, s.f, s.k, s.pad,
          s.relu ? 1 : 0, at(grads, s.kernel), at(grads, s.bias), scratch);
        return;
      }
      wasm.layerConvBackward(
        at(x),
        s.h,
        s.w,
        s.c,
        at(out),
        at(dOut),
        dIn ? at(dIn) : 0,
        at(dz),
        s.oh,
        s.ow,
        s.f,
        s.k,
        s.pad,
        s.relu ? 1 : 0,
        at(params, s.kernel),
        at(grads, s.kernel),
        at(grads, s.bias),
      );
    },
    denseForward(s, x, out) {
      wasm.layerDenseForward(
        at(x),
        s.n,
        at(out),
        s.units,
        s.relu ? 1 : 0,
        at(params, s.kernel),
        at(params, s.bias),
        scratch,
      );
    },
    poolForward(s, x, out) {
      wasm.layerPoolForward(at(x), s.w, s.c, s.oh, s.ow, at(out), s.argmax.byteOffset);
    },
    poolBackward(s, dOut, dIn) {
      wasm.layerPoolBackward(at(dOut), dOut.length, s.argmax.byteOffset, at(dIn), dIn.length);
    },
    // Both run over n rounded up to 4: every buffer is carved in multiples of 4 floats (./layerKernels.ts).
    dropoutForward(s, x, out, seed, sample) {
      // prettier-ignore
      wasm.layerDropoutForward(at(x), at(out), at(s.mask), round4(s.n), dropoutStream(seed, sample, s.layer) | 0,
        dropoutThreshold(s.rate), dropoutScale(s.rate));
    },
    dropoutBackward(s, dOut, dIn) {
      wasm.layerDropoutBackward(at(dOut), at(s.mask), at(dIn), round4(s.n));
    },
    denseBackward(s, x, out, dOut, dIn) {
      const b = dense.get(s)!;
      b.xs.set(x.subarray(0, s.n), slot * s.n);
      wasm.layerDenseBackward(
        s.n,
        at(out),
        at(dOut),
        dIn ? at(dIn) : 0,
        at(b.dzs, slot * s.units),
        s.units,
        s.relu ? 1 : 0,
        at(params, s.kernel),
        at(grads, s.bias),
      );
    },
    beginBatch() {
      slot = 0;
      for (const [s, t] of convT) {
        wasm.layerConvTranspose(at(params, s.kernel), at(t.kernelT), s.k * s.k, s.c, s.f);
        t.gradT.fill(0);
      }
    },
    sampleDone() {
      if (dense.size > 0 && ++slot === DENSE_GROUP) flushDense();
    },
    endBatch() {
      flushDense();
      for (const [s, t] of convT)
        wasm.layerConvAddTransposed(at(t.gradT), at(grads, s.kernel), s.k * s.k, s.c, s.f);
    },
  };
}
