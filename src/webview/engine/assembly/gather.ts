import { madd } from './simd';

// The nonzero lists the generic layer passes loop over (./convForward.ts, ./convBackward.ts, ./dense.ts), as
// (byte offset, value) pairs of 8 bytes: each entry already holds the offset of what its value multiplies, so
// the loops neither index nor test bounds; and the sums over such a list that keep a run of channels in
// registers. MNIST images are about 80 % zeros, ReLU zeroes about half of what follows, and a max-pooling's
// gradient is zero in 3 of every 4 places, so these lists are short.

/**
 * Lists the nonzero values of `groups` × `run` floats at `base`: value k (k = g · run + r) is the float at
 * index k · stride, its entry holds (k · scale as an i32, the value). Group g's entries are
 * [start[g], start[g + 1]). Branch-free: every value is written, the count advances only on a nonzero, so the
 * list needs room for all of them. Returns the number of entries.
 */
export function listNonzero(
  base: usize, groups: i32, run: i32, stride: i32, scale: i32, list: usize, start: usize,
): i32 {
  let n = 0;
  let k = 0;
  const step = <usize>stride << 2;
  let at = base;
  for (let g = 0; g < groups; g++) {
    store<i32>(start + (<usize>g << 2), n);
    for (let r = 0; r < run; r++, k++, at += step) {
      const v = load<f32>(at);
      const e = list + (<usize>n << 3);
      store<i32>(e, k * scale);
      store<f32>(e, v, 4);
      n += <i32>(v != 0);
    }
  }
  store<i32>(start + (<usize>groups << 2), n);
  return n;
}

/** acc[0, 16) += the sum over entries [e, end) of value × the 4 vectors at base + offset. */
// @ts-ignore: decorator
@inline function gather4(e: usize, end: usize, base: usize, acc: usize): void {
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  let a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48);
  for (; e < end; e += 8) {
    const s = v128.load32_splat(e, 4);
    const r = base + <usize>load<i32>(e);
    a0 = madd(s, v128.load(r), a0);
    a1 = madd(s, v128.load(r, 16), a1);
    a2 = madd(s, v128.load(r, 32), a2);
    a3 = madd(s, v128.load(r, 48), a3);
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
}

/** gather4 for one vector. */
// @ts-ignore: decorator
@inline function gather1(e: usize, end: usize, base: usize, acc: usize): void {
  let a = v128.load(acc);
  for (; e < end; e += 8) a = madd(v128.load32_splat(e, 4), v128.load(base + <usize>load<i32>(e)), a);
  v128.store(acc, a);
}

/** gather4 for one float. */
// @ts-ignore: decorator
@inline function gatherScalar(e: usize, end: usize, base: usize, acc: usize): void {
  let a = load<f32>(acc);
  for (; e < end; e += 8) a += load<f32>(e, 4) * load<f32>(base + <usize>load<i32>(e));
  store<f32>(acc, a);
}

/**
 * acc[0, c) += the sum over entries [e, end) of value × the c floats at base + offset: 4 vectors at a time
 * (4 sums, 4 loaded vectors and the value fit V8's 15 vector registers; 8 would spill a sum), then one
 * vector, then single floats.
 */
// @ts-ignore: decorator
@inline export function gatherChannels(e: usize, end: usize, base: usize, acc: usize, c: i32): void {
  let b = 0;
  for (; b + 16 <= c; b += 16) gather4(e, end, base + (<usize>b << 2), acc + (<usize>b << 2));
  for (; b + 4 <= c; b += 4) gather1(e, end, base + (<usize>b << 2), acc + (<usize>b << 2));
  for (; b < c; b++) gatherScalar(e, end, base + (<usize>b << 2), acc + (<usize>b << 2));
}
