import { hsum } from './simd';

// Convolutions of any architecture (../layerKernels.ts drives them; everything else of those stacks runs in
// TypeScript): one sample, HWC activations, HWIO kernel, stride 1, `pad` zeros each side ('same' padding is
// (k - 1) / 2), vectorised over the output filters (4 at a time, the rest scalar). All pointers are byte
// addresses in this memory, from alloc(); f32 everywhere.

/** out[oy][ox][:] = act(bias + sum over taps and input channels of x * kernel). */
export function layerConvForward(
  x: usize, h: i32, w: i32, c: i32, out: usize, oh: i32, ow: i32, f: i32, k: i32, pad: i32, relu: bool,
  kernel: usize, bias: usize,
): void {
  const f4 = f & ~3;
  const zero = f32x4.splat(0);
  const rowK: usize = <usize>(c * f) << 2;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const o = out + (<usize>((oy * ow + ox) * f) << 2);
      memory.copy(o, bias, <usize>f << 2);
      for (let ky = 0; ky < k; ky++) {
        const iy = oy + ky - pad;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = ox + kx - pad;
          if (ix < 0 || ix >= w) continue;
          const xi = x + (<usize>((iy * w + ix) * c) << 2);
          const kt = kernel + <usize>(ky * k + kx) * rowK;
          for (let ci = 0; ci < c; ci++) {
            const val = load<f32>(xi + (<usize>ci << 2));
            if (val == 0) continue;
            const s = f32x4.splat(val);
            const kr = kt + (<usize>(ci * f) << 2);
            let j = 0;
            for (; j < f4; j += 4) {
              const a = o + (<usize>j << 2);
              v128.store(a, f32x4.add(v128.load(a), f32x4.mul(s, v128.load(kr + (<usize>j << 2)))));
            }
            for (; j < f; j++) {
              const a = o + (<usize>j << 2);
              store<f32>(a, load<f32>(a) + val * load<f32>(kr + (<usize>j << 2)));
            }
          }
        }
      }
      if (relu) {
        let j = 0;
        for (; j < f4; j += 4) {
          const a = o + (<usize>j << 2);
          v128.store(a, f32x4.pmax(zero, v128.load(a)));
        }
        for (; j < f; j++) {
          const a = o + (<usize>j << 2);
          const v = load<f32>(a);
          store<f32>(a, v > 0 ? v : 0);
        }
      }
    }
  }
}

/**
 * Gradients of one sample's convolution: gradKernel and gradBias accumulate; dIn (when not 0) is
 * overwritten with the input gradient. `dz` is scratch of oh * ow * f floats (the gradient before the
 * activation: dOut where ReLU let the value through).
 */
export function layerConvBackward(
  x: usize, h: i32, w: i32, c: i32, out: usize, dOut: usize, dIn: usize, dz: usize, oh: i32, ow: i32,
  f: i32, k: i32, pad: i32, relu: bool, kernel: usize, gradKernel: usize, gradBias: usize,
): void {
  const f4 = f & ~3;
  const zero = f32x4.splat(0);
  const n = oh * ow * f;
  if (relu) {
    for (let i = 0; i < n; i++) {
      const a = <usize>i << 2;
      store<f32>(dz + a, load<f32>(out + a) > 0 ? load<f32>(dOut + a) : 0);
    }
  } else memory.copy(dz, dOut, <usize>n << 2);
  if (dIn != 0) memory.fill(dIn, 0, <usize>(h * w * c) << 2);
  const rowK: usize = <usize>(c * f) << 2;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const g = dz + (<usize>((oy * ow + ox) * f) << 2);
      let any = false;
      for (let j = 0; j < f; j++) {
        const d = load<f32>(g + (<usize>j << 2));
        if (d != 0) {
          any = true;
          const b = gradBias + (<usize>j << 2);
          store<f32>(b, load<f32>(b) + d);
        }
      }
      if (!any) continue;
      for (let ky = 0; ky < k; ky++) {
        const iy = oy + ky - pad;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = ox + kx - pad;
          if (ix < 0 || ix >= w) continue;
          const xi = x + (<usize>((iy * w + ix) * c) << 2);
          const tap = <usize>(ky * k + kx) * rowK;
          for (let ci = 0; ci < c; ci++) {
            const off = tap + (<usize>(ci * f) << 2);
            const kr = kernel + off;
            const gr = gradKernel + off;
            const val = load<f32>(xi + (<usize>ci << 2));
            if (val != 0) {
              const s = f32x4.splat(val);
              let j = 0;
              for (; j < f4; j += 4) {
                const a = gr + (<usize>j << 2);
                v128.store(a, f32x4.add(v128.load(a), f32x4.mul(s, v128.load(g + (<usize>j << 2)))));
              }
              for (; j < f; j++) {
                const a = gr + (<usize>j << 2);
                store<f32>(a, load<f32>(a) + val * load<f32>(g + (<usize>j << 2)));
              }
            }
            if (dIn != 0) {
              let acc = zero;
              let j = 0;
              for (; j < f4; j += 4)
                acc = f32x4.add(acc, f32x4.mul(v128.load(kr + (<usize>j << 2)), v128.load(g + (<usize>j << 2))));
              let sum = hsum(acc);
              for (; j < f; j++) sum += load<f32>(kr + (<usize>j << 2)) * load<f32>(g + (<usize>j << 2));
              const a = dIn + (<usize>ci << 2) + (<usize>((iy * w + ix) * c) << 2);
              store<f32>(a, load<f32>(a) + sum);
            }
          }
        }
      }
    }
  }
}

/** out[:] = act(bias + x · kernel) of one sample, kernel [n][units] (Keras's layout), over the units 4 at a time. */
export function layerDenseForward(
  x: usize, n: i32, out: usize, units: i32, relu: bool, kernel: usize, bias: usize,
): void {
  const u4 = units & ~3;
  memory.copy(out, bias, <usize>units << 2);
  for (let i = 0; i < n; i++) {
    const val = load<f32>(x + (<usize>i << 2));
    if (val == 0) continue;
    const s = f32x4.splat(val);
    const row = kernel + (<usize>(i * units) << 2);
    let j = 0;
    for (; j < u4; j += 4) {
      const a = out + (<usize>j << 2);
      v128.store(a, f32x4.add(v128.load(a), f32x4.mul(s, v128.load(row + (<usize>j << 2)))));
    }
    for (; j < units; j++) {
      const a = out + (<usize>j << 2);
      store<f32>(a, load<f32>(a) + val * load<f32>(row + (<usize>j << 2)));
    }
  }
  if (relu) {
    for (let j = 0; j < units; j++) {
      const a = out + (<usize>j << 2);
      const v = load<f32>(a);
      store<f32>(a, v > 0 ? v : 0);
    }
  }
}

/** Gradients of one sample's dense layer: gradKernel and gradBias accumulate; dIn (when not 0) is overwritten. */
export function layerDenseBackward(
  x: usize, n: i32, out: usize, dOut: usize, dIn: usize, dz: usize, units: i32, relu: bool, kernel: usize,
  gradKernel: usize, gradBias: usize,
): void {
  const u4 = units & ~3;
  let any = false;
  for (let j = 0; j < units; j++) {
    const a = <usize>j << 2;
    const g: f32 = relu && load<f32>(out + a) <= 0 ? 0 : load<f32>(dOut + a);
    store<f32>(dz + a, g);
    if (g != 0) any = true;
    store<f32>(gradBias + a, load<f32>(gradBias + a) + g);
  }
  if (!any) {
    if (dIn != 0) memory.fill(dIn, 0, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; i++) {
    const val = load<f32>(x + (<usize>i << 2));
    const off = <usize>(i * units) << 2;
    if (val != 0) {
      const s = f32x4.splat(val);
      const gr = gradKernel + off;
      let j = 0;
      for (; j < u4; j += 4) {
        const a = gr + (<usize>j << 2);
        v128.store(a, f32x4.add(v128.load(a), f32x4.mul(s, v128.load(dz + (<usize>j << 2)))));
      }
      for (; j < units; j++) {
        const a = gr + (<usize>j << 2);
        store<f32>(a, load<f32>(a) + val * load<f32>(dz + (<usize>j << 2)));
      }
    }
    if (dIn != 0) {
      const kr = kernel + off;
      let acc = f32x4.splat(0);
      let j = 0;
      for (; j < u4; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(kr + (<usize>j << 2)), v128.load(dz + (<usize>j << 2))));
      let sum = hsum(acc);
      for (; j < units; j++) sum += load<f32>(kr + (<usize>j << 2)) * load<f32>(dz + (<usize>j << 2));
      store<f32>(dIn + (<usize>i << 2), sum);
    }
  }
}
