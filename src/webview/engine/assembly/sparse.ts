// Compaction of the nonzero values of an array as index and value lists, which the first convolution's kernel
// gradient loops over (./convBackward.ts layerConvBackwardFew; the other passes use ./gather.ts's lists of byte
// offsets): a branch per value mispredicts on such data and costs more than the arithmetic it saves. And the
// optimizer step and gradient sum of every architecture but the article's.

/**
 * Lists the nonzero values of a 2-D view of the f32 array at `base`: element (g, r), g < groups, r < run, at
 * float index g * gs + r * rs. For each group g, its nonzero values in order of r: val[t] the value, idx[t]
 * the r, for t in [start[g], start[g + 1]). Branch-free (every value is written, the count advances only on
 * a nonzero), so idx and val need room for groups * run entries. Returns the number of nonzero values.
 */
export function compactNonzero(
  base: usize, groups: i32, run: i32, gs: i32, rs: i32, idx: usize, val: usize, start: usize,
): i32 {
  let n = 0;
  for (let g = 0; g < groups; g++) {
    store<i32>(start + (<usize>g << 2), n);
    let a = base + (<usize>(g * gs) << 2);
    const step = <usize>rs << 2;
    for (let r = 0; r < run; r++) {
      const v = load<f32>(a);
      a += step;
      store<i32>(idx + (<usize>n << 2), r);
      store<f32>(val + (<usize>n << 2), v);
      n += <i32>(v != 0);
    }
  }
  store<i32>(start + (<usize>groups << 2), n);
  return n;
}

/** dst[0..n) += src[0..n) (n a multiple of 4): the partial gradients of another worker. */
export function layerAddTo(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
}

/**
 * One Adam step over n floats (a multiple of 4) at params, grads and the moments m and v, as tfjs's
 * AdamOptimizer computes it: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr (m / c1) / (sqrt(v / c2) + eps).
 */
export function layerAdam(
  params: usize, grads: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32,
): void {
  const vb1 = f32x4.splat(beta1);
  const vb2 = f32x4.splat(beta2);
  const vg1 = f32x4.splat(<f32>1.0 - beta1);
  const vg2 = f32x4.splat(<f32>1.0 - beta2);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps);
  const vlr = f32x4.splat(lr);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grads + o);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(g, vg1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(g, g), vg2));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.div(f32x4.div(mi, vc1), f32x4.add(f32x4.sqrt(f32x4.div(vi, vc2)), veps));
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(step, vlr)));
  }
}
