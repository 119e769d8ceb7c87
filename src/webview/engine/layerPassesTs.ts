/**
 * The convolution and dense passes of ./layerKernels.ts in plain TypeScript (no WebAssembly SIMD): one sample
 * at a time, HWC activations, HWIO kernels, every gradient added straight into `grads`.
 */
import { type LayerPasses, poolBackward } from './layerPasses';
import { dropoutMask } from './layout';
import { type ConvStep, type DenseStep, poolForward } from './layerSteps';

export function createTsPasses(
  params: Float32Array,
  grads: Float32Array,
  dz: Float32Array,
  acc: Float64Array,
): LayerPasses {
  function convForward(s: ConvStep, x: Float32Array, out: Float32Array) {
    const { h, w, c, oh, ow, f, k, pad } = s;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let o = 0; o < f; o++) acc[o] = params[s.bias + o];
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (ix < 0 || ix >= w) continue;
            const ib = (iy * w + ix) * c;
            const kb = s.kernel + (ky * k + kx) * c * f;
            for (let ci = 0; ci < c; ci++) {
              const val = x[ib + ci];
              if (val === 0) continue;
              const kr = kb + ci * f;
              for (let o = 0; o < f; o++) acc[o] += val * params[kr + o];
            }
          }
        }
        const ob = (oy * ow + ox) * f;
        if (s.relu) for (let o = 0; o < f; o++) out[ob + o] = acc[o] > 0 ? acc[o] : 0;
        else for (let o = 0; o < f; o++) out[ob + o] = acc[o];
      }
    }
  }
  function convBackward(
    s: ConvStep,
    x: Float32Array,
    out: Float32Array,
    dOut: Float32Array,
    dIn: Float32Array | null,
  ) {
    const { h, w, c, oh, ow, f, k, pad } = s;
    const n = oh * ow * f;
    for (let i = 0; i < n; i++) dz[i] = s.relu && out[i] <= 0 ? 0 : dOut[i];
    if (dIn) dIn.fill(0);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const ob = (oy * ow + ox) * f;
        let any = false;
        for (let o = 0; o < f; o++) {
          const g = dz[ob + o];
          if (g !== 0) {
            any = true;
            grads[s.bias + o] += g;
          }
        }
        if (!any) continue;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (ix < 0 || ix >= w) continue;
            const ib = (iy * w + ix) * c;
            const kb = s.kernel + (ky * k + kx) * c * f;
            for (let ci = 0; ci < c; ci++) {
              const kr = kb + ci * f;
              const val = x[ib + ci];
              if (val !== 0) for (let o = 0; o < f; o++) grads[kr + o] += val * dz[ob + o];
              if (dIn) {
                let sum = 0;
                for (let o = 0; o < f; o++) sum += params[kr + o] * dz[ob + o];
                dIn[ib + ci] += sum;
              }
            }
          }
        }
      }
    }
  }
  function denseForward(s: DenseStep, x: Float32Array, out: Float32Array) {
    const { n, units } = s;
    for (let j = 0; j < units; j++) acc[j] = params[s.bias + j];
    for (let i = 0; i < n; i++) {
      const val = x[i];
      if (val === 0) continue;
      const row = s.kernel + i * units;
      for (let j = 0; j < units; j++) acc[j] += val * params[row + j];
    }
    if (s.relu) for (let j = 0; j < units; j++) out[j] = acc[j] > 0 ? acc[j] : 0;
    else for (let j = 0; j < units; j++) out[j] = acc[j];
  }
  function denseBackward(
    s: DenseStep,
    x: Float32Array,
    out: Float32Array,
    dOut: Float32Array,
    dIn: Float32Array | null,
  ) {
    const { n, units } = s;
    let any = false;
    for (let j = 0; j < units; j++) {
      const g = s.relu && out[j] <= 0 ? 0 : dOut[j];
      dz[j] = g;
      if (g !== 0) any = true;
      grads[s.bias + j] += g;
    }
    if (!any) {
      dIn?.fill(0);
      return;
    }
    for (let i = 0; i < n; i++) {
      const val = x[i];
      const row = s.kernel + i * units;
      if (val !== 0) for (let j = 0; j < units; j++) grads[row + j] += val * dz[j];
      if (dIn) {
        let sum = 0;
        for (let j = 0; j < units; j++) sum += params[row + j] * dz[j];
        dIn[i] = sum;
      }
    }
  }
  const nothing = () => undefined;
  return {
    convForward,
    convBackward,
    denseForward,
    denseBackward,
    poolForward,
    poolBackward,
    dropoutForward(s, x, out, seed, sample) {
      s.mask = dropoutMask(s.rate, x.length, seed, sample, s.layer, s.mask);
      for (let j = 0; j < x.length; j++) out[j] = x[j] * s.mask[j];
    },
    dropoutBackward(s, dOut, dIn) {
      for (let j = 0; j < dOut.length; j++) dIn[j] = dOut[j] * s.mask[j];
    },
    beginBatch: nothing,
    sampleDone: nothing,
    endBatch: nothing,
  };
}
