import { compactNonzero } from './sparse';

// Convolutions of any architecture (../layerKernels.ts drives them), forward: one sample, HWC activations,
// HWIO kernel, stride 1, `pad` zeros each side ('same' padding is (k - 1) / 2). All pointers are byte addresses
// in this memory, from alloc(); f32 everywhere; `scratch` is room for the nonzero lists (../layerPasses.ts
// sizes it). Each output position sums, for every tap, the input pixel's nonzero channels (listed once per
// sample) times the kernel rows, 32 filters at a time in 8 vectors that stay in registers (then 4 at a time,
// then one), so each multiply-add loads one kernel vector and nothing is stored until the position is done.
// ./convBackward.ts has the backward passes, and the kernel transpositions they work on are here.

/** Bytes of scratch layerConvForward needs for an input of h × w × c. */
export function convForwardScratch(h: i32, w: i32, c: i32): i32 {
  return (2 * h * w * c + h * w + 1) << 2;
}

/** out[oy][ox][:] = act(bias + sum over taps and input channels of x * kernel); kernel HWIO. */
export function layerConvForward(
  x: usize, h: i32, w: i32, c: i32, out: usize, oh: i32, ow: i32, f: i32, k: i32, pad: i32, relu: bool,
  kernel: usize, bias: usize, scratch: usize,
): void {
  const hw = h * w;
  const idx = scratch;
  const val = idx + (<usize>(hw * c) << 2);
  const start = val + (<usize>(hw * c) << 2);
  compactNonzero(x, hw, c, c, 1, idx, val, start);
  const rowK = f << 2; // bytes from one input channel's kernel row to the next
  const tapK = <usize>(c * f) << 2; // bytes from one tap's kernel to the next
  const zero = f32x4.splat(0);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const o = out + (<usize>((oy * ow + ox) * f) << 2);
      let j = 0;
      for (; j + 32 <= f; j += 32) {
        const bj = bias + (<usize>j << 2);
        let a0 = v128.load(bj);
        let a1 = v128.load(bj, 16);
        let a2 = v128.load(bj, 32);
        let a3 = v128.load(bj, 48);
        let a4 = v128.load(bj, 64);
        let a5 = v128.load(bj, 80);
        let a6 = v128.load(bj, 96);
        let a7 = v128.load(bj, 112);
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (<u32>iy >= <u32>h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (<u32>ix >= <u32>w) continue;
            const q = <usize>(iy * w + ix) << 2;
            const t1 = load<i32>(start + q, 4);
            const kt = kernel + <usize>(ky * k + kx) * tapK + (<usize>j << 2);
            for (let t = load<i32>(start + q); t < t1; t++) {
              const s = v128.load32_splat(val + (<usize>t << 2));
              const kr = kt + <usize>(load<i32>(idx + (<usize>t << 2)) * rowK);
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
        const oj = o + (<usize>j << 2);
        if (relu) {
          a0 = f32x4.pmax(zero, a0);
          a1 = f32x4.pmax(zero, a1);
          a2 = f32x4.pmax(zero, a2);
          a3 = f32x4.pmax(zero, a3);
          a4 = f32x4.pmax(zero, a4);
          a5 = f32x4.pmax(zero, a5);
          a6 = f32x4.pmax(zero, a6);
          a7 = f32x4.pmax(zero, a7);
        }
        v128.store(oj, a0);
        v128.store(oj, a1, 16);
        v128.store(oj, a2, 32);
        v128.store(oj, a3, 48);
        v128.store(oj, a4, 64);
        v128.store(oj, a5, 80);
        v128.store(oj, a6, 96);
        v128.store(oj, a7, 112);
      }
      for (; j + 4 <= f; j += 4) {
        let a = v128.load(bias + (<usize>j << 2));
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (<u32>iy >= <u32>h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (<u32>ix >= <u32>w) continue;
            const q = <usize>(iy * w + ix) << 2;
            const t1 = load<i32>(start + q, 4);
            const kt = kernel + <usize>(ky * k + kx) * tapK + (<usize>j << 2);
            for (let t = load<i32>(start + q); t < t1; t++) {
              const s = v128.load32_splat(val + (<usize>t << 2));
              a = f32x4.add(a, f32x4.mul(s, v128.load(kt + <usize>(load<i32>(idx + (<usize>t << 2)) * rowK))));
            }
          }
        }
        v128.store(o + (<usize>j << 2), relu ? f32x4.pmax(zero, a) : a);
      }
      for (; j < f; j++) {
        let a = load<f32>(bias + (<usize>j << 2));
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (<u32>iy >= <u32>h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (<u32>ix >= <u32>w) continue;
            const q = <usize>(iy * w + ix) << 2;
            const t1 = load<i32>(start + q, 4);
            const kt = kernel + <usize>(ky * k + kx) * tapK + (<usize>j << 2);
            for (let t = load<i32>(start + q); t < t1; t++)
              a += load<f32>(val + (<usize>t << 2)) * load<f32>(kt + <usize>(load<i32>(idx + (<usize>t << 2)) * rowK));
          }
        }
        store<f32>(o + (<usize>j << 2), relu && !(a > 0) ? 0 : a);
      }
    }
  }
}

/** dst = src transposed from HWIO [tap][c][f] to [f][tap][c] (kk = k * k taps). */
export function layerConvTranspose(src: usize, dst: usize, kk: i32, c: i32, f: i32): void {
  for (let tap = 0; tap < kk; tap++)
    for (let ci = 0; ci < c; ci++)
      for (let co = 0; co < f; co++)
        store<f32>(dst + (<usize>((co * kk + tap) * c + ci) << 2), load<f32>(src + (<usize>((tap * c + ci) * f + co) << 2)));
}

/** dst (HWIO [tap][c][f]) += src ([f][tap][c]). */
export function layerConvAddTransposed(src: usize, dst: usize, kk: i32, c: i32, f: i32): void {
  for (let tap = 0; tap < kk; tap++)
    for (let ci = 0; ci < c; ci++)
      for (let co = 0; co < f; co++) {
        const d = dst + (<usize>((tap * c + ci) * f + co) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>((co * kk + tap) * c + ci) << 2)));
      }
}
