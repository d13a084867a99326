"""Train a multilayer perceptron on the handwritten digits that ship with nnlite.

This is a Keras notebook with `keras` replaced by `nnlite` in the imports:
an 8x8-pixel digit (64 inputs), two hidden ReLU layers, a softmax over the
10 classes, Adam and categorical cross-entropy. It runs offline in seconds.

    python examples/digits_mlp.py
"""
import time

from nnlite.datasets import digits
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.utils import set_random_seed, to_categorical

set_random_seed(42)

# Load the data: uint8 images of 8x8 pixels with values 0..16, labels 0..9.
(x_train, y_train), (x_test, y_test) = digits.load_data()
x_train = x_train.reshape(len(x_train), 64).astype("float32") / 16.0
x_test = x_test.reshape(len(x_test), 64).astype("float32") / 16.0
y_train = to_categorical(y_train, 10)
y_test = to_categorical(y_test, 10)

model = Sequential([
    Input(shape=(64,)),
    Dense(128, activation="relu"),
    Dense(64, activation="relu"),
    Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.summary()

start = time.perf_counter()
history = model.fit(x_train, y_train, epochs=30, batch_size=32, validation_split=0.1, verbose=2)
elapsed = time.perf_counter() - start

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print("trained %d epochs in %.2f s" % (len(history.epoch), elapsed))
print("test loss %.4f, test accuracy %.4f" % (loss, accuracy))
