/**
 * The Keras code that trains what the panel is set to train: the article's model, with the panel's epochs,
 * batch size, optimizer, learning rate and schedule. Shown beside the model summary so a learner can carry
 * the run over to Python as it is.
 */
import type { Hyperparameters } from '../../shared/protocol/training';

const OPTIMIZER_CLASSES = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' } as const;

/** Python's spelling of a float as a learner would type it (0.003, 1e-05). */
function pythonFloat(v: number): string {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/**
 * @param trainSamples images trained on per epoch; the panel holds out the last 5,000 of the 60,000 for
 *   validation, which is what Keras's `validation_split=1/12` does too.
 */
export function kerasCode(h: Hyperparameters, trainSamples = 55_000): string {
  const batchesPerEpoch = Math.ceil(trainSamples / h.batchSize);
  const lr =
    h.schedule === 'cosine'
      ? `keras.optimizers.schedules.CosineDecay(\n    ${pythonFloat(h.learningRate)}, decay_steps=${h.epochs} * ${batchesPerEpoch})  # epochs × batches per epoch`
      : pythonFloat(h.learningRate);
  return `model = keras.Sequential([
    layers.Conv2D(32, (3, 3), activation="relu",
                  input_shape=(28, 28, 1)),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
learning_rate = ${lr}
model.compile(optimizer=keras.optimizers.${OPTIMIZER_CLASSES[h.optimizer]}(learning_rate),
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train / 255.0, y_train, epochs=${h.epochs},
          batch_size=${h.batchSize}, validation_split=1/12)`;
}
