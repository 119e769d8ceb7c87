import { gatherChannels, listNonzero } from './gather';
import { hsum, madd, reluInPlace } from './simd';

// Dense layers of any architecture (../layerKernels.ts drives them); kernel [n][units] (Keras's layout). All
// pointers are byte addresses in this memory; f32 everywhere. The forward pass and the kernel gradient sum
// over the input's nonzero values (an MNIST image is ~80 % zeros, a ReLU's output about half) with
// ./gather.ts; the kernel gradient is taken over several samples at once (layerDenseGrad), so each row of it is
// read and written once per group of samples, not once per sample.

/** Bytes of scratch the dense passes need for n inputs and a group of `samples` samples. */
export function denseScratch(n: i32, samples: i32): i32 {
  const m = max(n, samples);
  return (2 * m + 2) << 2;
}

/** out[:] = act(bias + x · kernel) of one sample. */
export function layerDenseForward(
  x: usize, n: i32, out: usize, units: i32, relu: bool, kernel: usize, bias: usize, scratch: usize,
): void {
  const list = scratch;
  const start = list + (<usize>n << 3);
  const count = listNonzero(x, 1, n, 1, units << 2, list, start);
  memory.copy(out, bias, <usize>units << 2);
  gatherChannels(list, list + (<usize>count << 3), kernel, out, units);
  if (relu) reluInPlace(out, units);
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
  const list = scratch;
  const start = list + (<usize>samples << 3);
  for (let i = 0; i < n; i++) {
    const count = listNonzero(xs + (<usize>i << 2), 1, samples, n, units << 2, list, start);
    if (count > 0) gatherChannels(list, list + (<usize>count << 3), dzs, gradKernel + (<usize>(i * units) << 2), units);
  }
}
