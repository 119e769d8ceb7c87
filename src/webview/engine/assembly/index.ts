// The onramp CPU engine: forward and backward passes of the article's model, specialised and written
// for WebAssembly SIMD (f32x4); ./layers.ts holds the generic convolution and dense passes that
// ../layerKernels.ts runs every other architecture with. Compiled by scripts/build-engine.mjs with
// `asc --runtime stub -O3 --enable simd --noAssert`, and again with relaxed SIMD enabled too (./simd.ts madd).
//
// Model: Conv2D(32, 3x3, valid) + bias -> ReLU -> MaxPool 2x2 -> Flatten (NHWC) -> Dense(5408 -> 10) + bias
// -> softmax + sparse categorical cross-entropy (tfjs semantics, probabilities clipped to [1e-7, 1 - 1e-7]).
//
// Parameter layout (floats), shared by params, grads and Adam moments; see ../layout.ts:
//   [0, 288)        conv kernel, HWIO [3][3][1][32] exactly as tfjs stores it
//   [288, 320)      conv bias [32]
//   [320, 54400)    dense kernel TRANSPOSED, [10][5408], so the forward pass and both dense gradients
//                   run as SIMD over the 5408 features
//   [54400, 54410)  dense bias [10], then 2 floats of padding (kept at zero) to a multiple of 4
//
// Why this shape: one conv output position for all 32 channels is 8 f32x4 vectors, so the conv runs
// channel-vectorised; a pool window (4x4 input patch) that is all zero (most of MNIST) yields the bias
// without arithmetic and contributes nothing to the kernel gradient; the ReLU/max-pool keep only the
// argmax (as bytes) for the backward pass; the dense backward is batched over the samples of the step
// so each weight vector is read once per step.
//
// The state and buffers are in ./articleState.ts, the forward pass in ./articleForward.ts, the backward pass in
// ./articleBackward.ts; this entry runs them over a batch and holds the optimizer step.

import { convBackward, denseBackward } from './articleBackward';
import { convPool, denseLoss } from './articleForward';
import { adamM, adamV, CHUNK, clearCorrect, grads, PARAMS, params } from './articleState';
import { layerAdam, layerAddTo } from './sparse';

export {
  alloc, correct, gradsPtr, imagesPtr, init, labelsPtr, momentsPtr, paramCount, paramsPtr, reserve,
  resetOptimizer, velocitiesPtr,
} from './articleState';

/**
 * Forward and backward over the n samples in the batch buffers. Gradients (of the mean loss over a batch
 * of 1 / invBatch samples, of which these n are a part) are written to grads. Returns the summed loss;
 * correct() gives the number of correct predictions.
 */
export function trainBatch(n: i32, invBatch: f32): f32 {
  clearCorrect();
  let loss: f32 = 0;
  memory.fill(grads, 0, <usize>PARAMS << 2);
  // Chunks of CHUNK samples keep the pooled activations of a chunk (CHUNK x 21.6 KB) in L2.
  for (let c = 0; c < n; c += CHUNK) {
    const m = min(CHUNK, n - c);
    for (let b = c; b < c + m; b++) {
      convPool(b);
      loss += denseLoss(b, invBatch, true);
    }
    denseBackward(c, m);
    for (let b = c; b < c + m; b++) convBackward(b);
  }
  return loss;
}

/** Forward only over the n samples in the batch buffers: summed loss; correct() gives the hits. */
export function evaluateBatch(n: i32): f32 {
  clearCorrect();
  let loss: f32 = 0;
  for (let b = 0; b < n; b++) {
    convPool(b);
    loss += denseLoss(b, 0, false);
  }
  return loss;
}

/** grads += the PARAMS floats at src (to sum the partial gradients of several workers). */
export function addToGrads(src: usize): void {
  layerAddTo(grads, src, PARAMS);
}

/** One Adam step with the gradients in grads, as tfjs's AdamOptimizer computes it (./sparse.ts layerAdam). */
export function adam(lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32): void {
  layerAdam(params, grads, adamM, adamV, PARAMS, lr, beta1, beta2, eps, c1, c2);
}

// The generic convolution and dense passes of every other architecture (./layers.ts), exported from this entry.
export * from './layers';
