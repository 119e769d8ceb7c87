/**
 * The plain TypeScript kernels, for runtimes without WebAssembly SIMD. Same model, layout and gradients
 * as the SIMD engine; scalar loops that skip zero inputs and zero ReLU outputs (MNIST is ~80 % zeros).
 */
import { AdamClock, adamUpdate, type BatchStats, type Kernels } from './kernels';
import { clippedCrossEntropy } from './crossEntropy';
import {
  ADAM_DEFAULTS,
  CONV_BIAS_OFFSET,
  CONV_KERNEL_OFFSET,
  DENSE_BIAS_OFFSET,
  DENSE_KERNEL_OFFSET,
  FEATURES,
  FILTERS,
  PARAM_FLOATS,
} from './layout';
import { CLASSES, IMAGE_PIXELS, IMAGE_SIZE } from '../../shared/model';

const CONV = 26;
const POOL = 13;

export function createTsKernels(): Kernels {
  const params = new Float32Array(PARAM_FLOATS);
  const grads = new Float32Array(PARAM_FLOATS);
  const m = new Float32Array(PARAM_FLOATS);
  const v = new Float32Array(PARAM_FLOATS);
  const clock = new AdamClock();
  const x = new Float32Array(IMAGE_PIXELS);
  const conv = new Float32Array(CONV * CONV * FILTERS);
  const logits = new Float64Array(CLASSES);
  const u = new Float64Array(CLASSES);
  const active = new Int32Array(FEATURES);
  let capacity = 0;
  let images = new Uint8Array(0);
  let labels = new Uint8Array(0);
  let pooled = new Float32Array(0);
  let argmax = new Uint8Array(0);
  let g = new Float32Array(0);
  let correct = 0;

  function reserve(n: number) {
    if (n <= capacity) return;
    images = new Uint8Array(n * IMAGE_PIXELS);
    labels = new Uint8Array(n);
    pooled = new Float32Array(n * FEATURES);
    argmax = new Uint8Array(n * FEATURES);
    g = new Float32Array(n * CLASSES);
    capacity = n;
  }

  function loadInput(b: number) {
    const base = b * IMAGE_PIXELS;
    for (let i = 0; i < IMAGE_PIXELS; i++) x[i] = images[base + i] / 255;
  }

  /** Conv (scattered from the non-zero pixels) + ReLU + max-pool of sample b. */
  function convPool(b: number) {
    loadInput(b);
    for (let c = 0; c < FILTERS; c++) conv[c] = params[CONV_BIAS_OFFSET + c];
    for (let o = FILTERS; o < conv.length; o += FILTERS) conv.copyWithin(o, 0, FILTERS);
    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let xx = 0; xx < IMAGE_SIZE; xx++) {
        const val = x[y * IMAGE_SIZE + xx];
        if (val === 0) continue;
        for (let ky = 0; ky < 3; ky++) {
          const oy = y - ky;
          if (oy < 0 || oy >= CONV) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ox = xx - kx;
            if (ox < 0 || ox >= CONV) continue;
            const o = (oy * CONV + ox) * FILTERS;
            const k = CONV_KERNEL_OFFSET + (ky * 3 + kx) * FILTERS;
            for (let c = 0; c < FILTERS; c++) conv[o + c] += val * params[k + c];
          }
        }
      }
    }
    const pb = b * FEATURES;
    for (let py = 0; py < POOL; py++) {
      for (let px = 0; px < POOL; px++) {
        const o0 = (2 * py * CONV + 2 * px) * FILTERS;
        const o1 = o0 + FILTERS;
        const o2 = o0 + CONV * FILTERS;
        const o3 = o2 + FILTERS;
        const w = pb + (py * POOL + px) * FILTERS;
        for (let c = 0; c < FILTERS; c++) {
          let best = conv[o0 + c];
          let at = 0;
          if (conv[o1 + c] > best) {
            best = conv[o1 + c];
            at = 1;
          }
          if (conv[o2 + c] > best) {
            best = conv[o2 + c];
            at = 2;
          }
          if (conv[o3 + c] > best) {
            best = conv[o3 + c];
            at = 3;
          }
          pooled[w + c] = best > 0 ? best : 0;
          argmax[w + c] = at;
        }
      }
    }
  }

  /** Dense + softmax cross-entropy of sample b (tfjs's clipped probabilities); fills g when scale > 0. */
  function denseLoss(b: number, scale: number, withGrad: boolean): number {
    const pb = b * FEATURES;
    let nnz = 0;
    for (let i = 0; i < FEATURES; i++) if (pooled[pb + i] !== 0) active[nnz++] = i;
    for (let j = 0; j < CLASSES; j++) {
      const wj = DENSE_KERNEL_OFFSET + j * FEATURES;
      let s = 0;
      for (let a = 0; a < nnz; a++) {
        const i = active[a];
        s += pooled[pb + i] * params[wj + i];
      }
      logits[j] = Math.fround(s + params[DENSE_BIAS_OFFSET + j]);
    }
    let mx = logits[0];
    let best = 0;
    for (let j = 1; j < CLASSES; j++) {
      if (logits[j] > mx) {
        mx = logits[j];
        best = j;
      }
    }
    const label = labels[b];
    if (best === label) correct++;
    let sum = 0;
    for (let j = 0; j < CLASSES; j++) sum += logits[j] = Math.exp(logits[j] - mx);
    return clippedCrossEntropy(logits, sum, label, scale, u, withGrad ? g : null, b * CLASSES);
  }

  function denseBackward(n: number) {
    for (let j = 0; j < CLASSES; j++) {
      const wj = DENSE_KERNEL_OFFSET + j * FEATURES;
      grads.fill(0, wj, wj + FEATURES);
      let bias = 0;
      for (let b = 0; b < n; b++) {
        const gj = g[b * CLASSES + j];
        bias += gj;
        if (gj === 0) continue;
        const pb = b * FEATURES;
        for (let i = 0; i < FEATURES; i++) {
          const p = pooled[pb + i];
          if (p !== 0) grads[wj + i] += p * gj;
        }
      }
      grads[DENSE_BIAS_OFFSET + j] = bias;
    }
    for (let b = 0; b < n; b++) {
      const pb = b * FEATURES;
      const gb = b * CLASSES;
      for (let i = 0; i < FEATURES; i++) {
        if (pooled[pb + i] <= 0) continue;
        let s = 0;
        for (let j = 0; j < CLASSES; j++) s += params[DENSE_KERNEL_OFFSET + j * FEATURES + i] * g[gb + j];
        pooled[pb + i] = s; // now the gradient of the pooled value
      }
    }
  }

  /** Conv kernel/bias gradients of sample b; `pooled` holds the pooled gradient (0 where ReLU was off). */
  function convBackward(b: number) {
    loadInput(b);
    const pb = b * FEATURES;
    for (let py = 0; py < POOL; py++) {
      for (let px = 0; px < POOL; px++) {
        const w = pb + (py * POOL + px) * FILTERS;
        for (let c = 0; c < FILTERS; c++) {
          const d = pooled[w + c];
          if (d === 0) continue;
          grads[CONV_BIAS_OFFSET + c] += d;
          const at = argmax[w + c];
          const oy = 2 * py + (at >> 1);
          const ox = 2 * px + (at & 1);
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const val = x[(oy + ky) * IMAGE_SIZE + ox + kx];
              if (val !== 0) grads[CONV_KERNEL_OFFSET + (ky * 3 + kx) * FILTERS + c] += val * d;
            }
          }
        }
      }
    }
  }

  function run(n: number, invBatch: number, train: boolean): BatchStats {
    correct = 0;
    let lossSum = 0;
    for (let b = 0; b < n; b++) {
      convPool(b);
      lossSum += denseLoss(b, invBatch, train);
    }
    if (train) {
      grads.fill(0, 0, DENSE_KERNEL_OFFSET);
      denseBackward(n);
      for (let b = 0; b < n; b++) convBackward(b);
    }
    return { lossSum, correct };
  }

  return {
    kind: 'ts',
    params: () => params,
    grads: () => grads,
    resetOptimizer() {
      m.fill(0);
      v.fill(0);
      clock.reset();
    },
    loadBatch(srcImages, srcLabels, order, start, count) {
      reserve(count);
      for (let k = 0; k < count; k++) {
        const s = order ? order[start + k] : start + k;
        images.set(srcImages.subarray(s * IMAGE_PIXELS, (s + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS);
        labels[k] = srcLabels[s];
      }
    },
    trainBatch: (count, invBatch) => run(count, invBatch, true),
    evaluateBatch: (count) => run(count, 0, false),
    addToGrads(other) {
      for (let i = 0; i < PARAM_FLOATS; i++) grads[i] += other[i];
    },
    adamStep(config = ADAM_DEFAULTS) {
      adamUpdate(params, grads, m, v, clock.tick(config), config);
    },
  };
}
