/**
 * `@tensorflow/tfjs-backend-wasm` 4.22 has no `Conv2DBackpropFilter` kernel, so a Conv2D layer cannot learn on
 * WASM. This registers one that computes the filter gradient in JavaScript on the tensors' data (the WASM
 * backend keeps it in its heap, so reading it is a copy, not a GPU round trip). For the panel's model the work
 * is 9 × 32 multiply-adds per output pixel and input channel; zero inputs (most MNIST pixels) are skipped,
 * which leaves the result unchanged.
 */
import * as tf from '@tensorflow/tfjs';

interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** dW[kh, kw, ci, co] = Σ_b,oh,ow x[b, oh·s + kh·d - pad, ow·s + kw·d - pad, ci] · dy[b, oh, ow, co] (NHWC). */
export function conv2dBackpropFilterNhwc(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  g: ConvGeometry,
): Float32Array {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = g;
  const acc = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < g.batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wBase = (kh * filterWidth + kw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const xv = x[xBase + ci];
              if (xv === 0) continue;
              const w = (wBase + ci) * outChannels;
              for (let co = 0; co < outChannels; co++) acc[w + co] += xv * dy[dyBase + co];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

interface WasmBackendLike {
  readSync(dataId: unknown): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

let registered = false;

/** Registers the kernel for the `wasm` backend (idempotent). */
export function registerWasmConv2DBackpropFilter(): void {
  if (registered || tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const wasm = backend as unknown as WasmBackendLike;
      const result = conv2dBackpropFilterNhwc(
        wasm.readSync(x.dataId) as Float32Array,
        wasm.readSync(dy.dataId) as Float32Array,
        {
          batchSize: info.batchSize,
          inHeight: info.inHeight,
          inWidth: info.inWidth,
          inChannels: info.inChannels,
          outHeight: info.outHeight,
          outWidth: info.outWidth,
          outChannels: info.outChannels,
          filterHeight: info.filterHeight,
          filterWidth: info.filterWidth,
          strideHeight: info.strideHeight,
          strideWidth: info.strideWidth,
          dilationHeight: info.dilationHeight,
          dilationWidth: info.dilationWidth,
          padTop: info.padInfo.top,
          padLeft: info.padInfo.left,
        },
      );
      const out = wasm.makeOutput(filterShape, 'float32');
      wasm.typedArrayFromHeap(out).set(result);
      return out;
    },
  });
}
