import { OUTPUT_LAYER, type Architecture } from '../../src/shared/model';

/**
 * The stack the look-inside tests (test/unit/inside.activations.test.ts, test/webview/inside.activations.test.ts)
 * look into besides the article's model: a 5×5 'same' convolution (fields past the image's edge), pooling, a
 * 3×3 'valid' convolution on 8 channels without ReLU (negative values, per-channel sums), pooling, Flatten,
 * Dropout and two Dense layers. 28×28×8 → 14×14×8 → 12×12×16 → 6×6×16 → 576 → 24 → 10.
 */
export const INSIDE_TEST_STACK: Architecture = {
  layers: [
    { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' },
    { kind: 'maxPooling2d', poolSize: 2 },
    { kind: 'conv2d', filters: 16, kernelSize: 3, padding: 'valid', activation: 'linear' },
    { kind: 'maxPooling2d', poolSize: 2 },
    { kind: 'flatten' },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'dense', units: 24, activation: 'relu' },
    OUTPUT_LAYER,
  ],
};
