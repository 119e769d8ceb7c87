/**
 * The article's Keras model, layer for layer:
 *   Conv2D(32, 3x3, relu, input 28x28x1) -> MaxPooling2D(2x2) -> Flatten -> Dense(10, softmax)
 * 54,410 parameters; Keras's default initialisers (Glorot uniform kernels, zero biases), which tfjs shares.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../shared/protocol/training';

export function buildModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

export interface LayerSummary {
  className: string;
  outputShape: string;
  params: number;
}

export function summarize(model: tf.LayersModel): { layers: LayerSummary[]; totalParams: number } {
  const layers = model.layers.map((layer) => ({
    className: layer.getClassName(),
    outputShape: JSON.stringify(layer.outputShape)
      .replace(/null/g, 'None')
      .replace(/,/g, ', ')
      .replace(/\[/g, '(')
      .replace(/\]/g, ')'),
    params: layer.countParams(),
  }));
  return { layers, totalParams: model.countParams() };
}

/**
 * Sets an optimizer's learning rate between two updates (a schedule). tfjs's Adam and RMSprop read the field
 * on every update; SGD caches it as a tensor, which its own setter replaces.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      // Keras's defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.
      return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'rmsprop':
      // Keras's defaults: rho 0.9, momentum 0, epsilon 1e-7.
      return tf.train.rmsprop(learningRate, 0.9, 0, 1e-7);
  }
}

const EPSILON = 1e-7;

/**
 * Sparse categorical cross-entropy on softmax outputs, as Keras computes it for `from_logits=False`:
 * probabilities clipped to [1e-7, 1 - 1e-7], mean of -log p[label].
 */
export function sparseCategoricalCrossentropy(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(tf.clipByValue(probs, EPSILON, 1 - EPSILON), tf.oneHot(labels, 10)), 1);
    return tf.neg(tf.mean(tf.log(picked))) as tf.Scalar;
  });
}

/** Number of rows whose arg-max equals the label, as a float32 scalar (kept on the device). */
export function countCorrect(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')) as tf.Scalar);
}
