import { gatherChannels } from './gather';
import { madd } from './simd';
import { compactNonzero } from './sparse';

// Convolutions of any architecture, backward (./convForward.ts has the conventions). For layers with 4 or more
// input channels: the gradient after a max-pooling and a ReLU is mostly zero, so both the kernel gradient and
// the input gradient loop over its nonzero entries only, on kernels transposed to [filter][tap][channel]
// (layerConvTranspose) so that each entry's work is vectors over the input channels: a filter's
// kernel-gradient row stays in registers while its entries are summed, and an input pixel's gradient while
// its taps' entries are. Layers with fewer input channels without an input gradient (the first, on the
// image): layerConvBackwardFew, vectorised over the filters; with one, ./layers.ts layerConvBackward.

/** Bytes of scratch layerConvBackwardT needs for an input of h × w × c and an output of oh × ow × f. */
export function convBackwardScratch(h: i32, w: i32, c: i32, oh: i32, ow: i32, f: i32, pad: i32): i32 {
  const n = oh * ow * f;
  return (5 * n + f + oh * ow + 3 + (pad > 0 ? (h + 2 * pad) * (w + 2 * pad) * c : 0)) << 2;
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

/** x (h × w × c) copied into the middle of xp ((h + 2 pad) × (w + 2 pad) × c), zeros around it. */
function padInput(x: usize, h: i32, w: i32, c: i32, pad: i32, xp: usize): void {
  const wp = w + 2 * pad;
  const rowX = <usize>c << 2;
  memory.fill(xp, 0, <usize>((h + 2 * pad) * wp) * rowX);
  for (let iy = 0; iy < h; iy++)
    memory.copy(xp + <usize>((iy + pad) * wp + pad) * rowX, x + <usize>(iy * w) * rowX, <usize>w * rowX);
}

/**
 * Gradients of one sample's convolution from the kernel transposed to [f][tap][c] (kernelT): gradKernelT
 * ([f][tap][c]) and gradBias accumulate; dIn (when not 0) is overwritten with the input gradient. `dz` is
 * oh * ow * f floats of room for the gradient before the activation (dOut where ReLU let the value through).
 * Both passes loop over lists of (byte offset, value) pairs of dz's nonzero entries, whose offsets already
 * point into what the entry multiplies, so the loops neither index nor test bounds: with padding, the kernel
 * gradient reads a copy of x with the zeros around it.
 */
export function layerConvBackwardT(
  x: usize, h: i32, w: i32, c: i32, out: usize, dOut: usize, dIn: usize, dz: usize, oh: i32, ow: i32,
  f: i32, k: i32, pad: i32, relu: bool, kernelT: usize, gradKernelT: usize, gradBias: usize, scratch: usize,
): void {
  const P = oh * ow;
  const n = P * f;
  const kk = k * k;
  const rowX = <usize>c << 2; // bytes of one input pixel
  const rowT = kk * c << 2; // bytes of one filter in kernelT
  const wp = w + 2 * pad;
  const byPosition = scratch; // pairs (kernelT offset, value), position by position
  const positionStart = byPosition + (<usize>n << 3);
  const filterOf = positionStart + (<usize>(P + 1) << 2); // each entry's filter
  const byFilter = filterOf + (<usize>n << 2); // pairs (offset in xp of the entry's output position, value)
  const filterStart = byFilter + (<usize>n << 3); // f + 2 counts, then starts, shifted by one
  const xp = pad > 0 ? filterStart + (<usize>(f + 2) << 2) : x;
  if (pad > 0) padInput(x, h, w, c, pad, xp);
  // Position-major list of dz (dOut where ReLU let the value through) in one pass over memory, four filters at
  // a time: after a pooling most fours are all zero. Entry (oy, ox, co) meets input (iy, ix) through tap
  // (ky, kx = ix + pad - ox), whose kernelT row is at co·rowT + (ky·k + ix + pad)·c·4 − ox·c·4: the entry
  // keeps the part without iy, ix, ky.
  const zero = f32x4.splat(0);
  const f4 = f & ~3;
  let m = 0;
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++) {
      const p = oy * ow + ox;
      store<i32>(positionStart + (<usize>p << 2), m);
      const at = <usize>(p * f) << 2;
      const back = ox * c << 2;
      let co = 0;
      for (; co < f4; co += 4) {
        const o = at + (<usize>co << 2);
        let v = v128.load(dOut + o);
        if (relu) v = v128.and(v, f32x4.gt(v128.load(out + o), zero));
        if (!v128.any_true(v)) continue;
        for (let l = 0; l < 4; l++) {
          const g = load<f32>(dOut + o + (<usize>l << 2));
          const kept = relu ? load<f32>(out + o + (<usize>l << 2)) > 0 : true;
          if (!kept || g == 0) continue;
          const e = byPosition + (<usize>m << 3);
          store<i32>(e, (co + l) * rowT - back);
          store<f32>(e, g, 4);
          store<i32>(filterOf + (<usize>m << 2), co + l);
          m++;
        }
      }
      for (; co < f; co++) {
        const o = at + (<usize>co << 2);
        const g = load<f32>(dOut + o);
        if (g == 0 || (relu && !(load<f32>(out + o) > 0))) continue;
        const e = byPosition + (<usize>m << 3);
        store<i32>(e, co * rowT - back);
        store<f32>(e, g, 4);
        store<i32>(filterOf + (<usize>m << 2), co);
        m++;
      }
    }
  store<i32>(positionStart + (<usize>P << 2), m);
  // Filter-major list from it (a counting sort); output (oy, ox) through tap (ky, kx) reads xp's pixel
  // (oy + ky, ox + kx).
  memory.fill(filterStart, 0, <usize>(f + 1) << 2);
  for (let t = 0; t < m; t++) {
    const q = filterStart + (<usize>load<i32>(filterOf + (<usize>t << 2)) << 2);
    store<i32>(q, load<i32>(q, 4) + 1, 4);
  }
  for (let co = 0; co < f; co++) {
    const q = filterStart + (<usize>co << 2);
    store<i32>(q, load<i32>(q, 4) + load<i32>(q), 4);
  }
  // filterStart[co + 1] is now where filter co ends; placing each entry there and counting down leaves
  // filterStart[co + 1] where it starts (and filterStart[co + 2] where it ends), entries in position order.
  store<i32>(filterStart + (<usize>(f + 1) << 2), m);
  for (let oy = oh - 1; oy >= 0; oy--)
    for (let ox = ow - 1; ox >= 0; ox--) {
      const p = oy * ow + ox;
      const t0 = load<i32>(positionStart + (<usize>p << 2));
      for (let t = load<i32>(positionStart + (<usize>p << 2), 4) - 1; t >= t0; t--) {
        const q = filterStart + (<usize>load<i32>(filterOf + (<usize>t << 2)) << 2);
        const slot = load<i32>(q, 4) - 1;
        store<i32>(q, slot, 4);
        const e = byFilter + (<usize>slot << 3);
        store<i32>(e, (oy * wp + ox) * c << 2);
        store<f32>(e, load<f32>(byPosition + (<usize>t << 3), 4), 4);
      }
    }
  // Bias and kernel gradients, filter by filter and tap by tap: the tap's row stays in registers over the entries.
  for (let co = 0; co < f; co++) {
    const e0 = byFilter + (<usize>load<i32>(filterStart + (<usize>co << 2), 4) << 3);
    const e1 = byFilter + (<usize>load<i32>(filterStart + (<usize>co << 2), 8) << 3);
    if (e0 == e1) continue;
    let sum: f32 = 0;
    for (let e = e0; e < e1; e += 8) sum += load<f32>(e, 4);
    const gb = gradBias + (<usize>co << 2);
    store<f32>(gb, load<f32>(gb) + sum);
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++) {
        const g = gradKernelT + (<usize>((co * kk + ky * k + kx) * c) << 2);
        gatherChannels(e0, e1, xp + <usize>(ky * wp + kx) * rowX, g, c);
      }
  }
  if (dIn == 0) return;
  // Input gradient, pixel by pixel: for each kernel row, the outputs it reaches are neighbours in one output
  // row, so one run of the list; the pixel's channels are summed over it.
  memory.fill(dIn, 0, <usize>(h * w) * rowX);
  for (let iy = 0; iy < h; iy++)
    for (let ix = 0; ix < w; ix++) {
      const d = dIn + <usize>(iy * w + ix) * rowX;
      const lo = max(ix + pad - k + 1, 0);
      const hi = min(ix + pad + 1, ow); // outputs [lo, hi) of a row
      if (lo >= hi) continue;
      for (let ky = 0; ky < k; ky++) {
        const oy = iy - ky + pad;
        if (<u32>oy >= <u32>oh) continue;
        const e0 = byPosition + (<usize>load<i32>(positionStart + (<usize>(oy * ow + lo) << 2)) << 3);
        const e1 = byPosition + (<usize>load<i32>(positionStart + (<usize>(oy * ow + hi) << 2)) << 3);
        if (e0 == e1) continue;
        gatherChannels(e0, e1, kernelT + (<usize>((ky * k + ix + pad) * c) << 2), d, c);
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
              a0 = madd(s, v128.load(d), a0);
              a1 = madd(s, v128.load(d, 16), a1);
              a2 = madd(s, v128.load(d, 32), a2);
              a3 = madd(s, v128.load(d, 48), a3);
              a4 = madd(s, v128.load(d, 64), a4);
              a5 = madd(s, v128.load(d, 80), a5);
              a6 = madd(s, v128.load(d, 96), a6);
              a7 = madd(s, v128.load(d, 112), a7);
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
              a = madd(v128.load32_splat(val + (<usize>t << 2)), v128.load(row + <usize>ox * rowF), a);
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
