// The onramp CPU engine: forward and backward passes of the article's model, specialised and written
// for WebAssembly SIMD (f32x4); ./layers.ts holds the generic convolution and dense passes that
// ../layerKernels.ts runs every other architecture with. Compiled by scripts/build-engine.mjs with
// `asc --runtime stub -O3 --enable simd --noAssert`.
//
// Model: Conv2D(32, 3x3, valid) + bias -> ReLU -> MaxPool 2x2 -> Flatten (NHWC) -> Dense(5408 -> 10) + bias
// -> softmax + sparse categorical cross-entropy (tfjs semantics, probabilities clipped to [1e-7, 1 - 1e-7]).
//
// Parameter layout (floats), shared by params, grads and Adam moments; see ../layout.ts:
//   [0, 288)        conv kernel, HWIO [3][3][1][32] exactly as tfjs stores it
//   [288, 320)      conv bias [32]
//   [320, 54400)    dense kernel TRANSPOSED, [10][5408], so the forward pass and both dense gradients
//                   run as SIMD over the 5408 features
//   [54400, 54410)  dense bias [10], then 2 floats of padding (kept at zero) to a multiple of 4
//
// Why this shape: one conv output position for all 32 channels is 8 f32x4 vectors, so the conv runs
// channel-vectorised; a pool window (4x4 input patch) that is all zero (most of MNIST) yields the bias
// without arithmetic and contributes nothing to the kernel gradient; the ReLU/max-pool keep only the
// argmax (as bytes) for the backward pass; the dense backward is batched over the samples of the step
// so each weight vector is read once per step.

import { hsum } from './simd';

const IN: i32 = 28;
const WINDOWS: i32 = 169; // 13 x 13 pool windows
const FEATURES: i32 = 5408; // 13 * 13 * 32
const FVEC: i32 = 1352; // FEATURES / 4
const CLASSES: i32 = 10;
const K_OFF: i32 = 0;
const BK_OFF: i32 = 288;
const W_OFF: i32 = 320;
const BD_OFF: i32 = 54400;
const PARAMS: i32 = 54412;
const EPSILON: f32 = 1e-7;
const CHUNK: i32 = 16;

let params: usize = 0;
let grads: usize = 0;
let adamM: usize = 0;
let adamV: usize = 0;
let lut: usize = 0; // byte -> byte / 255 as f32
let xf: usize = 0; // the current sample as floats [784] (+ padding)
let windowConv: usize = 0; // the 4 conv outputs of one pool window, [4][32] f32

let capacity: i32 = 0;
let images: usize = 0; // [capacity][784] u8
let labels: usize = 0; // [capacity] u8
let pooled: usize = 0; // [capacity][5408] f32, overwritten in place by its gradient
let argmaxes: usize = 0; // [capacity][5408] u8: which of the 4 positions of a window won
let emptyWindows: usize = 0; // [capacity][169] u8: 1 when the window's 4x4 input patch is all zero
let gsplat: usize = 0; // [capacity][10] v128: dLoss/dlogit, splatted
let lastCorrect: i32 = 0;

function allocZeroed(bytes: i32): usize {
  const p = heap.alloc(<usize>bytes + 16);
  const aligned = (p + 15) & ~(<usize>15);
  memory.fill(aligned, 0, <usize>bytes);
  return aligned;
}

/** Allocates `bytes` zeroed bytes, 16-byte aligned (never freed: the engine allocates once). */
export function alloc(bytes: i32): usize {
  return allocZeroed(bytes);
}

/** Allocates parameters, gradients and Adam moments (zeroed). Call once. */
export function init(): void {
  if (params != 0) return;
  params = allocZeroed(PARAMS * 4);
  grads = allocZeroed(PARAMS * 4);
  adamM = allocZeroed(PARAMS * 4);
  adamV = allocZeroed(PARAMS * 4);
  lut = allocZeroed(256 * 4);
  for (let i = 0; i < 256; i++) store<f32>(lut + (<usize>i << 2), <f32>i / <f32>255.0);
  xf = allocZeroed(832 * 4);
  windowConv = allocZeroed(4 * 32 * 4);
}

/** Makes room for `n` samples per call. Pointers returned below may change. */
export function reserve(n: i32): void {
  if (n <= capacity) return;
  images = allocZeroed(n * 784);
  labels = allocZeroed(n);
  pooled = allocZeroed(n * FEATURES * 4);
  argmaxes = allocZeroed(n * FEATURES);
  emptyWindows = allocZeroed(n * WINDOWS);
  gsplat = allocZeroed(n * CLASSES * 16);
  capacity = n;
}

export function paramsPtr(): usize {
  return params;
}
export function gradsPtr(): usize {
  return grads;
}
export function momentsPtr(): usize {
  return adamM;
}
export function velocitiesPtr(): usize {
  return adamV;
}
export function imagesPtr(): usize {
  return images;
}
export function labelsPtr(): usize {
  return labels;
}
export function paramCount(): i32 {
  return PARAMS;
}
export function correct(): i32 {
  return lastCorrect;
}

export function resetOptimizer(): void {
  memory.fill(adamM, 0, <usize>PARAMS * 4);
  memory.fill(adamV, 0, <usize>PARAMS * 4);
}


/** Conv + ReLU + max-pool of sample b into pooled/argmaxes/emptyWindows. */
function convPool(b: i32): void {
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
function denseLoss(b: i32, scale: f32, withGrad: bool): f32 {
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
  if (best == label) lastCorrect++;
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

/** Adds the dense weight and bias gradients of samples [first, first + n); then their pooled gradient (in place). */
function denseBackward(first: i32, n: i32): void {
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
function convBackward(b: i32): void {
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

/**
 * Forward and backward over the n samples in the batch buffers. Gradients (of the mean loss over a batch
 * of 1 / invBatch samples, of which these n are a part) are written to grads. Returns the summed loss;
 * correct() gives the number of correct predictions.
 */
export function trainBatch(n: i32, invBatch: f32): f32 {
  lastCorrect = 0;
  let loss: f32 = 0;
  memory.fill(grads, 0, <usize>PARAMS << 2);
  // Chunks of CHUNK samples keep the pooled activations of a chunk (CHUNK x 21.6 KB) in L2.
  for (let c = 0; c < n; c += CHUNK) {
    const m = min(CHUNK, n - c);
    for (let b = c; b < c + m; b++) {
      convPool(b);
      loss += denseLoss(b, invBatch, true);
    }
    denseBackward(c, m);
    for (let b = c; b < c + m; b++) convBackward(b);
  }
  return loss;
}

/** Forward only over the n samples in the batch buffers: summed loss; correct() gives the hits. */
export function evaluateBatch(n: i32): f32 {
  lastCorrect = 0;
  let loss: f32 = 0;
  for (let b = 0; b < n; b++) {
    convPool(b);
    loss += denseLoss(b, 0, false);
  }
  return loss;
}

/** grads += the PARAMS floats at src (to sum the partial gradients of several workers). */
export function addToGrads(src: usize): void {
  for (let i = 0; i < PARAMS; i += 4) {
    const o = <usize>i << 2;
    v128.store(grads + o, f32x4.add(v128.load(grads + o), v128.load(src + o)));
  }
}

/**
 * One Adam step with the gradients in grads, as tfjs's AdamOptimizer computes it:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr (m / c1) / (sqrt(v / c2) + eps),
 * with c1 = 1 - b1^t and c2 = 1 - b2^t.
 */
export function adam(lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32): void {
  const vb1 = f32x4.splat(beta1);
  const vb2 = f32x4.splat(beta2);
  const vg1 = f32x4.splat(<f32>1.0 - beta1);
  const vg2 = f32x4.splat(<f32>1.0 - beta2);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps);
  const vlr = f32x4.splat(lr);
  for (let i = 0; i < PARAMS; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grads + o);
    const m = f32x4.add(f32x4.mul(v128.load(adamM + o), vb1), f32x4.mul(g, vg1));
    const v = f32x4.add(f32x4.mul(v128.load(adamV + o), vb2), f32x4.mul(f32x4.mul(g, g), vg2));
    v128.store(adamM + o, m);
    v128.store(adamV + o, v);
    const step = f32x4.div(f32x4.div(m, vc1), f32x4.add(f32x4.sqrt(f32x4.div(v, vc2)), veps));
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(step, vlr)));
  }
}

// The generic convolution and dense passes of every other architecture (./layers.ts), exported from this entry.
export { layerConvBackward, layerConvForward, layerDenseBackward, layerDenseForward } from './layers';
