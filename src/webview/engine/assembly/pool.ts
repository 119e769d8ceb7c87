// MaxPooling2D 2×2, stride 2, of any architecture (../layerKernels.ts drives it): one sample, HWC, w the input
// width, c its channels, oh × ow the output; `argmax` (i32) records the flat input index of each output's
// maximum, the first in row-major order of equal ones, as tfjs picks it (and ../layerSteps.ts's TypeScript).
// Vectorised over the channels, 4 at a time.

export function layerPoolForward(x: usize, w: i32, c: i32, oh: i32, ow: i32, out: usize, argmax: usize): void {
  const c4 = c & ~3;
  const down = w * c;
  const lanes = i32x4(0, 1, 2, 3);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const ob = (oy * ow + ox) * c;
      const i00 = (2 * oy * w + 2 * ox) * c;
      let ch = 0;
      for (; ch < c4; ch += 4) {
        const a0 = i00 + ch;
        const a1 = a0 + c;
        const a2 = a0 + down;
        const a3 = a2 + c;
        let best = v128.load(x + (<usize>a0 << 2));
        let at = i32x4.add(i32x4.splat(a0), lanes);
        const v1 = v128.load(x + (<usize>a1 << 2));
        let m = f32x4.gt(v1, best);
        best = v128.bitselect(v1, best, m);
        at = v128.bitselect(i32x4.add(i32x4.splat(a1), lanes), at, m);
        const v2 = v128.load(x + (<usize>a2 << 2));
        m = f32x4.gt(v2, best);
        best = v128.bitselect(v2, best, m);
        at = v128.bitselect(i32x4.add(i32x4.splat(a2), lanes), at, m);
        const v3 = v128.load(x + (<usize>a3 << 2));
        m = f32x4.gt(v3, best);
        best = v128.bitselect(v3, best, m);
        at = v128.bitselect(i32x4.add(i32x4.splat(a3), lanes), at, m);
        v128.store(out + (<usize>(ob + ch) << 2), best);
        v128.store(argmax + (<usize>(ob + ch) << 2), at);
      }
      for (; ch < c; ch++) {
        let at = i00 + ch;
        let best = load<f32>(x + (<usize>at << 2));
        const a = at + c;
        const b = at + down;
        const d = b + c;
        if (load<f32>(x + (<usize>a << 2)) > best) best = load<f32>(x + (<usize>(at = a) << 2));
        if (load<f32>(x + (<usize>b << 2)) > best) best = load<f32>(x + (<usize>(at = b) << 2));
        if (load<f32>(x + (<usize>d << 2)) > best) best = load<f32>(x + (<usize>(at = d) << 2));
        store<f32>(out + (<usize>(ob + ch) << 2), best);
        store<i32>(argmax + (<usize>(ob + ch) << 2), at);
      }
    }
  }
}

/** dIn (inN floats) = 0, then each output's gradient (n of them) added at its input's arg-max. */
export function layerPoolBackward(dOut: usize, n: i32, argmax: usize, dIn: usize, inN: i32): void {
  memory.fill(dIn, 0, <usize>inN << 2);
  for (let j = 0; j < n; j++) {
    const d = dIn + (<usize>load<i32>(argmax + (<usize>j << 2)) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(dOut + (<usize>j << 2)));
  }
}
