// SIMD helpers both kernel files use (./index.ts, the article's model; ./layers.ts, every other stack).

/** The sum of a vector's four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  const t = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
  return f32x4.extract_lane(t, 0);
}

/**
 * a * b + c. Built with relaxed SIMD (the engine's second binary, ../kernels.ts picks it where the runtime
 * validates it), one fused multiply-add where the CPU has FMA; otherwise a multiply and an add.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** p[0, n) = max(0, p[0, n)): a ReLU in place. */
export function reluInPlace(p: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), f32x4.pmax(zero, v128.load(p + (<usize>i << 2))));
  for (; i < n; i++) if (!(load<f32>(p + (<usize>i << 2)) > 0)) store<f32>(p + (<usize>i << 2), 0);
}
