"""The first model from the AI Onramp walkthrough: the classic Keras CNN on MNIST.

Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) -> Flatten -> Dense(10, softmax): 54,410 parameters.
Adam with learning rate 0.001, sparse categorical cross-entropy, batches of 32, 5 epochs.
"""

import sys

try:
    from tensorflow import keras
except ImportError:
    sys.exit(
        "TensorFlow is not installed for this Python:\n"
        f"  {sys.executable}\n"
        "Install it, then run the script again:\n"
        f'  "{sys.executable}" -m pip install tensorflow'
    )

# 60,000 training and 10,000 test images of handwritten digits, 28x28 grey pixels.
# The first run downloads them (11 MB) to ~/.keras/datasets/mnist.npz.
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.summary()

model.fit(x_train, y_train, batch_size=32, epochs=5)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"Test accuracy: {test_accuracy:.4f} (loss {test_loss:.4f})")
