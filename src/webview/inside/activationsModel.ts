/**
 * Every layer's output for one 28×28 input, for any architecture the panel builds (src/shared/model.ts), from
 * its weights in Keras's `get_weights()` order (what the tfjs model and the CPU engine both give), and the
 * arithmetic behind one output cell: the receptive field, the input patch (zeros outside the image for
 * 'same' padding), the kernel, the sum of the products plus the bias, then the activation. Plain TypeScript
 * on buffers allocated once per model: no tfjs backend, so it is the same on every backend, allocates no
 * tensor, and the numbers the view shows are the ones it painted. Skips zero inputs (MNIST is mostly
 * background), as the playground's forward pass does.
 */
import { findWeightProblem, inferShapes, type LayerInfo, type Shape } from '../../shared/architecture';
import type { Conv2DLayer, TrainedModel } from '../../shared/model';

export interface LayerOutput {
  readonly index: number;
  readonly info: LayerInfo;
  /** HWC for images, [n] after Flatten; Dropout and Flatten hand on their input's buffer (identity). */
  readonly values: Float32Array;
}

/** One conv output cell's arithmetic. `top`/`left` may be negative ('same' padding reaches past the edge). */
export interface ConvCell {
  readonly layer: number;
  readonly row: number;
  readonly col: number;
  readonly filter: number;
  readonly kernelSize: number;
  readonly channels: number;
  /** The receptive field's first input row and column (in the layer's input). */
  readonly top: number;
  readonly left: number;
  /** The input patch, k×k×channels in HWC order; 0 where the field lies outside the input. */
  readonly patch: Float32Array;
  /** Whether each patch position (k×k) lies inside the input. */
  readonly inside: readonly boolean[];
  /** The filter's kernel, k×k×channels in HWC order. */
  readonly kernel: Float32Array;
  /** Σ patch × kernel over each input channel. */
  readonly channelSums: Float64Array;
  readonly sum: number;
  readonly bias: number;
  /** sum + bias. */
  readonly pre: number;
  readonly activation: Conv2DLayer['activation'];
  /** The activation of `pre`: what the feature map holds. */
  readonly value: number;
}

/** One max-pooling cell: its 2×2 window on the previous maps and the largest of the four. */
export interface PoolCell {
  readonly layer: number;
  readonly row: number;
  readonly col: number;
  readonly channel: number;
  readonly top: number;
  readonly left: number;
  readonly window: Float32Array;
  readonly value: number;
}

const checkedModel = (model: TrainedModel) => {
  const report = inferShapes(model.architecture);
  if (!report.complete) throw new Error('the architecture does not fit its input');
  const problem = findWeightProblem(model.weights, report.weightShapes);
  if (problem?.kind === 'count')
    throw new Error(`the model has ${problem.found} weight arrays, its layers need ${problem.expected}`);
  if (problem?.kind === 'length')
    throw new Error(
      `weight array ${problem.index} holds ${problem.found ?? 'no'} values, not ${problem.expected}`,
    );
  if (problem?.kind === 'notFinite')
    throw new Error(`weight array ${problem.index} has a value that is not a finite number at ${problem.at}`);
  return report;
};

const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

export class LayerActivations {
  readonly layers: readonly LayerInfo[];
  /** Each layer's [kernel, bias], or undefined for layers without weights. */
  private readonly params: ({ kernel: Float32Array; bias: Float32Array } | undefined)[] = [];
  private readonly buffers: Float32Array[] = [];
  private readonly input: Float32Array;
  private ran = false;

  constructor(readonly model: TrainedModel) {
    const report = checkedModel(model);
    this.layers = report.layers;
    this.input = new Float32Array(size(report.layers[0]?.input ?? [0]));
    let w = 0;
    report.layers.forEach((l, i) => {
      this.params.push(
        l.weights.length > 0 ? { kernel: model.weights[w++], bias: model.weights[w++] } : undefined,
      );
      const kind = l.layer.kind;
      this.buffers.push(
        kind === 'dropout' || kind === 'flatten' ? this.inputOf(i) : new Float32Array(size(l.output)),
      );
    });
  }

  /** The values layer `index` read: the image for the first, else the previous layer's output. */
  inputOf(index: number): Float32Array {
    return index === 0 ? this.input : this.buffers[index - 1];
  }

  /** Runs `image` (784 values in [0, 1]) through every layer; the arrays returned are reused by the next run. */
  run(image: Float32Array): LayerOutput[] {
    if (image.length !== this.input.length)
      throw new Error(`an input holds ${this.input.length} values, not ${image.length}`);
    this.input.set(image);
    this.layers.forEach((info, i) => {
      const x = this.inputOf(i);
      const out = this.buffers[i];
      const l = info.layer;
      if (l.kind === 'conv2d') this.conv(info, l, this.params[i]!, x, out);
      else if (l.kind === 'maxPooling2d') pool(info, x, out);
      else if (l.kind === 'dense') dense(info, l.activation, this.params[i]!, x, out);
      // Dropout is the identity at inference; Flatten reads HWC in order: both share their input's buffer.
    });
    this.ran = true;
    return this.outputs();
  }

  outputs(): LayerOutput[] {
    return this.layers.map((info, index) => ({ index, info, values: this.buffers[index] }));
  }

  private conv(
    info: LayerInfo,
    l: Conv2DLayer,
    p: { kernel: Float32Array; bias: Float32Array },
    x: Float32Array,
    out: Float32Array,
  ): void {
    const [H, W, C] = info.input;
    const [OH, OW, F] = info.output;
    const k = l.kernelSize;
    const pad = l.padding === 'same' ? (k - 1) >> 1 : 0;
    const { kernel, bias } = p;
    for (let o = 0; o < OH * OW; o++) out.set(bias, o * F);
    for (let oy = 0; oy < OH; oy++) {
      for (let ky = 0; ky < k; ky++) {
        const iy = oy + ky - pad;
        if (iy < 0 || iy >= H) continue;
        for (let ox = 0; ox < OW; ox++) {
          const o = (oy * OW + ox) * F;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox + kx - pad;
            if (ix < 0 || ix >= W) continue;
            const xi = (iy * W + ix) * C;
            const ki = (ky * k + kx) * C * F;
            for (let c = 0; c < C; c++) {
              const v = x[xi + c];
              if (v === 0) continue;
              const kc = ki + c * F;
              for (let f = 0; f < F; f++) out[o + f] += v * kernel[kc + f];
            }
          }
        }
      }
    }
    if (l.activation === 'relu') for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
  }

  /** The arithmetic of conv layer `layer`'s cell (row, col) of `filter`, from the input of the last run. */
  convCell(layer: number, row: number, col: number, filter: number): ConvCell {
    const info = this.layers[layer];
    const l = info?.layer;
    if (!l || l.kind !== 'conv2d') throw new Error(`layer ${layer} is not a Conv2D layer`);
    if (!this.ran) throw new Error('nothing has run through the model yet');
    const [H, W, C] = info.input;
    const [OH, OW, F] = info.output;
    if (!(row >= 0 && row < OH && col >= 0 && col < OW && filter >= 0 && filter < F))
      throw new Error(`no cell (${row}, ${col}) of filter ${filter} in a ${OH}×${OW}×${F} output`);
    const k = l.kernelSize;
    const pad = l.padding === 'same' ? (k - 1) >> 1 : 0;
    const top = row - pad;
    const left = col - pad;
    const x = this.inputOf(layer);
    const { kernel: weights, bias } = this.params[layer]!;
    const patch = new Float32Array(k * k * C);
    const kernel = new Float32Array(k * k * C);
    const inside: boolean[] = [];
    const channelSums = new Float64Array(C);
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const iy = top + ky;
        const ix = left + kx;
        const within = iy >= 0 && iy < H && ix >= 0 && ix < W;
        inside.push(within);
        for (let c = 0; c < C; c++) {
          const at = (ky * k + kx) * C + c;
          kernel[at] = weights[at * F + filter];
          patch[at] = within ? x[(iy * W + ix) * C + c] : 0;
          channelSums[c] += patch[at] * kernel[at];
        }
      }
    }
    const sum = channelSums.reduce((a, b) => a + b, 0);
    const pre = sum + bias[filter];
    return {
      layer,
      row,
      col,
      filter,
      kernelSize: k,
      channels: C,
      top,
      left,
      patch,
      inside,
      kernel,
      channelSums,
      sum,
      bias: bias[filter],
      pre,
      activation: l.activation,
      value: l.activation === 'relu' ? Math.max(0, pre) : pre,
    };
  }

  /** Max-pooling layer `layer`'s cell (row, col) of `channel`: its window and its value. */
  poolCell(layer: number, row: number, col: number, channel: number): PoolCell {
    const info = this.layers[layer];
    if (info?.layer.kind !== 'maxPooling2d') throw new Error(`layer ${layer} is not a MaxPooling2D layer`);
    const [, W, C] = info.input;
    const x = this.inputOf(layer);
    const top = row * 2;
    const left = col * 2;
    const window = new Float32Array(4);
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) window[dy * 2 + dx] = x[((top + dy) * W + left + dx) * C + channel];
    return { layer, row, col, channel, top, left, window, value: Math.max(...window) };
  }
}

function pool(info: LayerInfo, x: Float32Array, out: Float32Array): void {
  const [, W, C] = info.input;
  const [OH, OW] = info.output;
  for (let py = 0; py < OH; py++) {
    for (let px = 0; px < OW; px++) {
      const a = (2 * py * W + 2 * px) * C;
      const b = a + C;
      const c = a + W * C;
      const d = c + C;
      const o = (py * OW + px) * C;
      for (let ch = 0; ch < C; ch++) out[o + ch] = Math.max(x[a + ch], x[b + ch], x[c + ch], x[d + ch]);
    }
  }
}

function dense(
  info: LayerInfo,
  activation: 'relu' | 'linear' | 'softmax',
  { kernel, bias }: { kernel: Float32Array; bias: Float32Array },
  x: Float32Array,
  out: Float32Array,
): void {
  const n = info.input[0];
  const units = info.output[0];
  const sums = new Float64Array(bias);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v === 0) continue;
    const row = i * units;
    for (let u = 0; u < units; u++) sums[u] += v * kernel[row + u];
  }
  if (activation === 'softmax') {
    let max = -Infinity;
    for (let u = 0; u < units; u++) max = Math.max(max, sums[u]);
    let total = 0;
    for (let u = 0; u < units; u++) total += sums[u] = Math.exp(sums[u] - max);
    for (let u = 0; u < units; u++) out[u] = sums[u] / total;
  } else {
    for (let u = 0; u < units; u++) out[u] = activation === 'relu' ? Math.max(0, sums[u]) : sums[u];
  }
}
