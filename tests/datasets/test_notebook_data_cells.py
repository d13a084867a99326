"""The data cells of classic course notebooks, with only their imports
changed, on real-format files placed in the Keras cache beforehand (as a
student who already ran Keras has them) and the network switched off."""
import hashlib
import json

import numpy as np
import pytest

from dataset_helpers import npz_bytes, object_array
import nnlite as keras
from nnlite import layers
from nnlite.datasets import boston_housing, imdb, mnist
from nnlite.utils import file_utils


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")
    monkeypatch.setattr(file_utils, "urlopen", refuse)


def _place(keras_home, monkeypatch, module, name, data, hash_attr="_FILE_HASH", md5=False):
    keras_home.mkdir(parents=True, exist_ok=True)
    (keras_home / name).write_bytes(data)
    digest = hashlib.md5(data) if md5 else hashlib.sha256(data)
    monkeypatch.setattr(module, hash_attr, digest.hexdigest())


def _mnist_npz(n_train=60, n_test=20):
    rng = np.random.RandomState(0)
    return npz_bytes(x_train=rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8),
                     y_train=rng.randint(0, 10, n_train).astype(np.uint8),
                     x_test=rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8),
                     y_test=rng.randint(0, 10, n_test).astype(np.uint8))


def test_mnist_mlp_cells_run_from_the_cache(keras_home, monkeypatch, offline):
    _place(keras_home, monkeypatch, mnist, "mnist.npz", _mnist_npz())
    # -- the notebook, imports changed only --
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
    train_images = train_images.reshape((60, 28 * 28)).astype("float32") / 255
    test_images = test_images.reshape((20, 28 * 28)).astype("float32") / 255
    train_labels = keras.utils.to_categorical(train_labels)
    test_labels = keras.utils.to_categorical(test_labels, 10)
    model = keras.Sequential([layers.Dense(512, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train_images, train_labels, epochs=2, batch_size=16,
                        validation_split=0.2, verbose=0)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert np.isfinite(test_loss) and 0.0 <= test_acc <= 1.0


def test_mnist_convnet_cells_run_from_the_cache(keras_home, monkeypatch, offline):
    _place(keras_home, monkeypatch, mnist, "mnist.npz", _mnist_npz())
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
    x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
    y_train = keras.utils.to_categorical(y_train, 10)
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),
                              layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
                              layers.MaxPooling2D(pool_size=(2, 2)), layers.Flatten(),
                              layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=16, epochs=1, validation_split=0.1, verbose=0)
    assert model.predict(x_test, verbose=0).shape == (20, 10)


def test_imdb_cells_run_from_the_cache(keras_home, monkeypatch, offline):
    rng = np.random.RandomState(1)
    reviews = [list(rng.randint(1, 60, rng.randint(3, 30))) for _ in range(40)]
    _place(keras_home, monkeypatch, imdb, "imdb.npz",
           npz_bytes(x_train=object_array(reviews[:30]), y_train=rng.randint(0, 2, 30),
                     x_test=object_array(reviews[30:]), y_test=rng.randint(0, 2, 10)))
    words = {"w%d" % i: i for i in range(1, 60)}
    _place(keras_home, monkeypatch, imdb, "imdb_word_index.json", json.dumps(words).encode(),
           hash_attr="_WORD_INDEX_HASH", md5=True)
    # -- Deep Learning with Python, chapter 4 --
    (train_data, train_labels), (test_data, test_labels) = imdb.load_data(num_words=50)
    word_index = imdb.get_word_index()
    reverse_word_index = dict([(value, key) for (key, value) in word_index.items()])
    decoded = " ".join([reverse_word_index.get(i - 3, "?") for i in train_data[0]])
    assert decoded.startswith("?")

    def vectorize_sequences(sequences, dimension=50):
        results = np.zeros((len(sequences), dimension))
        for i, sequence in enumerate(sequences):
            for j in sequence:
                results[i, j] = 1.
        return results

    x_train = vectorize_sequences(train_data)
    y_train = np.asarray(train_labels).astype("float32")
    model = keras.Sequential([layers.Dense(16, activation="relu"),
                              layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=2, batch_size=8, verbose=0,
                        validation_data=(vectorize_sequences(test_data), test_labels))
    assert "val_accuracy" in history.history
    padded = keras.utils.pad_sequences(train_data, maxlen=20)
    assert padded.shape == (30, 20) and padded.dtype == np.int32


def test_boston_housing_cells_run_from_the_cache(keras_home, monkeypatch, offline):
    rng = np.random.RandomState(2)
    _place(keras_home, monkeypatch, boston_housing, "boston_housing.npz",
           npz_bytes(x=rng.rand(50, 13) * 100, y=rng.rand(50) * 50))
    (train_data, train_targets), (test_data, test_targets) = boston_housing.load_data()
    mean = train_data.mean(axis=0)
    train_data -= mean
    std = train_data.std(axis=0)
    train_data /= std
    test_data = (test_data - mean) / std
    model = keras.Sequential([layers.Dense(64, activation="relu"),
                              layers.Dense(64, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    model.fit(train_data, train_targets, epochs=2, batch_size=16, verbose=0)
    test_mse, test_mae = model.evaluate(test_data, test_targets, verbose=0)
    assert train_data.shape == (40, 13) and np.isfinite(test_mae)
