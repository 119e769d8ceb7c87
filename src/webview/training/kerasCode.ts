/**
 * The Keras code that trains what the panel is set to train: the article's model, with the panel's epochs,
 * batch size, optimizer, learning rate and schedule. Shown beside the model summary so a learner can carry
 * the run over to Python as it is.
 */
import type { Hyperparameters } from '../../shared/hyperparameters';
import { INPUT_SHAPE } from '../../shared/architecture';
import { ARTICLE_MODEL, type Architecture, type Layer } from '../../shared/model';

const OPTIMIZER_CLASSES = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' } as const;

/** Python's spelling of a float as a learner would type it (0.003, 1e-05). */
function pythonFloat(v: number): string {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** One layer as Keras's Sequential list writes it; the first one names the input shape. */
function kerasLayer(layer: Layer, first: boolean): string {
  const input = first ? `,\n                  input_shape=(${INPUT_SHAPE.join(', ')})` : '';
  switch (layer.kind) {
    case 'conv2d': {
      const k = layer.kernelSize;
      const padding = layer.padding === 'valid' ? '' : `, padding="${layer.padding}"`;
      return `layers.Conv2D(${layer.filters}, (${k}, ${k}), activation="${layer.activation}"${padding}${input})`;
    }
    case 'maxPooling2d':
      return `layers.MaxPooling2D((${layer.poolSize}, ${layer.poolSize})${input})`;
    case 'dropout':
      return `layers.Dropout(${pythonFloat(layer.rate)}${input})`;
    case 'flatten':
      return `layers.Flatten(${input.replace(/^,/, '')})`;
    case 'dense':
      return `layers.Dense(${layer.units}, activation="${layer.activation}"${input})`;
  }
}

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
model.compile(optimizer=keras.optimizers.${OPTIMIZER_CLASSES[h.optimizer]}(learning_rate),
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train / 255.0, y_train, epochs=${h.epochs},
          batch_size=${h.batchSize}, validation_split=1/12)`;
}
