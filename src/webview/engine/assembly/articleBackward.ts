// The article model's backward pass (./index.ts): the dense gradients of a chunk of samples at once (each
// weight vector read once per chunk), then each sample's conv kernel and bias gradients through its max-pool.
import {
  BD_OFF, BK_OFF, CLASSES, FEATURES, FVEC, IN, K_OFF, W_OFF, WINDOWS, argmaxes, emptyWindows, grads, gsplat,
  images, lut, params, pooled, xf,
} from './articleState';

export function denseBackward(first: i32, n: i32): void {
  const dwt = grads + (<usize>W_OFF << 2);
  const wt = params + (<usize>W_OFF << 2);
  const rs: usize = <usize>FEATURES << 2;
  const bs: usize = <usize>FEATURES << 2;
  const zero = f32x4.splat(0);
  for (let i = 0; i < FVEC; i++) {
    const off = <usize>i << 4;
    let a0 = zero;
    let a1 = zero;
    let a2 = zero;
    let a3 = zero;
    let a4 = zero;
    let a5 = zero;
    let a6 = zero;
    let a7 = zero;
    let a8 = zero;
    let a9 = zero;
    const p0 = pooled + <usize>first * bs + off;
    const g0 = gsplat + <usize>first * 160;
    let pp = p0;
    let g = g0;
    for (let b = 0; b < n; b++) {
      const v = v128.load(pp);
      pp += bs;
      if (v128.any_true(v)) {
        a0 = f32x4.add(a0, f32x4.mul(v, v128.load(g)));
        a1 = f32x4.add(a1, f32x4.mul(v, v128.load(g, 16)));
        a2 = f32x4.add(a2, f32x4.mul(v, v128.load(g, 32)));
        a3 = f32x4.add(a3, f32x4.mul(v, v128.load(g, 48)));
        a4 = f32x4.add(a4, f32x4.mul(v, v128.load(g, 64)));
        a5 = f32x4.add(a5, f32x4.mul(v, v128.load(g, 80)));
        a6 = f32x4.add(a6, f32x4.mul(v, v128.load(g, 96)));
        a7 = f32x4.add(a7, f32x4.mul(v, v128.load(g, 112)));
        a8 = f32x4.add(a8, f32x4.mul(v, v128.load(g, 128)));
        a9 = f32x4.add(a9, f32x4.mul(v, v128.load(g, 144)));
      }
      g += 160;
    }
    const d = dwt + off;
    v128.store(d, f32x4.add(v128.load(d), a0));
    v128.store(d + rs, f32x4.add(v128.load(d + rs), a1));
    v128.store(d + 2 * rs, f32x4.add(v128.load(d + 2 * rs), a2));
    v128.store(d + 3 * rs, f32x4.add(v128.load(d + 3 * rs), a3));
    v128.store(d + 4 * rs, f32x4.add(v128.load(d + 4 * rs), a4));
    v128.store(d + 5 * rs, f32x4.add(v128.load(d + 5 * rs), a5));
    v128.store(d + 6 * rs, f32x4.add(v128.load(d + 6 * rs), a6));
    v128.store(d + 7 * rs, f32x4.add(v128.load(d + 7 * rs), a7));
    v128.store(d + 8 * rs, f32x4.add(v128.load(d + 8 * rs), a8));
    v128.store(d + 9 * rs, f32x4.add(v128.load(d + 9 * rs), a9));

    const w = wt + off;
    const w0 = v128.load(w);
    const w1 = v128.load(w + rs);
    const w2 = v128.load(w + 2 * rs);
    const w3 = v128.load(w + 3 * rs);
    const w4 = v128.load(w + 4 * rs);
    const w5 = v128.load(w + 5 * rs);
    const w6 = v128.load(w + 6 * rs);
    const w7 = v128.load(w + 7 * rs);
    const w8 = v128.load(w + 8 * rs);
    const w9 = v128.load(w + 9 * rs);
    pp = p0;
    g = g0;
    for (let b = 0; b < n; b++) {
      const v = v128.load(pp);
      const alive = f32x4.gt(v, zero);
      if (v128.any_true(alive)) {
        let s = f32x4.mul(w0, v128.load(g));
        s = f32x4.add(s, f32x4.mul(w1, v128.load(g, 16)));
        s = f32x4.add(s, f32x4.mul(w2, v128.load(g, 32)));
        s = f32x4.add(s, f32x4.mul(w3, v128.load(g, 48)));
        s = f32x4.add(s, f32x4.mul(w4, v128.load(g, 64)));
        s = f32x4.add(s, f32x4.mul(w5, v128.load(g, 80)));
        s = f32x4.add(s, f32x4.mul(w6, v128.load(g, 96)));
        s = f32x4.add(s, f32x4.mul(w7, v128.load(g, 112)));
        s = f32x4.add(s, f32x4.mul(w8, v128.load(g, 128)));
        s = f32x4.add(s, f32x4.mul(w9, v128.load(g, 144)));
        v128.store(pp, v128.and(s, alive));
      }
      pp += bs;
      g += 160;
    }
  }
  const dbd = grads + (<usize>BD_OFF << 2);
  for (let j = 0; j < CLASSES; j++) {
    let s: f32 = load<f32>(dbd + (<usize>j << 2));
    for (let b = first; b < first + n; b++) s += f32x4.extract_lane(v128.load(gsplat + <usize>(b * CLASSES + j) * 16), 0);
    store<f32>(dbd + (<usize>j << 2), s);
  }
}

/** Conv kernel and bias gradients of sample b (accumulated), from the pooled gradient. */
export function convBackward(b: i32): void {
  const img = images + <usize>b * 784;
  const dp = pooled + <usize>b * FEATURES * 4;
  const am = argmaxes + <usize>b * FEATURES;
  const empty = emptyWindows + <usize>b * WINDOWS;
  const dk = grads + (<usize>K_OFF << 2);
  const dbk = grads + (<usize>BK_OFF << 2);
  // Input floats of this sample (convPool of a later sample overwrote xf).
  for (let i = 0; i < 784; i += 4) {
    const q = load<u32>(img + <usize>i);
    const o = xf + (<usize>i << 2);
    store<f32>(o, load<f32>(lut + ((q & 0xff) << 2)));
    store<f32>(o + 4, load<f32>(lut + (((q >> 8) & 0xff) << 2)));
    store<f32>(o + 8, load<f32>(lut + (((q >> 16) & 0xff) << 2)));
    store<f32>(o + 12, load<f32>(lut + ((q >> 24) << 2)));
  }
  let b0 = v128.load(dbk);
  let b1 = v128.load(dbk, 16);
  let b2 = v128.load(dbk, 32);
  let b3 = v128.load(dbk, 48);
  let b4 = v128.load(dbk, 64);
  let b5 = v128.load(dbk, 80);
  let b6 = v128.load(dbk, 96);
  let b7 = v128.load(dbk, 112);
  const i0 = i32x4.splat(0);
  const i1 = i32x4.splat(1);
  const i2 = i32x4.splat(2);
  const i3 = i32x4.splat(3);
  for (let w = 0; w < WINDOWS; w++) {
    const dw = dp + (<usize>w << 7);
    b0 = f32x4.add(b0, v128.load(dw));
    b1 = f32x4.add(b1, v128.load(dw, 16));
    b2 = f32x4.add(b2, v128.load(dw, 32));
    b3 = f32x4.add(b3, v128.load(dw, 48));
    b4 = f32x4.add(b4, v128.load(dw, 64));
    b5 = f32x4.add(b5, v128.load(dw, 80));
    b6 = f32x4.add(b6, v128.load(dw, 96));
    b7 = f32x4.add(b7, v128.load(dw, 112));
    if (load<u8>(empty + <usize>w) != 0) continue;
    const py = w / 13;
    const px = w - py * 13;
    const xb = xf + (<usize>(2 * py * IN + 2 * px) << 2);
    const aw = am + (<usize>w << 5);
    for (let cv = 0; cv < 8; cv++) {
      const d = v128.load(dw + (<usize>cv << 4));
      if (!v128.any_true(d)) continue;
      const idx = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(aw + (<usize>cv << 2))));
      const d0 = v128.and(d, i32x4.eq(idx, i0));
      const d1 = v128.and(d, i32x4.eq(idx, i1));
      const d2 = v128.and(d, i32x4.eq(idx, i2));
      const d3 = v128.and(d, i32x4.eq(idx, i3));
      const kc = dk + (<usize>cv << 4);
      for (let ky = 0; ky < 3; ky++) {
        for (let kx = 0; kx < 3; kx++) {
          const p = xb + (<usize>(ky * IN + kx) << 2);
          let s = f32x4.mul(d0, v128.load32_splat(p));
          s = f32x4.add(s, f32x4.mul(d1, v128.load32_splat(p, 4)));
          s = f32x4.add(s, f32x4.mul(d2, v128.load32_splat(p, 112)));
          s = f32x4.add(s, f32x4.mul(d3, v128.load32_splat(p, 116)));
          const t = kc + (<usize>(ky * 3 + kx) << 7);
          v128.store(t, f32x4.add(v128.load(t), s));
        }
      }
    }
  }
  v128.store(dbk, b0);
  v128.store(dbk, b1, 16);
  v128.store(dbk, b2, 32);
  v128.store(dbk, b3, 48);
  v128.store(dbk, b4, 64);
  v128.store(dbk, b5, 80);
  v128.store(dbk, b6, 96);
  v128.store(dbk, b7, 112);
}
