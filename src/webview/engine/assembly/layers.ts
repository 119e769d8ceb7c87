import { hsum, madd } from './simd';

// The generic passes of every architecture but the article's (../layerKernels.ts drives them; the loss runs in
// TypeScript): max-pooling in ./pool.ts, dropout in ./dropout.ts, convolutions in ./convForward.ts and
// ./convBackward.ts, dense layers in ./dense.ts, the nonzero lists they share and the sums over them in
// ./gather.ts, the optimizer step in ./sparse.ts; and here the
// backward pass of a convolution with fewer than 4 input channels that must pass an input gradient back (a
// layer after one of 1 to 3 filters), which has too few channels to vectorise over and so runs over the
// filters, on the HWIO kernel: one sample, HWC activations, stride 1, `pad` zeros each side. (Without an input
// gradient, ./convBackward.ts layerConvBackwardFew.)
export { convForwardScratch, layerConvAddTransposed, layerConvForward, layerConvTranspose } from './convForward';
export { convBackwardScratch, layerConvBackwardFew, layerConvBackwardT } from './convBackward';
export { denseScratch, layerDenseBackward, layerDenseForward, layerDenseGrad } from './dense';
export { layerAdam, layerAddTo } from './sparse';
export { layerPoolBackward, layerPoolForward } from './pool';
export { layerDropoutBackward, layerDropoutForward } from './dropout';

/**
 * Gradients of one sample's convolution: gradKernel and gradBias accumulate; dIn (when not 0) is
 * overwritten with the input gradient. `dz` is scratch of oh * ow * f floats (the gradient before the
 * activation: dOut where ReLU let the value through).
 */
export function layerConvBackward(
  x: usize, h: i32, w: i32, c: i32, out: usize, dOut: usize, dIn: usize, dz: usize, oh: i32, ow: i32,
  f: i32, k: i32, pad: i32, relu: bool, kernel: usize, gradKernel: usize, gradBias: usize,
): void {
  const f4 = f & ~3;
  const zero = f32x4.splat(0);
  const n = oh * ow * f;
  if (relu) {
    for (let i = 0; i < n; i++) {
      const a = <usize>i << 2;
      store<f32>(dz + a, load<f32>(out + a) > 0 ? load<f32>(dOut + a) : 0);
    }
  } else memory.copy(dz, dOut, <usize>n << 2);
  if (dIn != 0) memory.fill(dIn, 0, <usize>(h * w * c) << 2);
  const rowK: usize = <usize>(c * f) << 2;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const g = dz + (<usize>((oy * ow + ox) * f) << 2);
      let any = false;
      for (let j = 0; j < f; j++) {
        const d = load<f32>(g + (<usize>j << 2));
        if (d != 0) {
          any = true;
          const b = gradBias + (<usize>j << 2);
          store<f32>(b, load<f32>(b) + d);
        }
      }
      if (!any) continue;
      for (let ky = 0; ky < k; ky++) {
        const iy = oy + ky - pad;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = ox + kx - pad;
          if (ix < 0 || ix >= w) continue;
          const xi = x + (<usize>((iy * w + ix) * c) << 2);
          const tap = <usize>(ky * k + kx) * rowK;
          for (let ci = 0; ci < c; ci++) {
            const off = tap + (<usize>(ci * f) << 2);
            const kr = kernel + off;
            const gr = gradKernel + off;
            const val = load<f32>(xi + (<usize>ci << 2));
            if (val != 0) {
              const s = f32x4.splat(val);
              let j = 0;
              for (; j < f4; j += 4) {
                const a = gr + (<usize>j << 2);
                v128.store(a, madd(s, v128.load(g + (<usize>j << 2)), v128.load(a)));
              }
              for (; j < f; j++) {
                const a = gr + (<usize>j << 2);
                store<f32>(a, load<f32>(a) + val * load<f32>(g + (<usize>j << 2)));
              }
            }
            if (dIn != 0) {
              let acc = zero;
              let j = 0;
              for (; j < f4; j += 4)
                acc = madd(v128.load(kr + (<usize>j << 2)), v128.load(g + (<usize>j << 2)), acc);
              let sum = hsum(acc);
              for (; j < f; j++) sum += load<f32>(kr + (<usize>j << 2)) * load<f32>(g + (<usize>j << 2));
              const a = dIn + (<usize>ci << 2) + (<usize>((iy * w + ix) * c) << 2);
              store<f32>(a, load<f32>(a) + sum);
            }
          }
        }
      }
    }
  }
}
