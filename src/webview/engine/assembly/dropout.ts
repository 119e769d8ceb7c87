// Dropout of any architecture's stack (../layerKernels.ts), in SIMD: the same mask as ../layout.ts dropoutMask
// computes in TypeScript (mulberry32 from the stream's state, kept where the draw is >= rate, scaled by
// 1 / (1 - rate)), four draws at a time. mulberry32 adds a constant to its state for each draw, so lanes
// start one step apart and all advance four steps; the rest is 32-bit arithmetic that f32x4 lanes do alike.

/**
 * mask[i] = draw i of mulberry32(state) >= threshold ? scale : 0 and out[i] = x[i] * mask[i], n floats (a
 * multiple of 4). `threshold` is ceil(rate * 2^32) as a u32: a draw r / 2^32 >= rate exactly when r >= it.
 */
export function layerDropoutForward(x: usize, out: usize, mask: usize, n: i32, state: u32, threshold: u32, scale: f32): void {
  const step = i32x4.splat(0x6d2b79f5);
  let a = i32x4.add(i32x4.splat(state), i32x4.mul(i32x4(1, 2, 3, 4), step));
  const step4 = i32x4.splat(<i32>(<u32>0x6d2b79f5 * 4));
  const one = i32x4.splat(1);
  const sixtyOne = i32x4.splat(61);
  const limit = i32x4.splat(<i32>threshold);
  const keep = f32x4.splat(scale);
  for (let i = 0; i < n; i += 4) {
    let t = i32x4.mul(v128.xor(a, i32x4.shr_u(a, 15)), v128.or(a, one));
    t = v128.xor(t, i32x4.add(t, i32x4.mul(v128.xor(t, i32x4.shr_u(t, 7)), v128.or(t, sixtyOne))));
    const r = v128.xor(t, i32x4.shr_u(t, 14));
    const m = v128.andnot(keep, i32x4.lt_u(r, limit)); // cleared where r < threshold
    const o = <usize>i << 2;
    v128.store(mask + o, m);
    v128.store(out + o, f32x4.mul(v128.load(x + o), m));
    a = i32x4.add(a, step4);
  }
}

/** dIn[i] = dOut[i] * mask[i], n floats (a multiple of 4). */
export function layerDropoutBackward(dOut: usize, mask: usize, dIn: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dIn + o, f32x4.mul(v128.load(dOut + o), v128.load(mask + o)));
  }
}
