/**
 * The tfjs model of an architecture in src/shared/model.ts (by default the article's Keras model, layer for
 * layer: Conv2D(32, 3x3, relu, input 28x28x1) -> MaxPooling2D(2x2) -> Flatten -> Dense(10, softmax), 54,410
 * parameters), with Keras's default initialisers (Glorot uniform kernels, zero biases), which tfjs shares.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../shared/hyperparameters';
import { INPUT_SHAPE } from '../../shared/architecture';
import {
  ADAM,
  ARTICLE_MODEL,
  CLASSES,
  CROSS_ENTROPY_EPSILON,
  RMSPROP,
  type Architecture,
  type Layer,
} from '../../shared/model';

function tfLayer(layer: Layer, first: boolean): tf.layers.Layer {
  const input = first ? { inputShape: [...INPUT_SHAPE] } : {};
  switch (layer.kind) {
    case 'conv2d':
      return tf.layers.conv2d({
        ...input,
        filters: layer.filters,
        kernelSize: layer.kernelSize,
        padding: layer.padding,
        activation: layer.activation,
      });
    case 'maxPooling2d':
      return tf.layers.maxPooling2d({ ...input, poolSize: layer.poolSize });
    case 'dropout':
      return tf.layers.dropout({ ...input, rate: layer.rate });
    case 'flatten':
      return tf.layers.flatten(input);
    case 'dense':
      return tf.layers.dense({ ...input, units: layer.units, activation: layer.activation });
  }
}

export function buildModel(architecture: Architecture = ARTICLE_MODEL): tf.Sequential {
  const model = tf.sequential();
  architecture.layers.forEach((layer, i) => model.add(tfLayer(layer, i === 0)));
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
      return tf.train.adam(learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'rmsprop':
      // Keras's defaults: rho 0.9, momentum 0, epsilon 1e-7.
      return tf.train.rmsprop(learningRate, RMSPROP.rho, RMSPROP.momentum, RMSPROP.epsilon);
  }
}

const EPSILON = CROSS_ENTROPY_EPSILON;

/**
 * Sparse categorical cross-entropy on softmax outputs, as Keras computes it for `from_logits=False`:
 * probabilities clipped to [1e-7, 1 - 1e-7], mean of -log p[label].
 */
export function sparseCategoricalCrossentropy(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(tf.clipByValue(probs, EPSILON, 1 - EPSILON), tf.oneHot(labels, CLASSES)), 1);
    return tf.neg(tf.mean(tf.log(picked))) as tf.Scalar;
  });
}

/** Number of rows whose arg-max equals the label, as a float32 scalar (kept on the device). */
export function countCorrect(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')) as tf.Scalar);
}
