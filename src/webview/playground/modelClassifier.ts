/**
 * The playground's classifier for a model other than the article's, which the fast forward pass (./forward.ts)
 * is not written for: tfjs's `predict` on a copy of the trained model's weights. A copy, because the trainer
 * disposes its model when the next run starts, and drawing must keep working meanwhile. One image a call, read
 * back at once (a drawing needs its probabilities now); every tensor is freed inside the call.
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture } from '../../shared/model';
import { buildModel } from '../common/tfjsModel';
import { CLASSES, type Classifier } from './forward';
import { MNIST_PIXELS, MNIST_SIZE } from './preprocess';

export function createModelClassifier(trained: tf.LayersModel, architecture: Architecture): Classifier {
  const model = buildModel(architecture);
  model.setWeights(trained.getWeights());
  // Read once, when the run hands its model over (not per prediction): what Save writes for this model.
  const exported = { architecture, weights: model.getWeights().map((w) => w.dataSync() as Float32Array) };
  const scratch = new Float32Array(MNIST_PIXELS);
  let disposed = false;
  function predict(input: Float32Array, out: Float32Array = new Float32Array(CLASSES)): Float32Array {
    if (input.length !== MNIST_PIXELS)
      throw new Error(`an input holds ${MNIST_PIXELS} values, not ${input.length}`);
    if (disposed) throw new Error('this model was replaced');
    const probabilities = tf.tidy(() =>
      (model.predict(tf.tensor4d(input, [1, MNIST_SIZE, MNIST_SIZE, 1])) as tf.Tensor).dataSync(),
    );
    out.set(probabilities);
    return out;
  }
  return {
    exported,
    predict,
    predictBytes(images, offset, out) {
      for (let i = 0; i < MNIST_PIXELS; i++) scratch[i] = images[offset + i] / 255;
      return predict(scratch, out);
    },
    dispose() {
      disposed = true;
      model.dispose();
    },
  };
}
