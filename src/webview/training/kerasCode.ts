/**
 * The Keras code that trains what the panel is set to train: the article's model, with the panel's epochs,
 * batch size, optimizer, learning rate and schedule. Shown beside the model summary so a learner can carry
 * the run over to Python as it is. The layer lines are src/shared/pythonCode.ts's, which also writes the
 * scripts of "Open as a Python project".
 */
import type { Hyperparameters } from '../../shared/hyperparameters';
import { ARTICLE_MODEL, type Architecture } from '../../shared/model';
import { KERAS_OPTIMIZER_CLASSES, kerasLayer, pythonFloat } from '../../shared/pythonCode';

/**
 * @param trainSamples images trained on per epoch; the panel holds out the last 5,000 of the 60,000 for
 *   validation, which is what Keras's `validation_split=1/12` does too.
 */
export function kerasCode(
  h: Hyperparameters,
  trainSamples = 55_000,
  architecture: Architecture = ARTICLE_MODEL,
): string {
  const batchesPerEpoch = Math.ceil(trainSamples / h.batchSize);
  const lr =
    h.schedule === 'cosine'
      ? `keras.optimizers.schedules.CosineDecay(\n    ${pythonFloat(h.learningRate)}, decay_steps=${h.epochs} * ${batchesPerEpoch})  # epochs × batches per epoch`
      : pythonFloat(h.learningRate);
  const layerLines = architecture.layers.map((l, i) => `    ${kerasLayer(l, i === 0)},\n`).join('');
  return `model = keras.Sequential([
${layerLines}])
learning_rate = ${lr}
model.compile(optimizer=keras.optimizers.${KERAS_OPTIMIZER_CLASSES[h.optimizer]}(learning_rate),
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train / 255.0, y_train, epochs=${h.epochs},
          batch_size=${h.batchSize}, validation_split=1/12)`;
}
