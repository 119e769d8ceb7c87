"""Train the classic MNIST CNN with Keras and log the curves for TensorBoard.

The model and steps follow the article: Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) -> Flatten -> Dense(10, softmax),
Adam with learning rate 0.001, sparse categorical cross-entropy, batch size 32, 5 epochs, pixels scaled to 0..1.
The model has 54,410 parameters.

Run:        python train_mnist.py
Then watch: tensorboard --logdir logs
"""

import datetime

import tensorflow as tf

# 1. Load the data: 60,000 training and 10,000 test images of handwritten digits, 28x28 grey pixels.
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()

# 2. Scale the pixels from 0..255 to 0..1 and add the channel axis the convolution expects: (28, 28, 1).
x_train = (x_train / 255.0)[..., tf.newaxis]
x_test = (x_test / 255.0)[..., tf.newaxis]

# 3. Build the model.
model = tf.keras.models.Sequential(
    [
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D((2, 2)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax"),
    ]
)
model.summary()

# 4. Choose how it learns.
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# 5. Train, writing loss and accuracy for TensorBoard to logs/<timestamp>.
log_dir = "logs/" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
tensorboard_callback = tf.keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=1)
model.fit(
    x_train,
    y_train,
    epochs=5,
    batch_size=32,
    validation_data=(x_test, y_test),
    callbacks=[tensorboard_callback],
)

# 6. Check it on images it has never seen.
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=2)
print(f"Test accuracy: {test_accuracy:.4f}")
print(f"TensorBoard logs: {log_dir}  (run: tensorboard --logdir logs)")
