/**
 * The playground's classifier for a model other than the article's, which the fast forward pass (./forward.ts)
 * is not written for: tfjs's `predict` on its own tfjs model. For a run's model that is a copy of the trained
 * model's weights (the trainer disposes its model when the next run starts, and drawing must keep working
 * meanwhile); for a model loaded from files, the model built from the arrays read from them. One image a call,
 * read back at once (a drawing needs its probabilities now); every tensor is freed inside the call. A run's
 * weights are read back only when something asks for them (Save, the look-inside views), with `data()`, once.
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture, TrainedModel } from '../../shared/model';
import { buildModel } from '../common/tfjsModel';
import { modelFromArrays } from './export';
import { CLASSES, type Classifier } from './forward';
import { MNIST_PIXELS, MNIST_SIZE } from './preprocess';

/** A classifier over a copy of a trained tfjs model's weights. */
export function createModelClassifier(trained: tf.LayersModel, architecture: Architecture): Classifier {
  const model = buildModel(architecture);
  model.setWeights(trained.getWeights());
  // What Save writes and the look-inside views show: read back once, when first asked for (not on hand-over).
  let read: Promise<TrainedModel> | undefined;
  return tfjsClassifier(model, () => {
    read ??= Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>)).then(
      (weights) => ({ architecture, weights }),
    );
    return read;
  });
}

/** A classifier over a model whose layers and weights are already on the CPU (one loaded from files). */
export function createArraysClassifier(loaded: TrainedModel): Classifier {
  return tfjsClassifier(modelFromArrays(loaded), () => Promise.resolve(loaded));
}

function tfjsClassifier(model: tf.LayersModel, readModel: () => Promise<TrainedModel>): Classifier {
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
    readModel() {
      if (disposed) return Promise.reject(new Error('this model was replaced'));
      return readModel();
    },
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
