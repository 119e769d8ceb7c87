import { hsum, madd } from './simd';
import { compactNonzero } from './sparse';

// Dense layers of any architecture (../layerKernels.ts drives them); kernel [n][units] (Keras's layout). All
// pointers are byte addresses in this memory; f32 everywhere. The forward pass and the kernel gradient keep
// 32 units in 8 registers while they run over the input's nonzero values (an MNIST image is ~80 % zeros, a
// ReLU's output about half); the kernel gradient is taken over several samples at once (layerDenseGrad), so
// each row of it is read and written once per group of samples, not once per sample.

/** Bytes of scratch the dense passes need for n inputs and a group of `samples` samples. */
export function denseScratch(n: i32, samples: i32): i32 {
  const m = max(n, samples);
  return (2 * m + 2) << 2;
}

/** out[:] = act(bias + x · kernel) of one sample. */
export function layerDenseForward(
  x: usize, n: i32, out: usize, units: i32, relu: bool, kernel: usize, bias: usize, scratch: usize,
): void {
  const idx = scratch;
  const val = idx + (<usize>n << 2);
  const start = val + (<usize>n << 2);
  const count = compactNonzero(x, 1, n, 0, 1, idx, val, start);
  const rowK = units << 2;
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 32 <= units; j += 32) {
    const bj = bias + (<usize>j << 2);
    let a0 = v128.load(bj);
    let a1 = v128.load(bj, 16);
    let a2 = v128.load(bj, 32);
    let a3 = v128.load(bj, 48);
    let a4 = v128.load(bj, 64);
    let a5 = v128.load(bj, 80);
    let a6 = v128.load(bj, 96);
    let a7 = v128.load(bj, 112);
    const kj = kernel + (<usize>j << 2);
    for (let t = 0; t < count; t++) {
      const s = v128.load32_splat(val + (<usize>t << 2));
      const kr = kj + <usize>(load<i32>(idx + (<usize>t << 2)) * rowK);
      a0 = madd(s, v128.load(kr), a0);
      a1 = madd(s, v128.load(kr, 16), a1);
      a2 = madd(s, v128.load(kr, 32), a2);
      a3 = madd(s, v128.load(kr, 48), a3);
      a4 = madd(s, v128.load(kr, 64), a4);
      a5 = madd(s, v128.load(kr, 80), a5);
      a6 = madd(s, v128.load(kr, 96), a6);
      a7 = madd(s, v128.load(kr, 112), a7);
    }
    if (relu) {
      a0 = f32x4.pmax(zero, a0);
      a1 = f32x4.pmax(zero, a1);
      a2 = f32x4.pmax(zero, a2);
      a3 = f32x4.pmax(zero, a3);
      a4 = f32x4.pmax(zero, a4);
      a5 = f32x4.pmax(zero, a5);
      a6 = f32x4.pmax(zero, a6);
      a7 = f32x4.pmax(zero, a7);
    }
    const oj = out + (<usize>j << 2);
    v128.store(oj, a0);
    v128.store(oj, a1, 16);
    v128.store(oj, a2, 32);
    v128.store(oj, a3, 48);
    v128.store(oj, a4, 64);
    v128.store(oj, a5, 80);
    v128.store(oj, a6, 96);
    v128.store(oj, a7, 112);
  }
  for (; j + 4 <= units; j += 4) {
    let a = v128.load(bias + (<usize>j << 2));
    const kj = kernel + (<usize>j << 2);
    for (let t = 0; t < count; t++) {
      const s = v128.load32_splat(val + (<usize>t << 2));
      a = madd(s, v128.load(kj + <usize>(load<i32>(idx + (<usize>t << 2)) * rowK)), a);
    }
    v128.store(out + (<usize>j << 2), relu ? f32x4.pmax(zero, a) : a);
  }
  for (; j < units; j++) {
    let a = load<f32>(bias + (<usize>j << 2));
    const kj = kernel + (<usize>j << 2);
    for (let t = 0; t < count; t++)
      a += load<f32>(val + (<usize>t << 2)) * load<f32>(kj + <usize>(load<i32>(idx + (<usize>t << 2)) * rowK));
    store<f32>(out + (<usize>j << 2), relu && !(a > 0) ? 0 : a);
  }
}

/**
 * One sample's dense backward but for the kernel gradient (layerDenseGrad takes that over a group of samples):
 * dz = dOut where ReLU let the value through; gradBias += dz; dIn (when not 0) = kernel · dz.
 * Returns whether dz has any nonzero value.
 */
export function layerDenseBackward(
  n: i32, out: usize, dOut: usize, dIn: usize, dz: usize, units: i32, relu: bool, kernel: usize, gradBias: usize,
): bool {
  const u4 = units & ~3;
  let any = false;
  for (let j = 0; j < units; j++) {
    const a = <usize>j << 2;
    const g: f32 = relu && load<f32>(out + a) <= 0 ? 0 : load<f32>(dOut + a);
    store<f32>(dz + a, g);
    if (g != 0) any = true;
    store<f32>(gradBias + a, load<f32>(gradBias + a) + g);
  }
  if (dIn == 0) return any;
  if (!any) {
    memory.fill(dIn, 0, <usize>n << 2);
    return any;
  }
  for (let i = 0; i < n; i++) {
    const kr = kernel + (<usize>(i * units) << 2);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j < u4; j += 4) acc = madd(v128.load(kr + (<usize>j << 2)), v128.load(dz + (<usize>j << 2)), acc);
    let sum = hsum(acc);
    for (; j < units; j++) sum += load<f32>(kr + (<usize>j << 2)) * load<f32>(dz + (<usize>j << 2));
    store<f32>(dIn + (<usize>i << 2), sum);
  }
  return any;
}

/**
 * gradKernel[i][:] += sum over the `samples` samples b of xs[b][i] · dzs[b][:] (xs [samples][n], dzs
 * [samples][units]): the kernel gradient of a group of samples, row by row over each row's nonzero inputs.
 */
export function layerDenseGrad(
  xs: usize, dzs: usize, samples: i32, n: i32, units: i32, gradKernel: usize, scratch: usize,
): void {
  const idx = scratch;
  const val = idx + (<usize>samples << 2);
  const start = val + (<usize>samples << 2);
  const rowD = units << 2;
  for (let i = 0; i < n; i++) {
    const count = compactNonzero(xs + (<usize>i << 2), 1, samples, 0, n, idx, val, start);
    if (count == 0) continue;
    const g = gradKernel + (<usize>(i * units) << 2);
    let j = 0;
    for (; j + 32 <= units; j += 32) {
      const gj = g + (<usize>j << 2);
      let a0 = v128.load(gj);
      let a1 = v128.load(gj, 16);
      let a2 = v128.load(gj, 32);
      let a3 = v128.load(gj, 48);
      let a4 = v128.load(gj, 64);
      let a5 = v128.load(gj, 80);
      let a6 = v128.load(gj, 96);
      let a7 = v128.load(gj, 112);
      const dj = dzs + (<usize>j << 2);
      for (let t = 0; t < count; t++) {
        const s = v128.load32_splat(val + (<usize>t << 2));
        const d = dj + <usize>(load<i32>(idx + (<usize>t << 2)) * rowD);
        a0 = madd(s, v128.load(d), a0);
        a1 = madd(s, v128.load(d, 16), a1);
        a2 = madd(s, v128.load(d, 32), a2);
        a3 = madd(s, v128.load(d, 48), a3);
        a4 = madd(s, v128.load(d, 64), a4);
        a5 = madd(s, v128.load(d, 80), a5);
        a6 = madd(s, v128.load(d, 96), a6);
        a7 = madd(s, v128.load(d, 112), a7);
      }
      v128.store(gj, a0);
      v128.store(gj, a1, 16);
      v128.store(gj, a2, 32);
      v128.store(gj, a3, 48);
      v128.store(gj, a4, 64);
      v128.store(gj, a5, 80);
      v128.store(gj, a6, 96);
      v128.store(gj, a7, 112);
    }
    for (; j + 4 <= units; j += 4) {
      const gj = g + (<usize>j << 2);
      let a = v128.load(gj);
      const dj = dzs + (<usize>j << 2);
      for (let t = 0; t < count; t++)
        a = madd(v128.load32_splat(val + (<usize>t << 2)), v128.load(dj + <usize>(load<i32>(idx + (<usize>t << 2)) * rowD)), a);
      v128.store(gj, a);
    }
    for (; j < units; j++) {
      const gj = g + (<usize>j << 2);
      let a = load<f32>(gj);
      const dj = dzs + (<usize>j << 2);
      for (let t = 0; t < count; t++)
        a += load<f32>(val + (<usize>t << 2)) * load<f32>(dj + <usize>(load<i32>(idx + (<usize>t << 2)) * rowD));
      store<f32>(gj, a);
    }
  }
}
