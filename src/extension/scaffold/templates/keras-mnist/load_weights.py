"""Load the model you trained in VS Code's AI Onramp training panel into this project's Keras model.

In the panel: "Try it" -> "Save model to a folder..." writes weights.npz (and model.json with
model.weights.bin for TensorFlow.js). Put weights.npz in this folder, then:

Run:  python load_weights.py            (or: python load_weights.py path/to/weights.npz)

The arrays are already in Keras's layout (the panel's TensorFlow.js model uses the same one):
conv kernel (3, 3, 1, 32), conv bias (32,), dense kernel (5408, 10), dense bias (10,).
"""

import sys

import numpy as np

WEIGHT_NAMES = ("conv2d_kernel", "conv2d_bias", "dense_kernel", "dense_bias")


def load_npz_weights(path="weights.npz"):
    """The four weight arrays, in the order model.set_weights expects."""
    with np.load(path, allow_pickle=False) as npz:
        return [npz[name] for name in WEIGHT_NAMES]


def main():
    import tensorflow as tf

    # The same model as train_mnist.py.
    model = tf.keras.models.Sequential(
        [
            tf.keras.Input(shape=(28, 28, 1)),
            tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
            tf.keras.layers.MaxPooling2D((2, 2)),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.set_weights(load_npz_weights(sys.argv[1] if len(sys.argv) > 1 else "weights.npz"))
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    # The weights trained in VS Code, tested here on the 10,000 test images.
    (_, _), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    _, accuracy = model.evaluate((x_test / 255.0)[..., tf.newaxis], y_test, verbose=2)
    print(f"Test accuracy of the model from the training panel: {accuracy:.4f}")
    model.save("mnist_from_panel.keras")
    print("Saved as mnist_from_panel.keras")


if __name__ == "__main__":
    main()
