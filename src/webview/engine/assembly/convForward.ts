import { listNonzero } from './gather';
import { madd, reluInPlace } from './simd';

// Convolutions of any architecture (../layerKernels.ts drives them), forward: one sample, HWC activations,
// HWIO kernel, stride 1, `pad` zeros each side ('same' padding is (k - 1) / 2). All pointers are byte addresses
// in this memory, from alloc(); f32 everywhere; `scratch` is room for the nonzero list (../layerPasses.ts
// sizes it). The input's nonzero values are listed once per sample, with the byte offset of the kernel row
// each one multiplies. For one output position and one kernel row ky, the k taps of that row read k
// neighbouring input pixels, which are one contiguous run of the list, and their kernel rows are contiguous
// too (HWIO), so one loop covers them. The filters are done in blocks of 6, 4 or 1 vectors whose sums stay in
// registers: V8 gives WebAssembly 15 vector registers, and a block of 8 needs 17 (8 sums, 8 kernel vectors it
// loads ahead, the input value), which spills one sum to the stack and makes every iteration wait on it.
// ./convBackward.ts has the backward passes, and the kernel transpositions they work on are here.

/** Bytes of scratch layerConvForward needs for an input of h × w × c. */
export function convForwardScratch(h: i32, w: i32, c: i32): i32 {
  return (2 * h * w * c + h * w + 1) << 2;
}

/** Where one output position's row ky starts in the list, where it ends, and the kernel base its offsets add to. */
class Span {
  t0: i32 = 0;
  t1: i32 = 0;
  base: usize = 0;
}

/**
 * The list span of output (oy, ox)'s kernel row ky, for filters from byte `j4` on; false when that row is
 * all padding. base + an entry's offset is the kernel row it multiplies: input (iy, ix, ci) meets tap (ky, ix - ox + pad).
 */
// @ts-ignore: decorator
@inline function rowSpan(
  span: Span, oy: i32, ox: i32, ky: i32, h: i32, w: i32, c: i32, k: i32, pad: i32, rowK: i32,
  kernel: usize, j4: usize, start: usize,
): bool {
  const iy = oy + ky - pad;
  if (<u32>iy >= <u32>h) return false;
  const lo = ox - pad;
  const ix0 = max(lo, 0);
  const ix1 = min(lo + k, w);
  span.t0 = load<i32>(start + (<usize>(iy * w + ix0) << 2));
  span.t1 = load<i32>(start + (<usize>(iy * w + ix1) << 2));
  span.base = kernel + j4 + <usize>(ky * k * c * rowK) - <usize>((iy * w + lo) * c * rowK);
  return true;
}

/** Filters [j, j + 24) of every output position: 6 vectors of sums. */
function block6(
  list: usize, start: usize, h: i32, w: i32, c: i32, out: usize, rows: i32, cols: i32, ow: i32, f: i32,
  k: i32, pad: i32, relu: bool, kernel: usize, bias: usize, j: i32, span: Span,
): void {
  const rowK = f << 2;
  const j4 = <usize>j << 2;
  const zero = f32x4.splat(0);
  for (let oy = 0; oy < rows; oy++) {
    for (let ox = 0; ox < cols; ox++) {
      let a0 = v128.load(bias + j4);
      let a1 = v128.load(bias + j4, 16);
      let a2 = v128.load(bias + j4, 32);
      let a3 = v128.load(bias + j4, 48);
      let a4 = v128.load(bias + j4, 64);
      let a5 = v128.load(bias + j4, 80);
      for (let ky = 0; ky < k; ky++) {
        if (!rowSpan(span, oy, ox, ky, h, w, c, k, pad, rowK, kernel, j4, start)) continue;
        const base = span.base;
        for (let e = list + (<usize>span.t0 << 3), end = list + (<usize>span.t1 << 3); e < end; e += 8) {
          const s = v128.load32_splat(e, 4);
          const kr = base + <usize>load<i32>(e);
          a0 = madd(s, v128.load(kr), a0);
          a1 = madd(s, v128.load(kr, 16), a1);
          a2 = madd(s, v128.load(kr, 32), a2);
          a3 = madd(s, v128.load(kr, 48), a3);
          a4 = madd(s, v128.load(kr, 64), a4);
          a5 = madd(s, v128.load(kr, 80), a5);
        }
      }
      if (relu) {
        a0 = f32x4.pmax(zero, a0);
        a1 = f32x4.pmax(zero, a1);
        a2 = f32x4.pmax(zero, a2);
        a3 = f32x4.pmax(zero, a3);
        a4 = f32x4.pmax(zero, a4);
        a5 = f32x4.pmax(zero, a5);
      }
      const o = out + (<usize>((oy * ow + ox) * f) << 2) + j4;
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o, a2, 32);
      v128.store(o, a3, 48);
      v128.store(o, a4, 64);
      v128.store(o, a5, 80);
    }
  }
}

/** Filters [j, j + 16) of every output position: 4 vectors of sums. */
function block4(
  list: usize, start: usize, h: i32, w: i32, c: i32, out: usize, rows: i32, cols: i32, ow: i32, f: i32,
  k: i32, pad: i32, relu: bool, kernel: usize, bias: usize, j: i32, span: Span,
): void {
  const rowK = f << 2;
  const j4 = <usize>j << 2;
  const zero = f32x4.splat(0);
  for (let oy = 0; oy < rows; oy++) {
    for (let ox = 0; ox < cols; ox++) {
      let a0 = v128.load(bias + j4);
      let a1 = v128.load(bias + j4, 16);
      let a2 = v128.load(bias + j4, 32);
      let a3 = v128.load(bias + j4, 48);
      for (let ky = 0; ky < k; ky++) {
        if (!rowSpan(span, oy, ox, ky, h, w, c, k, pad, rowK, kernel, j4, start)) continue;
        const base = span.base;
        for (let e = list + (<usize>span.t0 << 3), end = list + (<usize>span.t1 << 3); e < end; e += 8) {
          const s = v128.load32_splat(e, 4);
          const kr = base + <usize>load<i32>(e);
          a0 = madd(s, v128.load(kr), a0);
          a1 = madd(s, v128.load(kr, 16), a1);
          a2 = madd(s, v128.load(kr, 32), a2);
          a3 = madd(s, v128.load(kr, 48), a3);
        }
      }
      if (relu) {
        a0 = f32x4.pmax(zero, a0);
        a1 = f32x4.pmax(zero, a1);
        a2 = f32x4.pmax(zero, a2);
        a3 = f32x4.pmax(zero, a3);
      }
      const o = out + (<usize>((oy * ow + ox) * f) << 2) + j4;
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o, a2, 32);
      v128.store(o, a3, 48);
    }
  }
}

/** Filters [j, j + 4) of every output position: one vector of sums. */
function block1(
  list: usize, start: usize, h: i32, w: i32, c: i32, out: usize, rows: i32, cols: i32, ow: i32, f: i32,
  k: i32, pad: i32, relu: bool, kernel: usize, bias: usize, j: i32, span: Span,
): void {
  const rowK = f << 2;
  const j4 = <usize>j << 2;
  const zero = f32x4.splat(0);
  for (let oy = 0; oy < rows; oy++) {
    for (let ox = 0; ox < cols; ox++) {
      let a = v128.load(bias + j4);
      for (let ky = 0; ky < k; ky++) {
        if (!rowSpan(span, oy, ox, ky, h, w, c, k, pad, rowK, kernel, j4, start)) continue;
        const base = span.base;
        for (let e = list + (<usize>span.t0 << 3), end = list + (<usize>span.t1 << 3); e < end; e += 8)
          a = madd(v128.load32_splat(e, 4), v128.load(base + <usize>load<i32>(e)), a);
      }
      v128.store(out + (<usize>((oy * ow + ox) * f) << 2) + j4, relu ? f32x4.pmax(zero, a) : a);
    }
  }
}

/** The last f % 4 filters, one at a time. */
function blockScalar(
  list: usize, start: usize, h: i32, w: i32, c: i32, out: usize, rows: i32, cols: i32, ow: i32, f: i32,
  k: i32, pad: i32, relu: bool, kernel: usize, bias: usize, j: i32, span: Span,
): void {
  const rowK = f << 2;
  const j4 = <usize>j << 2;
  for (let oy = 0; oy < rows; oy++) {
    for (let ox = 0; ox < cols; ox++) {
      let a = load<f32>(bias + j4);
      for (let ky = 0; ky < k; ky++) {
        if (!rowSpan(span, oy, ox, ky, h, w, c, k, pad, rowK, kernel, j4, start)) continue;
        const base = span.base;
        for (let e = list + (<usize>span.t0 << 3), end = list + (<usize>span.t1 << 3); e < end; e += 8)
          a += load<f32>(e, 4) * load<f32>(base + <usize>load<i32>(e));
      }
      store<f32>(out + (<usize>((oy * ow + ox) * f) << 2) + j4, relu && !(a > 0) ? 0 : a);
    }
  }
}

/**
 * The forward pass for fewer than 4 input channels (a first layer, on the image), which have too few values
 * per pixel for the list loops to pay: each nonzero input value adds its product with the kernel rows of
 * every tap into the outputs it reaches, in memory (an MNIST image is about 80 % zeros, so this touches a
 * fifth of what a dense pass would). The rows × cols outputs start at the bias and get the ReLU at the end.
 */
function scatterFew(
  x: usize, h: i32, w: i32, c: i32, out: usize, ow: i32, f: i32, k: i32, pad: i32, relu: bool,
  kernel: usize, bias: usize, rows: i32, cols: i32,
): void {
  const rowF = <usize>f << 2;
  const f4 = f & ~3;
  for (let oy = 0; oy < rows; oy++)
    for (let ox = 0; ox < cols; ox++) memory.copy(out + <usize>(oy * ow + ox) * rowF, bias, rowF);
  for (let iy = 0; iy < h; iy++) {
    const oy0 = max(iy + pad - k + 1, 0);
    const oy1 = min(iy + pad + 1, rows);
    for (let ix = 0; ix < w; ix++) {
      const ox0 = max(ix + pad - k + 1, 0);
      const ox1 = min(ix + pad + 1, cols);
      for (let ci = 0; ci < c; ci++) {
        const v = load<f32>(x + (<usize>((iy * w + ix) * c + ci) << 2));
        if (v == 0) continue;
        const s = f32x4.splat(v);
        for (let oy = oy0; oy < oy1; oy++) {
          const ky = iy + pad - oy;
          for (let ox = ox0; ox < ox1; ox++) {
            const kx = ix + pad - ox;
            const o = out + <usize>(oy * ow + ox) * rowF;
            const kr = kernel + <usize>((ky * k + kx) * c + ci) * rowF;
            let j = 0;
            for (; j + 16 <= f; j += 16) {
              const oj = o + (<usize>j << 2);
              const kj = kr + (<usize>j << 2);
              v128.store(oj, madd(s, v128.load(kj), v128.load(oj)));
              v128.store(oj, madd(s, v128.load(kj, 16), v128.load(oj, 16)), 16);
              v128.store(oj, madd(s, v128.load(kj, 32), v128.load(oj, 32)), 32);
              v128.store(oj, madd(s, v128.load(kj, 48), v128.load(oj, 48)), 48);
            }
            for (; j < f4; j += 4) {
              const oj = o + (<usize>j << 2);
              v128.store(oj, madd(s, v128.load(kr + (<usize>j << 2)), v128.load(oj)));
            }
            for (; j < f; j++) {
              const oj = o + (<usize>j << 2);
              store<f32>(oj, load<f32>(oj) + v * load<f32>(kr + (<usize>j << 2)));
            }
          }
        }
      }
    }
  }
  if (relu) for (let oy = 0; oy < rows; oy++) reluInPlace(out + <usize>(oy * ow) * rowF, cols * f);
}

const span = new Span();

/** Zeros in the outputs past the first rows × cols, which nothing reads. */
function zeroUnread(out: usize, oh: i32, ow: i32, f: i32, rows: i32, cols: i32): void {
  const rowBytes = <usize>(ow * f) << 2;
  for (let oy = 0; oy < rows; oy++)
    if (cols < ow) memory.fill(out + <usize>oy * rowBytes + (<usize>(cols * f) << 2), 0, <usize>((ow - cols) * f) << 2);
  if (rows < oh) memory.fill(out + <usize>rows * rowBytes, 0, <usize>(oh - rows) * rowBytes);
}

/**
 * out[oy][ox][:] = act(bias + sum over taps and input channels of x * kernel); kernel HWIO. Only the first
 * `rows` × `cols` of the oh × ow outputs are computed (the rest, which a pooling after drops, are set to 0).
 */
export function layerConvForward(
  x: usize, h: i32, w: i32, c: i32, out: usize, oh: i32, ow: i32, f: i32, k: i32, pad: i32, relu: bool,
  kernel: usize, bias: usize, scratch: usize, rows: i32, cols: i32,
): void {
  zeroUnread(out, oh, ow, f, rows, cols);
  if (c < 4) {
    scatterFew(x, h, w, c, out, ow, f, k, pad, relu, kernel, bias, rows, cols);
    return;
  }
  const hw = h * w;
  const list = scratch;
  const start = list + (<usize>(hw * c) << 3);
  listNonzero(x, hw, c, 1, f << 2, list, start);
  let j = 0;
  // Blocks of 6 vectors while they fit (64 filters: 6 + 6 + 4), 8 vectors as 4 + 4, then single vectors.
  for (;;) {
    const left = (f - j) >> 2;
    if (left >= 6 && left != 8) {
      block6(list, start, h, w, c, out, rows, cols, ow, f, k, pad, relu, kernel, bias, j, span);
      j += 24;
    } else if (left >= 4) {
      block4(list, start, h, w, c, out, rows, cols, ow, f, k, pad, relu, kernel, bias, j, span);
      j += 16;
    } else if (left >= 1) {
      block1(list, start, h, w, c, out, rows, cols, ow, f, k, pad, relu, kernel, bias, j, span);
      j += 4;
    } else break;
  }
  for (; j < f; j++) blockScalar(list, start, h, w, c, out, rows, cols, ow, f, k, pad, relu, kernel, bias, j, span);
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
