// The article model's engine state (./index.ts): the parameter layout's offsets, the buffers every pass
// works in (allocated once, never freed), and the exported pointers the TypeScript side reads them through.

export const IN: i32 = 28;
export const WINDOWS: i32 = 169; // 13 x 13 pool windows
export const FEATURES: i32 = 5408; // 13 * 13 * 32
export const FVEC: i32 = 1352; // FEATURES / 4
export const CLASSES: i32 = 10;
export const K_OFF: i32 = 0;
export const BK_OFF: i32 = 288;
export const W_OFF: i32 = 320;
export const BD_OFF: i32 = 54400;
export const PARAMS: i32 = 54412;
export const EPSILON: f32 = 1e-7;
export const CHUNK: i32 = 16;

export let params: usize = 0;
export let grads: usize = 0;
export let adamM: usize = 0;
export let adamV: usize = 0;
export let lut: usize = 0; // byte -> byte / 255 as f32
export let xf: usize = 0; // the current sample as floats [784] (+ padding)
export let windowConv: usize = 0; // the 4 conv outputs of one pool window, [4][32] f32

export let capacity: i32 = 0;
export let images: usize = 0; // [capacity][784] u8
export let labels: usize = 0; // [capacity] u8
export let pooled: usize = 0; // [capacity][5408] f32, overwritten in place by its gradient
export let argmaxes: usize = 0; // [capacity][5408] u8: which of the 4 positions of a window won
export let emptyWindows: usize = 0; // [capacity][169] u8: 1 when the window's 4x4 input patch is all zero
export let gsplat: usize = 0; // [capacity][10] v128: dLoss/dlogit, splatted
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
/** Counts one more correct prediction (denseLoss) or starts the count again (each batch). */
export function addCorrect(): void {
  lastCorrect++;
}
export function clearCorrect(): void {
  lastCorrect = 0;
}

export function resetOptimizer(): void {
  memory.fill(adamM, 0, <usize>PARAMS * 4);
  memory.fill(adamV, 0, <usize>PARAMS * 4);
}
