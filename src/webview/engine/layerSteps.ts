/**
 * The layer-by-layer kernels' plan of an architecture (./layerKernels.ts): one step per layer with the sizes,
 * activation and parameter offsets its loops need, worked out once from the architecture's shapes; and the
 * pooling forward pass, which needs nothing but its step. Apart from layerKernels.ts, which holds the buffers
 * and runs the steps, so that each file reads on its own.
 */
import type { ShapeReport } from '../../shared/architecture';

export interface ConvStep {
  kind: 'conv';
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  /**
   * The output rows and columns anything reads: oh × ow, but 2·⌊oh/2⌋ × 2·⌊ow/2⌋ when a 2×2 pooling comes
   * next, which drops an odd last row and column (11×11 → 5×5 reads 10×10 of it). Only those are computed.
   */
  usedH: number;
  usedW: number;
  f: number;
  k: number;
  pad: number;
  relu: boolean;
  kernel: number;
  bias: number;
}
export interface PoolStep {
  kind: 'pool';
  w: number;
  c: number;
  oh: number;
  ow: number;
  /** Flat input index of each output's maximum (the first in row-major order, as tfjs picks it). */
  argmax: Int32Array;
}
export interface DropoutStep {
  kind: 'dropout';
  rate: number;
  layer: number;
  /** Floats in and out. */
  n: number;
  /** The last training sample's multipliers (./layout.ts dropoutMask), kept for its backward pass. */
  mask: Float32Array;
}
export interface DenseStep {
  kind: 'dense';
  n: number;
  units: number;
  relu: boolean;
  kernel: number;
  bias: number;
}
export interface FlattenStep {
  kind: 'flatten';
}
export type Step = ConvStep | PoolStep | DropoutStep | DenseStep | FlattenStep;

/** The steps of an architecture, from its shapes (inferShapes) and where each weight starts in the parameters. */
export function planSteps(report: ShapeReport, offsets: readonly number[]): Step[] {
  let weightIndex = 0;
  return report.layers.map((info, i): Step => {
    const l = info.layer;
    switch (l.kind) {
      case 'conv2d': {
        const pooledNext = report.layers[i + 1]?.layer.kind === 'maxPooling2d';
        const s: ConvStep = {
          kind: 'conv',
          h: info.input[0],
          w: info.input[1],
          c: info.input[2],
          oh: info.output[0],
          ow: info.output[1],
          usedH: pooledNext ? 2 * (info.output[0] >> 1) : info.output[0],
          usedW: pooledNext ? 2 * (info.output[1] >> 1) : info.output[1],
          f: info.output[2],
          k: l.kernelSize,
          pad: l.padding === 'same' ? (l.kernelSize - 1) >> 1 : 0,
          relu: l.activation === 'relu',
          kernel: offsets[weightIndex],
          bias: offsets[weightIndex + 1],
        };
        weightIndex += 2;
        return s;
      }
      case 'maxPooling2d':
        return {
          kind: 'pool',
          w: info.input[1],
          c: info.input[2],
          oh: info.output[0],
          ow: info.output[1],
          argmax: new Int32Array(info.output[0] * info.output[1] * info.output[2]),
        };
      case 'dropout':
        return {
          kind: 'dropout',
          rate: l.rate,
          layer: i,
          n: info.input.reduce((a, b) => a * b, 1),
          mask: new Float32Array(0),
        };
      case 'flatten':
        return { kind: 'flatten' };
      case 'dense': {
        const s: DenseStep = {
          kind: 'dense',
          n: info.input[0],
          units: l.units,
          relu: l.activation === 'relu',
          kernel: offsets[weightIndex],
          bias: offsets[weightIndex + 1],
        };
        weightIndex += 2;
        return s;
      }
    }
  });
}

/** MaxPooling2D 2×2 (stride 2) forward; records each output's arg-max for the backward pass. */
export function poolForward(s: PoolStep, x: Float32Array, out: Float32Array) {
  const { w, c, oh, ow, argmax } = s;
  const down = w * c;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const ob = (oy * ow + ox) * c;
      const i00 = (2 * oy * w + 2 * ox) * c;
      for (let ch = 0; ch < c; ch++) {
        // The four inputs in row-major order; the first of equal maxima wins, as tfjs picks it.
        let at = i00 + ch;
        let best = x[at];
        const a = at + c;
        const b = at + down;
        const d = b + c;
        if (x[a] > best) best = x[(at = a)];
        if (x[b] > best) best = x[(at = b)];
        if (x[d] > best) best = x[(at = d)];
        out[ob + ch] = best;
        argmax[ob + ch] = at;
      }
    }
  }
}
