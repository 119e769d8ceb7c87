// The article model's forward pass (./index.ts): conv + ReLU + max-pool of one sample into the pooled
// activations, then dense + softmax cross-entropy with the gradient of the loss at the logits.
import { hsum } from './simd';
import {
  addCorrect, BD_OFF, BK_OFF, CLASSES, EPSILON, FEATURES, FVEC, IN, K_OFF, W_OFF, WINDOWS, argmaxes, emptyWindows, gsplat,
  images, labels, lut, params, pooled, windowConv, xf,
} from './articleState';

export function convPool(b: i32): void {
  const img = images + <usize>b * 784;
  for (let i = 0; i < 784; i += 4) {
    const q = load<u32>(img + <usize>i);
    const o = xf + (<usize>i << 2);
    store<f32>(o, load<f32>(lut + ((q & 0xff) << 2)));
    store<f32>(o + 4, load<f32>(lut + (((q >> 8) & 0xff) << 2)));
    store<f32>(o + 8, load<f32>(lut + (((q >> 16) & 0xff) << 2)));
    store<f32>(o + 12, load<f32>(lut + ((q >> 24) << 2)));
  }
  const out = pooled + <usize>b * FEATURES * 4;
  const am = argmaxes + <usize>b * FEATURES;
  const empty = emptyWindows + <usize>b * WINDOWS;
  const zero = f32x4.splat(0);
  const one = i32x4.splat(1);
  const two = i32x4.splat(2);
  const three = i32x4.splat(3);
  const kb = params + (<usize>K_OFF << 2);
  const bb = params + (<usize>BK_OFF << 2);
  for (let py = 0; py < 13; py++) {
    for (let px = 0; px < 13; px++) {
      const w = py * 13 + px;
      const corner = <usize>(2 * py * IN + 2 * px);
      const ib = img + corner;
      const nz = load<u32>(ib) | load<u32>(ib + 28) | load<u32>(ib + 56) | load<u32>(ib + 84);
      const ow = out + (<usize>w << 7);
      const aw = am + (<usize>w << 5);
      if (nz == 0) {
        store<u8>(empty + <usize>w, 1);
        for (let cv = 0; cv < 8; cv++) {
          v128.store(ow + (<usize>cv << 4), f32x4.pmax(zero, v128.load(bb + (<usize>cv << 4))));
        }
        v128.store(aw, zero);
        v128.store(aw + 16, zero);
        continue;
      }
      store<u8>(empty + <usize>w, 0);
      const xb = xf + (corner << 2);
      // The 4 conv outputs of the window, all 32 channels each (8 vectors in registers): every input
      // value is splatted once per output position, every kernel vector is a memory operand.
      for (let pos = 0; pos < 4; pos++) {
        const p = xb + <usize>((pos >> 1) * 112 + (pos & 1) * 4);
        let c0 = v128.load(bb);
        let c1 = v128.load(bb, 16);
        let c2 = v128.load(bb, 32);
        let c3 = v128.load(bb, 48);
        let c4 = v128.load(bb, 64);
        let c5 = v128.load(bb, 80);
        let c6 = v128.load(bb, 96);
        let c7 = v128.load(bb, 112);
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            const s = v128.load32_splat(p + <usize>(ky * 112 + kx * 4));
            const k = kb + (<usize>(ky * 3 + kx) << 7);
            c0 = f32x4.add(c0, f32x4.mul(s, v128.load(k)));
            c1 = f32x4.add(c1, f32x4.mul(s, v128.load(k, 16)));
            c2 = f32x4.add(c2, f32x4.mul(s, v128.load(k, 32)));
            c3 = f32x4.add(c3, f32x4.mul(s, v128.load(k, 48)));
            c4 = f32x4.add(c4, f32x4.mul(s, v128.load(k, 64)));
            c5 = f32x4.add(c5, f32x4.mul(s, v128.load(k, 80)));
            c6 = f32x4.add(c6, f32x4.mul(s, v128.load(k, 96)));
            c7 = f32x4.add(c7, f32x4.mul(s, v128.load(k, 112)));
          }
        }
        const o = windowConv + (<usize>pos << 7);
        v128.store(o, c0);
        v128.store(o, c1, 16);
        v128.store(o, c2, 32);
        v128.store(o, c3, 48);
        v128.store(o, c4, 64);
        v128.store(o, c5, 80);
        v128.store(o, c6, 96);
        v128.store(o, c7, 112);
      }
      for (let cv = 0; cv < 8; cv++) {
        const o = windowConv + (<usize>cv << 4);
        const a0 = v128.load(o);
        const a1 = v128.load(o, 128);
        const a2 = v128.load(o, 256);
        const a3 = v128.load(o, 384);
        const m = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
        // First position holding the max, as tfjs's max-pool gradient picks it.
        const idx = v128.bitselect(
          zero,
          v128.bitselect(one, v128.bitselect(two, three, f32x4.eq(a2, m)), f32x4.eq(a1, m)),
          f32x4.eq(a0, m),
        );
        v128.store32_lane(aw + (<usize>cv << 2), i8x16.shuffle(idx, idx, 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
        v128.store(ow + (<usize>cv << 4), f32x4.pmax(zero, m));
      }
    }
  }
}

/** Dense forward + softmax cross-entropy for sample b; stores dLoss/dlogits * scale; returns the loss. */
export function denseLoss(b: i32, scale: f32, withGrad: bool): f32 {
  const p = pooled + <usize>b * FEATURES * 4;
  const wt = params + (<usize>W_OFF << 2);
  const rs: usize = <usize>FEATURES << 2;
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  let a6 = a0;
  let a7 = a0;
  let a8 = a0;
  let a9 = a0;
  for (let i = 0; i < FVEC; i++) {
    const off = <usize>i << 4;
    const v = v128.load(p + off);
    if (!v128.any_true(v)) continue;
    const w = wt + off;
    a0 = f32x4.add(a0, f32x4.mul(v, v128.load(w)));
    a1 = f32x4.add(a1, f32x4.mul(v, v128.load(w + rs)));
    a2 = f32x4.add(a2, f32x4.mul(v, v128.load(w + 2 * rs)));
    a3 = f32x4.add(a3, f32x4.mul(v, v128.load(w + 3 * rs)));
    a4 = f32x4.add(a4, f32x4.mul(v, v128.load(w + 4 * rs)));
    a5 = f32x4.add(a5, f32x4.mul(v, v128.load(w + 5 * rs)));
    a6 = f32x4.add(a6, f32x4.mul(v, v128.load(w + 6 * rs)));
    a7 = f32x4.add(a7, f32x4.mul(v, v128.load(w + 7 * rs)));
    a8 = f32x4.add(a8, f32x4.mul(v, v128.load(w + 8 * rs)));
    a9 = f32x4.add(a9, f32x4.mul(v, v128.load(w + 9 * rs)));
  }
  const bd = params + (<usize>BD_OFF << 2);
  const z0 = hsum(a0) + load<f32>(bd);
  const z1 = hsum(a1) + load<f32>(bd, 4);
  const z2 = hsum(a2) + load<f32>(bd, 8);
  const z3 = hsum(a3) + load<f32>(bd, 12);
  const z4 = hsum(a4) + load<f32>(bd, 16);
  const z5 = hsum(a5) + load<f32>(bd, 20);
  const z6 = hsum(a6) + load<f32>(bd, 24);
  const z7 = hsum(a7) + load<f32>(bd, 28);
  const z8 = hsum(a8) + load<f32>(bd, 32);
  const z9 = hsum(a9) + load<f32>(bd, 36);
  // logits, then probabilities, in the scratch after the input floats
  const z = xf + 784 * 4;
  store<f32>(z, z0);
  store<f32>(z, z1, 4);
  store<f32>(z, z2, 8);
  store<f32>(z, z3, 12);
  store<f32>(z, z4, 16);
  store<f32>(z, z5, 20);
  store<f32>(z, z6, 24);
  store<f32>(z, z7, 28);
  store<f32>(z, z8, 32);
  store<f32>(z, z9, 36);
  let mx = z0;
  let best = 0;
  for (let j = 1; j < CLASSES; j++) {
    const v = load<f32>(z + (<usize>j << 2));
    if (v > mx) {
      mx = v;
      best = j;
    }
  }
  const label = <i32>load<u8>(labels + <usize>b);
  if (best == label) addCorrect();
  let sum: f32 = 0;
  for (let j = 0; j < CLASSES; j++) {
    const e = Mathf.exp(load<f32>(z + (<usize>j << 2)) - mx);
    store<f32>(z + (<usize>j << 2), e);
    sum += e;
  }
  // tfjs's sparse categorical cross-entropy on softmax outputs p: q = clip(p, eps, 1 - eps),
  // r = q[label] / sum(q), loss = -log(clip(r, eps, 1 - eps)); clipped values pass no gradient.
  const hi: f32 = <f32>1.0 - EPSILON;
  let qsum: f32 = 0;
  for (let j = 0; j < CLASSES; j++) {
    const pj = load<f32>(z + (<usize>j << 2)) / sum;
    store<f32>(z + (<usize>j << 2), pj);
    qsum += pj < EPSILON ? EPSILON : pj > hi ? hi : pj;
  }
  const pl = load<f32>(z + (<usize>label << 2));
  const ql = pl < EPSILON ? EPSILON : pl > hi ? hi : pl;
  const r = ql / qsum;
  const rc = r < EPSILON ? EPSILON : r > hi ? hi : r;
  const loss = -Mathf.log(rc);
  if (withGrad) {
    const g = gsplat + <usize>b * CLASSES * 16;
    const dr: f32 = r >= EPSILON && r <= hi ? <f32>-1.0 / r : 0;
    // u_j = dLoss/dp_j; dLoss/dz_k = p_k (u_k - sum_j u_j p_j)
    const u = z + 64;
    let up: f32 = 0;
    for (let j = 0; j < CLASSES; j++) {
      const pj = load<f32>(z + (<usize>j << 2));
      let uj: f32 = 0;
      if (pj >= EPSILON && pj <= hi) uj = dr * ((j == label ? <f32>1.0 / qsum : <f32>0.0) - ql / (qsum * qsum));
      store<f32>(u + (<usize>j << 2), uj);
      up += uj * pj;
    }
    for (let j = 0; j < CLASSES; j++) {
      const pj = load<f32>(z + (<usize>j << 2));
      const d = pj * (load<f32>(u + (<usize>j << 2)) - up) * scale;
      v128.store(g + (<usize>j << 4), f32x4.splat(d));
    }
  }
  return loss;
}
