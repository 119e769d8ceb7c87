/**
 * Kernels for any architecture `validate` accepts (src/shared/architecture.ts), layer by layer, in plain
 * TypeScript: Conv2D (valid or same padding, 3×3 or 5×5, ReLU or linear, with the input gradient for every
 * conv after the first), MaxPooling2D 2×2, Dropout (inverted, a seeded mask, training only), Flatten, Dense
 * hidden layers, and the Dense(10, softmax) output with tfjs's clipped sparse categorical cross-entropy.
 * Given an instance of the SIMD engine, the convolutions and dense layers (nearly all of these stacks'
 * arithmetic) run in its `layerConv*` / `layerDense*` functions on buffers in its memory (./layerPasses.ts), and
 * so do pooling, dropout, Adam's step and the sum of the workers' gradients; the loss stays in TypeScript
 * (./layerPassesTs.ts has the TypeScript passes).
 * The article's model keeps its specialised kernels (./assembly, ./tsKernels), which are many times faster;
 * these are what every other stack trains with.
 *
 * Parameters are in Keras's `get_weights()` order and layout (conv kernels HWIO, dense kernels [in, out]),
 * one array after the other (./layout.ts `layerLayout`). Each sample runs forward and then backward at once,
 * so only one sample's activations are held, and its gradients add into `grads` (some at the end of the batch).
 */
import { inferShapes } from '../../shared/architecture';
import { type Architecture, CLASSES, IMAGE_PIXELS } from '../../shared/model';
import { AdamClock, adamUpdate, type BatchStats, type Kernels } from './kernels';
import { clippedCrossEntropy } from './crossEntropy';
import { ADAM_DEFAULTS, layerLayout } from './layout';
import { createWasmPasses, type LayerWasm, round4, wasmPassesFloats } from './layerPasses';
import { createTsPasses } from './layerPassesTs';
import { planSteps } from './layerSteps';

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
  const steps = planSteps(report, layout.offsets);
  const total =
    4 * round4(floats) +
    2 * owned.reduce((a, b) => a + b, 0) +
    round4(largest) +
    (wasm ? wasmPassesFloats(wasm, steps) + round4(floats) : 0);
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
  const passes = wasm
    ? createWasmPasses(wasm, steps, params, grads, dz, take)
    : createTsPasses(params, grads, dz, acc);
  // Where another worker's gradients are copied to be added in wasm.
  const received = wasm ? take(floats) : null;

  let capacity = 0;
  let images = new Uint8Array(0);
  let labels = new Uint8Array(0);
  let correct = 0;
  let maskSeed = 0;
  let maskFirst = 0;

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
          return passes.convForward(s, x, out);
        case 'pool':
          return passes.poolForward(s, x, out);
        case 'dense':
          return passes.denseForward(s, x, out);
        case 'dropout':
          if (!train || s.rate === 0) return out.set(x);
          return passes.dropoutForward(s, x, out, maskSeed, maskFirst + b);
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
          passes.convBackward(s, acts[i], acts[i + 1], deltas[i + 1], dIn);
          break;
        case 'dense':
          passes.denseBackward(s, acts[i], acts[i + 1], deltas[i + 1], dIn);
          break;
        case 'pool':
          if (dIn) passes.poolBackward(s, deltas[i + 1], dIn);
          break;
        case 'dropout':
          if (dIn) {
            if (s.rate === 0) dIn.set(deltas[i + 1]);
            else passes.dropoutBackward(s, deltas[i + 1], dIn);
          }
          break;
        case 'flatten':
          break;
      }
      if (!dIn) break;
    }
    passes.sampleDone();
    return result;
  }

  function run(n: number, invBatch: number, train: boolean): BatchStats {
    correct = 0;
    let lossSum = 0;
    if (train) {
      grads.fill(0);
      passes.beginBatch();
    }
    for (let b = 0; b < n; b++) lossSum += sample(b, invBatch, train);
    if (train) passes.endBatch();
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
      if (!wasm || !received) {
        for (let i = 0; i < floats; i++) grads[i] += other[i];
        return;
      }
      received.set(other.subarray(0, floats));
      wasm.layerAddTo(grads.byteOffset, received.byteOffset, round4(floats));
    },
    adamStep(config = ADAM_DEFAULTS) {
      const t = clock.tick(config);
      if (!wasm) return adamUpdate(params, grads, m, v, t, config);
      const { learningRate, beta1, beta2, epsilon } = config;
      // prettier-ignore
      wasm.layerAdam(params.byteOffset, grads.byteOffset, m.byteOffset, v.byteOffset, round4(floats),
        learningRate, beta1, beta2, epsilon, t.c1, t.c2);
    },
  };
}
