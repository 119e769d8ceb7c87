// The Keras files of "Open as a Python project": the training script and load_weights_keras.py (see ./common.ts).
import { INPUT_SHAPE } from '../architecture';
import type { Hyperparameters } from '../hyperparameters';
import { ADAM, RMSPROP, type Architecture } from '../model';
import { docHeader, kerasLayer, LOAD_NPZ, PANEL_TRAIN_SAMPLES, pythonFloat, shapesComment } from './common';

/** (a) The Keras training script: `build_model()` (imported by load_weights_keras.py) and a main(). */
export function kerasTrainingScript(arch: Architecture, h: Hyperparameters): string {
  const layerLines = arch.layers.map((l) => `            ${kerasLayer(l)},\n`).join('');
  const optimizer = {
    adam: `keras.optimizers.Adam(learning_rate, beta_1=${ADAM.beta1}, beta_2=${ADAM.beta2}, epsilon=${pythonFloat(ADAM.epsilon)})`,
    sgd: 'keras.optimizers.SGD(learning_rate)',
    rmsprop: `keras.optimizers.RMSprop(learning_rate, rho=${RMSPROP.rho}, momentum=${pythonFloat(RMSPROP.momentum)}, epsilon=${pythonFloat(RMSPROP.epsilon)})`,
  }[h.optimizer];
  const lr =
    h.schedule === 'cosine'
      ? 'keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=EPOCHS * batches_per_epoch)'
      : 'LEARNING_RATE';
  return `${docHeader("Train the panel's model with Keras and log the curves for TensorBoard.", arch, h, 'python train_keras.py   (then: tensorboard --logdir logs)')}

import datetime
import math

from tensorflow import keras
from tensorflow.keras import layers

EPOCHS = ${h.epochs}
BATCH_SIZE = ${h.batchSize}
LEARNING_RATE = ${pythonFloat(h.learningRate)}


def build_model():
    """The panel's layers, input 28x28x1, output Dense(10, softmax)."""
    return keras.Sequential(
        [
            keras.Input(shape=(${INPUT_SHAPE.join(', ')})),
${layerLines}        ]
    )


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = (x_train / 255.0)[..., None]
    x_test = (x_test / 255.0)[..., None]

    model = build_model()
    model.summary()
    # validation_split=1/12 holds out the last 5,000 images; an epoch trains ${PANEL_TRAIN_SAMPLES.toLocaleString('en-US')}.
    batches_per_epoch = math.ceil(${PANEL_TRAIN_SAMPLES} / BATCH_SIZE)
    learning_rate = ${lr}
    model.compile(
        optimizer=${optimizer},
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    log_dir = "logs/keras-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    model.fit(
        x_train,
        y_train,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        validation_split=1 / 12,
        callbacks=[keras.callbacks.TensorBoard(log_dir=log_dir)],
    )
    _, test_accuracy = model.evaluate(x_test, y_test, verbose=2)
    print(f"Test accuracy: {test_accuracy:.4f}")
    model.save("model_keras.keras")
    print("Saved as model_keras.keras; TensorBoard logs in", log_dir)


if __name__ == "__main__":
    main()
`;
}

/** (c) load_weights_keras.py: builds train_keras.py's model and sets weights.npz's arrays as they are. */
export function kerasLoadWeightsScript(arch: Architecture): string {
  return `"""Load the weights trained in VS Code's AI Onramp training panel into train_keras.py's model.

In the panel: "Try it" -> "Save model to a folder..." writes weights.npz. Put it in this folder, then
Run:  python load_weights_keras.py            (or: python load_weights_keras.py path/to/weights.npz)

The arrays are in Keras's layout already (the panel's TensorFlow.js model uses the same one):
${shapesComment(arch)}.
"""

import sys

import numpy as np

${LOAD_NPZ(arch)}


def main():
    from tensorflow import keras

    from train_keras import build_model

    model = build_model()
    model.set_weights(load_npz_weights(sys.argv[1] if len(sys.argv) > 1 else "weights.npz"))
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    (_, _), (x_test, y_test) = keras.datasets.mnist.load_data()
    _, accuracy = model.evaluate((x_test / 255.0)[..., None], y_test, verbose=2)
    print(f"Test accuracy of the model from the training panel: {accuracy:.4f}")
    model.save("model_from_panel.keras")
    print("Saved as model_from_panel.keras")


if __name__ == "__main__":
    main()
`;
}
