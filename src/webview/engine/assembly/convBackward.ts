import { compactNonzero } from './sparse';

// Convolutions of any architecture, backward (./convForward.ts has the conventions). For layers with 4 or more
// input channels: the gradient after a max-pooling and a ReLU is mostly zero, so both the kernel gradient and
// the input gradient loop over its nonzero entries only, on kernels transposed to [filter][tap][channel]
// (layerConvTranspose) so that each entry's work is vectors over the input channels: a filter's
// kernel-gradient row stays in registers while its entries are summed, and an input pixel's gradient while
// its taps' entries are. Layers with fewer input channels without an input gradient (the first, on the
// image): layerConvBackwardFew, vectorised over the filters; with one, ./layers.ts layerConvBackward.

/** Bytes of scratch layerConvBackwardT needs for an output of oh × ow × f. */
export function convBackwardScratch(oh: i32, ow: i32, f: i32): i32 {
  const n = oh * ow * f;
  return (4 * n + f + 3 * oh * ow + 2) << 2;
}

/** dz = dOut where ReLU let the value through (out > 0), or dOut itself for a linear layer; n floats. */
function reluGradient(out: usize, dOut: usize, dz: usize, n: i32, relu: bool): void {
  const zero = f32x4.splat(0);
  if (!relu) {
    memory.copy(dz, dOut, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = <usize>i << 2;
    v128.store(dz + a, v128.and(v128.load(dOut + a), f32x4.gt(v128.load(out + a), zero)));
  }
  for (; i < n; i++) {
    const a = <usize>i << 2;
    store<f32>(dz + a, load<f32>(out + a) > 0 ? load<f32>(dOut + a) : 0);
  }
}

/**
 * Gradients of one sample's convolution from the kernel transposed to [f][tap][c] (kernelT): gradKernelT
 * ([f][tap][c]) and gradBias accumulate; dIn (when not 0) is overwritten with the input gradient. `dz` is
 * oh * ow * f floats of room for the gradient before the activation (dOut where ReLU let the value through).
 */
export function layerConvBackwardT(
  x: usize, h: i32, w: i32, c: i32, out: usize, dOut: usize, dIn: usize, dz: usize, oh: i32, ow: i32,
  f: i32, k: i32, pad: i32, relu: bool, kernelT: usize, gradKernelT: usize, gradBias: usize, scratch: usize,
): void {
  const P = oh * ow;
  const n = P * f;
  const zero = f32x4.splat(0);
  reluGradient(out, dOut, dz, n, relu);
  const kk = k * k;
  const cIdx = scratch; // filter-major list: output position of each nonzero
  const cVal = cIdx + (<usize>n << 2);
  const cStart = cVal + (<usize>n << 2);
  const pIdx = cStart + (<usize>(f + 1) << 2); // position-major list: filter of each nonzero
  const pVal = pIdx + (<usize>n << 2);
  const pStart = pVal + (<usize>n << 2);
  const tabY = pStart + (<usize>(P + 1) << 2);
  const tabX = tabY + (<usize>P << 2);
  for (let p = 0; p < P; p++) {
    const oy = p / ow;
    store<i32>(tabY + (<usize>p << 2), oy);
    store<i32>(tabX + (<usize>p << 2), p - oy * ow);
  }
  compactNonzero(dz, f, P, 1, f, cIdx, cVal, cStart);
  const rowX = <usize>c << 2; // bytes of one input pixel
  const c32 = c & ~31;
  const c4 = c & ~3;
  // Bias and kernel gradients, filter by filter: the filter's row for one tap stays in registers over its entries.
  for (let co = 0; co < f; co++) {
    const t0 = load<i32>(cStart + (<usize>co << 2));
    const t1 = load<i32>(cStart + (<usize>co << 2), 4);
    if (t0 == t1) continue;
    let sum: f32 = 0;
    for (let t = t0; t < t1; t++) sum += load<f32>(cVal + (<usize>t << 2));
    const gb = gradBias + (<usize>co << 2);
    store<f32>(gb, load<f32>(gb) + sum);
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const g = gradKernelT + (<usize>((co * kk + ky * k + kx) * c) << 2);
        const dy = ky - pad;
        const dx = kx - pad;
        let b = 0;
        for (; b < c32; b += 32) {
          const gb0 = g + (<usize>b << 2);
          let a0 = v128.load(gb0);
          let a1 = v128.load(gb0, 16);
          let a2 = v128.load(gb0, 32);
          let a3 = v128.load(gb0, 48);
          let a4 = v128.load(gb0, 64);
          let a5 = v128.load(gb0, 80);
          let a6 = v128.load(gb0, 96);
          let a7 = v128.load(gb0, 112);
          for (let t = t0; t < t1; t++) {
            const p = load<i32>(cIdx + (<usize>t << 2));
            const iy = load<i32>(tabY + (<usize>p << 2)) + dy;
            const ix = load<i32>(tabX + (<usize>p << 2)) + dx;
            if (<u32>iy >= <u32>h || <u32>ix >= <u32>w) continue;
            const s = v128.load32_splat(cVal + (<usize>t << 2));
            const xr = x + <usize>(iy * w + ix) * rowX + (<usize>b << 2);
            a0 = f32x4.add(a0, f32x4.mul(s, v128.load(xr)));
            a1 = f32x4.add(a1, f32x4.mul(s, v128.load(xr, 16)));
            a2 = f32x4.add(a2, f32x4.mul(s, v128.load(xr, 32)));
            a3 = f32x4.add(a3, f32x4.mul(s, v128.load(xr, 48)));
            a4 = f32x4.add(a4, f32x4.mul(s, v128.load(xr, 64)));
            a5 = f32x4.add(a5, f32x4.mul(s, v128.load(xr, 80)));
            a6 = f32x4.add(a6, f32x4.mul(s, v128.load(xr, 96)));
            a7 = f32x4.add(a7, f32x4.mul(s, v128.load(xr, 112)));
          }
          v128.store(gb0, a0);
          v128.store(gb0, a1, 16);
          v128.store(gb0, a2, 32);
          v128.store(gb0, a3, 48);
          v128.store(gb0, a4, 64);
          v128.store(gb0, a5, 80);
          v128.store(gb0, a6, 96);
          v128.store(gb0, a7, 112);
        }
        for (; b < c4; b += 4) {
          const gb0 = g + (<usize>b << 2);
          let a = v128.load(gb0);
          for (let t = t0; t < t1; t++) {
            const p = load<i32>(cIdx + (<usize>t << 2));
            const iy = load<i32>(tabY + (<usize>p << 2)) + dy;
            const ix = load<i32>(tabX + (<usize>p << 2)) + dx;
            if (<u32>iy >= <u32>h || <u32>ix >= <u32>w) continue;
            const xr = x + <usize>(iy * w + ix) * rowX + (<usize>b << 2);
            a = f32x4.add(a, f32x4.mul(v128.load32_splat(cVal + (<usize>t << 2)), v128.load(xr)));
          }
          v128.store(gb0, a);
        }
        for (; b < c; b++) {
          const gb0 = g + (<usize>b << 2);
          let a = load<f32>(gb0);
          for (let t = t0; t < t1; t++) {
            const p = load<i32>(cIdx + (<usize>t << 2));
            const iy = load<i32>(tabY + (<usize>p << 2)) + dy;
            const ix = load<i32>(tabX + (<usize>p << 2)) + dx;
            if (<u32>iy >= <u32>h || <u32>ix >= <u32>w) continue;
            a += load<f32>(cVal + (<usize>t << 2)) * load<f32>(x + <usize>(iy * w + ix) * rowX + (<usize>b << 2));
          }
          store<f32>(gb0, a);
        }
      }
    }
  }
  if (dIn == 0) return;
  // Input gradient, pixel by pixel: the pixel's channels stay in registers over the entries of every tap.
  compactNonzero(dz, P, f, f, 1, pIdx, pVal, pStart);
  const rowT = <usize>(kk * c) << 2; // bytes of one filter in kernelT
  for (let iy = 0; iy < h; iy++) {
    for (let ix = 0; ix < w; ix++) {
      const d = dIn + <usize>(iy * w + ix) * rowX;
      let b = 0;
      for (; b < c32; b += 32) {
        let a0 = zero;
        let a1 = zero;
        let a2 = zero;
        let a3 = zero;
        let a4 = zero;
        let a5 = zero;
        let a6 = zero;
        let a7 = zero;
        for (let ky = 0; ky < k; ky++) {
          const oy = iy - ky + pad;
          if (<u32>oy >= <u32>oh) continue;
          for (let kx = 0; kx < k; kx++) {
            const ox = ix - kx + pad;
            if (<u32>ox >= <u32>ow) continue;
            const p = <usize>(oy * ow + ox) << 2;
            const t1 = load<i32>(pStart + p, 4);
            const kt = kernelT + (<usize>((ky * k + kx) * c + b) << 2);
            for (let t = load<i32>(pStart + p); t < t1; t++) {
              const s = v128.load32_splat(pVal + (<usize>t << 2));
              const kr = kt + <usize>load<i32>(pIdx + (<usize>t << 2)) * rowT;
              a0 = f32x4.add(a0, f32x4.mul(s, v128.load(kr)));
              a1 = f32x4.add(a1, f32x4.mul(s, v128.load(kr, 16)));
              a2 = f32x4.add(a2, f32x4.mul(s, v128.load(kr, 32)));
              a3 = f32x4.add(a3, f32x4.mul(s, v128.load(kr, 48)));
              a4 = f32x4.add(a4, f32x4.mul(s, v128.load(kr, 64)));
              a5 = f32x4.add(a5, f32x4.mul(s, v128.load(kr, 80)));
              a6 = f32x4.add(a6, f32x4.mul(s, v128.load(kr, 96)));
              a7 = f32x4.add(a7, f32x4.mul(s, v128.load(kr, 112)));
            }
          }
        }
        const db = d + (<usize>b << 2);
        v128.store(db, a0);
        v128.store(db, a1, 16);
        v128.store(db, a2, 32);
        v128.store(db, a3, 48);
        v128.store(db, a4, 64);
        v128.store(db, a5, 80);
        v128.store(db, a6, 96);
        v128.store(db, a7, 112);
      }
      for (; b < c4; b += 4) {
        let a = zero;
        for (let ky = 0; ky < k; ky++) {
          const oy = iy - ky + pad;
          if (<u32>oy >= <u32>oh) continue;
          for (let kx = 0; kx < k; kx++) {
            const ox = ix - kx + pad;
            if (<u32>ox >= <u32>ow) continue;
            const p = <usize>(oy * ow + ox) << 2;
            const t1 = load<i32>(pStart + p, 4);
            const kt = kernelT + (<usize>((ky * k + kx) * c + b) << 2);
            for (let t = load<i32>(pStart + p); t < t1; t++)
              a = f32x4.add(a, f32x4.mul(v128.load32_splat(pVal + (<usize>t << 2)), v128.load(kt + <usize>load<i32>(pIdx + (<usize>t << 2)) * rowT)));
          }
        }
        v128.store(d + (<usize>b << 2), a);
      }
      for (; b < c; b++) {
        let a: f32 = 0;
        for (let ky = 0; ky < k; ky++) {
          const oy = iy - ky + pad;
          if (<u32>oy >= <u32>oh) continue;
          for (let kx = 0; kx < k; kx++) {
            const ox = ix - kx + pad;
            if (<u32>ox >= <u32>ow) continue;
            const p = <usize>(oy * ow + ox) << 2;
            const t1 = load<i32>(pStart + p, 4);
            const kt = kernelT + (<usize>((ky * k + kx) * c + b) << 2);
            for (let t = load<i32>(pStart + p); t < t1; t++)
              a += load<f32>(pVal + (<usize>t << 2)) * load<f32>(kt + <usize>load<i32>(pIdx + (<usize>t << 2)) * rowT);
          }
        }
        store<f32>(d + (<usize>b << 2), a);
      }
    }
  }
}

/**
 * Kernel (HWIO) and bias gradients of one sample's convolution with few input channels (the first, on the
 * image), without an input gradient: per input channel, its nonzero values listed row by row; then for every
 * tap, 32 filters at a time in registers, the sum over those values of value × the gradient of the output
 * position the value feeds through that tap. `dz` as in layerConvBackwardT; scratch as layerConvForward's.
 */
export function layerConvBackwardFew(
  x: usize, h: i32, w: i32, c: i32, out: usize, dOut: usize, dz: usize, oh: i32, ow: i32, f: i32, k: i32,
  pad: i32, relu: bool, gradKernel: usize, gradBias: usize, scratch: usize,
): void {
  const P = oh * ow;
  const n = P * f;
  const zero = f32x4.splat(0);
  reluGradient(out, dOut, dz, n, relu);
  const rowF = <usize>f << 2;
  let j = 0;
  for (; j + 4 <= f; j += 4) {
    let a = zero;
    for (let p = 0; p < P; p++) a = f32x4.add(a, v128.load(dz + <usize>p * rowF + (<usize>j << 2)));
    const gb = gradBias + (<usize>j << 2);
    v128.store(gb, f32x4.add(v128.load(gb), a));
  }
  for (; j < f; j++) {
    let a: f32 = 0;
    for (let p = 0; p < P; p++) a += load<f32>(dz + <usize>p * rowF + (<usize>j << 2));
    const gb = gradBias + (<usize>j << 2);
    store<f32>(gb, load<f32>(gb) + a);
  }
  const idx = scratch;
  const val = idx + (<usize>(h * w) << 2);
  const start = val + (<usize>(h * w) << 2);
  const rowOut = <usize>ow * rowF;
  for (let ci = 0; ci < c; ci++) {
    compactNonzero(x + (<usize>ci << 2), h, w, w * c, c, idx, val, start);
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const g = gradKernel + <usize>((ky * k + kx) * c + ci) * rowF;
        const dx = pad - kx;
        let jb = 0;
        for (; jb + 32 <= f; jb += 32) {
          const gj = g + (<usize>jb << 2);
          let a0 = v128.load(gj);
          let a1 = v128.load(gj, 16);
          let a2 = v128.load(gj, 32);
          let a3 = v128.load(gj, 48);
          let a4 = v128.load(gj, 64);
          let a5 = v128.load(gj, 80);
          let a6 = v128.load(gj, 96);
          let a7 = v128.load(gj, 112);
          for (let iy = 0; iy < h; iy++) {
            const oy = iy - ky + pad;
            if (<u32>oy >= <u32>oh) continue;
            const row = dz + <usize>oy * rowOut + (<usize>jb << 2);
            const t1 = load<i32>(start + (<usize>iy << 2), 4);
            for (let t = load<i32>(start + (<usize>iy << 2)); t < t1; t++) {
              const ox = load<i32>(idx + (<usize>t << 2)) + dx;
              if (<u32>ox >= <u32>ow) continue;
              const s = v128.load32_splat(val + (<usize>t << 2));
              const d = row + <usize>ox * rowF;
              a0 = f32x4.add(a0, f32x4.mul(s, v128.load(d)));
              a1 = f32x4.add(a1, f32x4.mul(s, v128.load(d, 16)));
              a2 = f32x4.add(a2, f32x4.mul(s, v128.load(d, 32)));
              a3 = f32x4.add(a3, f32x4.mul(s, v128.load(d, 48)));
              a4 = f32x4.add(a4, f32x4.mul(s, v128.load(d, 64)));
              a5 = f32x4.add(a5, f32x4.mul(s, v128.load(d, 80)));
              a6 = f32x4.add(a6, f32x4.mul(s, v128.load(d, 96)));
              a7 = f32x4.add(a7, f32x4.mul(s, v128.load(d, 112)));
            }
          }
          v128.store(gj, a0);
          v128.store(gj, a1, 16);
          v128.store(gj, a2, 32);
          v128.store(gj, a3, 48);
          v128.store(gj, a4, 64);
          v128.store(gj, a5, 80);
          v128.store(gj, a6, 96);
          v128.store(gj, a7, 112);
        }
        for (; jb + 4 <= f; jb += 4) {
          const gj = g + (<usize>jb << 2);
          let a = v128.load(gj);
          for (let iy = 0; iy < h; iy++) {
            const oy = iy - ky + pad;
            if (<u32>oy >= <u32>oh) continue;
            const row = dz + <usize>oy * rowOut + (<usize>jb << 2);
            const t1 = load<i32>(start + (<usize>iy << 2), 4);
            for (let t = load<i32>(start + (<usize>iy << 2)); t < t1; t++) {
              const ox = load<i32>(idx + (<usize>t << 2)) + dx;
              if (<u32>ox >= <u32>ow) continue;
              a = f32x4.add(a, f32x4.mul(v128.load32_splat(val + (<usize>t << 2)), v128.load(row + <usize>ox * rowF)));
            }
          }
          v128.store(gj, a);
        }
        for (; jb < f; jb++) {
          const gj = g + (<usize>jb << 2);
          let a = load<f32>(gj);
          for (let iy = 0; iy < h; iy++) {
            const oy = iy - ky + pad;
            if (<u32>oy >= <u32>oh) continue;
            const row = dz + <usize>oy * rowOut + (<usize>jb << 2);
            const t1 = load<i32>(start + (<usize>iy << 2), 4);
            for (let t = load<i32>(start + (<usize>iy << 2)); t < t1; t++) {
              const ox = load<i32>(idx + (<usize>t << 2)) + dx;
              if (<u32>ox >= <u32>ow) continue;
              a += load<f32>(val + (<usize>t << 2)) * load<f32>(row + <usize>ox * rowF);
            }
          }
          store<f32>(gj, a);
        }
      }
    }
  }
}
