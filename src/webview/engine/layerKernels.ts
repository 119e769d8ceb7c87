/**
 * Kernels for any architecture `validate` accepts (src/shared/architecture.ts), layer by layer, in plain
 * TypeScript: Conv2D (valid or same padding, 3×3 or 5×5, ReLU or linear, with the input gradient for every
 * conv after the first), MaxPooling2D 2×2, Dropout (inverted, a seeded mask, training only), Flatten, Dense
 * hidden layers, and the Dense(10, softmax) output with tfjs's clipped sparse categorical cross-entropy.
 * Given an instance of the SIMD engine, the convolutions and dense layers (nearly all of these stacks'
 * arithmetic) run in its `layerConv*` / `layerDense*` functions on buffers in its memory; pooling, dropout and
 * the loss stay in TypeScript.
 * The article's model keeps its specialised kernels (./assembly, ./tsKernels), which are many times faster;
 * these are what every other stack trains with.
 *
 * Parameters are in Keras's `get_weights()` order and layout (conv kernels HWIO, dense kernels [in, out]),
 * one array after the other (./layout.ts `layerLayout`). Each sample runs forward and then backward at once,
 * so only one sample's activations are held, and its gradients add into `grads`.
 */
import { inferShapes } from '../../shared/architecture';
import { type Architecture, CLASSES, IMAGE_PIXELS } from '../../shared/model';
import { AdamClock, adamUpdate, type BatchStats, type Kernels, type LayerWasm } from './kernels';
import { clippedCrossEntropy } from './crossEntropy';
import { ADAM_DEFAULTS, dropoutMask, layerLayout } from './layout';
import { planSteps, poolForward, type ConvStep, type DenseStep } from './layerSteps';

const round4 = (n: number) => Math.ceil(n / 4) * 4;

export function createLayerKernels(arch: Architecture, wasm?: LayerWasm): Kernels {
  const report = inferShapes(arch);
  if (!report.complete) throw new Error('onramp-cpu: this architecture does not fit its input');
  const layout = layerLayout(arch);
  const floats = layout.floats;
  const sizes = [IMAGE_PIXELS, ...report.layers.map((l) => l.output.reduce((a, b) => a * b, 1))];
  const largest = Math.max(...sizes);
  // Every float buffer is carved out of one block (in the wasm memory when there is one, allocated before
  // any view is made, so no later growth detaches them).
  const owned = sizes.map((n, i) => (i > 0 && report.layers[i - 1].layer.kind === 'flatten' ? 0 : round4(n)));
  const total = 4 * floats + 2 * owned.reduce((a, b) => a + b, 0) + round4(largest);
  const blockAt = wasm ? wasm.alloc(total * 4) : 0; // before reading memory.buffer: alloc may grow it
  const block = wasm ? new Float32Array(wasm.memory.buffer, blockAt, total) : new Float32Array(total);
  let carved = 0;
  const take = (n: number) => {
    const view = block.subarray(carved, carved + n);
    carved += round4(n);
    return view;
  };
  const params = take(floats);
  const grads = take(floats);
  const m = take(floats);
  const v = take(floats);
  const clock = new AdamClock();

  const steps = planSteps(report, layout.offsets);
  // acts[i] is the input of layer i (acts[0] the image); deltas[i] its gradient. Flatten shares its buffers.
  const acts: Float32Array[] = [take(IMAGE_PIXELS)];
  const deltas: Float32Array[] = [take(IMAGE_PIXELS)];
  steps.forEach((s, i) => {
    acts.push(s.kind === 'flatten' ? acts[i] : take(sizes[i + 1]));
    deltas.push(s.kind === 'flatten' ? deltas[i] : take(sizes[i + 1]));
  });
  const dz = take(largest);
  // Whether layer i must pass a gradient to its input: only when a layer with weights comes before it.
  const firstWeighted = steps.findIndex((s) => s.kind === 'conv' || s.kind === 'dense');
  const acc = new Float64Array(largest);
  const probs = new Float64Array(CLASSES);
  const u = new Float64Array(CLASSES);

  let capacity = 0;
  let images = new Uint8Array(0);
  let labels = new Uint8Array(0);
  let correct = 0;
  let maskSeed = 0;
  let maskFirst = 0;

  const at = (a: Float32Array, offset = 0) => a.byteOffset + offset * 4;

  function convForward(s: ConvStep, x: Float32Array, out: Float32Array) {
    const { h, w, c, oh, ow, f, k, pad } = s;
    if (wasm) {
      const p = at(params);
      return wasm.layerConvForward(
        at(x),
        h,
        w,
        c,
        at(out),
        oh,
        ow,
        f,
        k,
        pad,
        s.relu ? 1 : 0,
        p + s.kernel * 4,
        p + s.bias * 4,
      );
    }
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let o = 0; o < f; o++) acc[o] = params[s.bias + o];
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (ix < 0 || ix >= w) continue;
            const ib = (iy * w + ix) * c;
            const kb = s.kernel + (ky * k + kx) * c * f;
            for (let ci = 0; ci < c; ci++) {
              const val = x[ib + ci];
              if (val === 0) continue;
              const kr = kb + ci * f;
              for (let o = 0; o < f; o++) acc[o] += val * params[kr + o];
            }
          }
        }
        const ob = (oy * ow + ox) * f;
        if (s.relu) for (let o = 0; o < f; o++) out[ob + o] = acc[o] > 0 ? acc[o] : 0;
        else for (let o = 0; o < f; o++) out[ob + o] = acc[o];
      }
    }
  }

  function convBackward(
    s: ConvStep,
    x: Float32Array,
    out: Float32Array,
    dOut: Float32Array,
    dIn: Float32Array | null,
  ) {
    const { h, w, c, oh, ow, f, k, pad } = s;
    if (wasm) {
      return wasm.layerConvBackward(
        at(x),
        h,
        w,
        c,
        at(out),
        at(dOut),
        dIn ? at(dIn) : 0,
        at(dz),
        oh,
        ow,
        f,
        k,
        pad,
        s.relu ? 1 : 0,
        at(params, s.kernel),
        at(grads, s.kernel),
        at(grads, s.bias),
      );
    }
    const n = oh * ow * f;
    for (let i = 0; i < n; i++) dz[i] = s.relu && out[i] <= 0 ? 0 : dOut[i];
    if (dIn) dIn.fill(0);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const ob = (oy * ow + ox) * f;
        let any = false;
        for (let o = 0; o < f; o++) {
          const g = dz[ob + o];
          if (g !== 0) {
            any = true;
            grads[s.bias + o] += g;
          }
        }
        if (!any) continue;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy + ky - pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (ix < 0 || ix >= w) continue;
            const ib = (iy * w + ix) * c;
            const kb = s.kernel + (ky * k + kx) * c * f;
            for (let ci = 0; ci < c; ci++) {
              const kr = kb + ci * f;
              const val = x[ib + ci];
              if (val !== 0) for (let o = 0; o < f; o++) grads[kr + o] += val * dz[ob + o];
              if (dIn) {
                let sum = 0;
                for (let o = 0; o < f; o++) sum += params[kr + o] * dz[ob + o];
                dIn[ib + ci] += sum;
              }
            }
          }
        }
      }
    }
  }

  function denseForward(s: DenseStep, x: Float32Array, out: Float32Array) {
    const { n, units } = s;
    if (wasm) {
      return wasm.layerDenseForward(
        at(x),
        n,
        at(out),
        units,
        s.relu ? 1 : 0,
        at(params, s.kernel),
        at(params, s.bias),
      );
    }
    for (let j = 0; j < units; j++) acc[j] = params[s.bias + j];
    for (let i = 0; i < n; i++) {
      const val = x[i];
      if (val === 0) continue;
      const row = s.kernel + i * units;
      for (let j = 0; j < units; j++) acc[j] += val * params[row + j];
    }
    if (s.relu) for (let j = 0; j < units; j++) out[j] = acc[j] > 0 ? acc[j] : 0;
    else for (let j = 0; j < units; j++) out[j] = acc[j];
  }

  function denseBackward(
    s: DenseStep,
    x: Float32Array,
    out: Float32Array,
    dOut: Float32Array,
    dIn: Float32Array | null,
  ) {
    const { n, units } = s;
    if (wasm) {
      return wasm.layerDenseBackward(
        at(x),
        n,
        at(out),
        at(dOut),
        dIn ? at(dIn) : 0,
        at(dz),
        units,
        s.relu ? 1 : 0,
        at(params, s.kernel),
        at(grads, s.kernel),
        at(grads, s.bias),
      );
    }
    let any = false;
    for (let j = 0; j < units; j++) {
      const g = s.relu && out[j] <= 0 ? 0 : dOut[j];
      dz[j] = g;
      if (g !== 0) any = true;
      grads[s.bias + j] += g;
    }
    if (!any) {
      dIn?.fill(0);
      return;
    }
    for (let i = 0; i < n; i++) {
      const val = x[i];
      const row = s.kernel + i * units;
      if (val !== 0) for (let j = 0; j < units; j++) grads[row + j] += val * dz[j];
      if (dIn) {
        let sum = 0;
        for (let j = 0; j < units; j++) sum += params[row + j] * dz[j];
        dIn[i] = sum;
      }
    }
  }

  /** Softmax cross-entropy of the logits (tfjs's clipped form); writes dLoss/dlogits · scale to `dLogits`. */
  function loss(logits: Float32Array, label: number, scale: number, dLogits: Float32Array | null): number {
    let mx = logits[0];
    let best = 0;
    for (let j = 1; j < CLASSES; j++) {
      if (logits[j] > mx) {
        mx = logits[j];
        best = j;
      }
    }
    if (best === label) correct++;
    let sum = 0;
    for (let j = 0; j < CLASSES; j++) sum += probs[j] = Math.exp(logits[j] - mx);
    return clippedCrossEntropy(probs, sum, label, scale, u, dLogits);
  }

  function sample(b: number, scale: number, train: boolean): number {
    const x0 = acts[0];
    const base = b * IMAGE_PIXELS;
    for (let i = 0; i < IMAGE_PIXELS; i++) x0[i] = images[base + i] / 255;
    steps.forEach((s, i) => {
      const x = acts[i];
      const out = acts[i + 1];
      switch (s.kind) {
        case 'conv':
          return convForward(s, x, out);
        case 'pool':
          return poolForward(s, x, out);
        case 'dense':
          return denseForward(s, x, out);
        case 'dropout':
          if (!train || s.rate === 0) return out.set(x);
          s.mask = dropoutMask(s.rate, x.length, maskSeed, maskFirst + b, s.layer, s.mask);
          for (let j = 0; j < x.length; j++) out[j] = x[j] * s.mask[j];
          return;
        case 'flatten':
          return;
      }
    });
    const last = steps.length;
    const result = loss(acts[last], labels[b], scale, train ? deltas[last] : null);
    if (!train) return result;
    for (let i = last - 1; i >= 0; i--) {
      const s = steps[i];
      const dIn = i > firstWeighted ? deltas[i] : null;
      switch (s.kind) {
        case 'conv':
          convBackward(s, acts[i], acts[i + 1], deltas[i + 1], dIn);
          break;
        case 'dense':
          denseBackward(s, acts[i], acts[i + 1], deltas[i + 1], dIn);
          break;
        case 'pool':
          if (dIn) {
            dIn.fill(0);
            const d = deltas[i + 1];
            for (let j = 0; j < d.length; j++) dIn[s.argmax[j]] += d[j];
          }
          break;
        case 'dropout':
          if (dIn) {
            const d = deltas[i + 1];
            if (s.rate === 0) dIn.set(d);
            else for (let j = 0; j < d.length; j++) dIn[j] = d[j] * s.mask[j];
          }
          break;
        case 'flatten':
          break;
      }
      if (!dIn) break;
    }
    return result;
  }

  function run(n: number, invBatch: number, train: boolean): BatchStats {
    correct = 0;
    let lossSum = 0;
    if (train) grads.fill(0);
    for (let b = 0; b < n; b++) lossSum += sample(b, invBatch, train);
    return { lossSum, correct };
  }

  return {
    kind: wasm ? 'wasm-simd-layers' : 'ts-layers',
    params: () => params,
    grads: () => grads,
    resetOptimizer() {
      m.fill(0);
      v.fill(0);
      clock.reset();
    },
    loadBatch(srcImages, srcLabels, order, start, count) {
      if (count > capacity) {
        images = new Uint8Array(count * IMAGE_PIXELS);
        labels = new Uint8Array(count);
        capacity = count;
      }
      for (let k = 0; k < count; k++) {
        const s = order ? order[start + k] : start + k;
        images.set(srcImages.subarray(s * IMAGE_PIXELS, (s + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS);
        labels[k] = srcLabels[s];
      }
    },
    setDropoutSeed(seed, first) {
      maskSeed = seed >>> 0;
      maskFirst = first;
    },
    trainBatch: (count, invBatch) => run(count, invBatch, true),
    evaluateBatch: (count) => run(count, 0, false),
    addToGrads(other) {
      for (let i = 0; i < floats; i++) grads[i] += other[i];
    },
    adamStep(config = ADAM_DEFAULTS) {
      adamUpdate(params, grads, m, v, clock.tick(config), config);
    },
  };
}
