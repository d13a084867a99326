"""`nnlite.datasets.mnist` and `fashion_mnist`: origins, cache names and the
arrays returned, from small synthetic files on a local server."""
import gzip

import numpy as np
import pytest

from dataset_helpers import npz_bytes, serve_dataset
from nnlite.datasets import fashion_mnist, mnist


def _mnist_arrays(n_train=5, n_test=3):
    rng = np.random.RandomState(0)
    return dict(
        x_train=rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8),
        y_train=rng.randint(0, 10, n_train).astype(np.uint8),
        x_test=rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8),
        y_test=rng.randint(0, 10, n_test).astype(np.uint8))


def test_mnist_origin_and_hash_are_keras_ones():
    assert mnist._ORIGIN == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")
    assert mnist._FILE_HASH == (
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")


def test_mnist_returns_the_file_arrays(file_server, keras_home, monkeypatch):
    arrays = _mnist_arrays()
    serve_dataset(monkeypatch, file_server, mnist, "mnist.npz", npz_bytes(**arrays))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for got, key in ((x_train, "x_train"), (y_train, "y_train"),
                     (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])
    assert x_train.shape == (5, 28, 28) and y_test.shape == (3,)


def test_mnist_caches_as_mnist_npz(file_server, keras_home, monkeypatch):
    serve_dataset(monkeypatch, file_server, mnist, "mnist.npz",
                  npz_bytes(**_mnist_arrays()))
    mnist.load_data()
    mnist.load_data()
    assert (keras_home / "mnist.npz").is_file()
    assert file_server.requests == ["/mnist.npz"]


def test_mnist_refuses_a_file_with_the_wrong_hash(file_server, keras_home,
                                                  monkeypatch):
    file_server.files["/mnist.npz"] = npz_bytes(**_mnist_arrays())
    monkeypatch.setattr(mnist, "_ORIGIN", file_server.url("mnist.npz"))
    with pytest.raises(ValueError, match="hash"):
        mnist.load_data()  # the real Keras hash does not match the fake file
    assert not (keras_home / "mnist.npz").exists()


def test_mnist_missing_key_names_the_file(file_server, keras_home, monkeypatch):
    arrays = _mnist_arrays()
    del arrays["y_test"]
    serve_dataset(monkeypatch, file_server, mnist, "mnist.npz", npz_bytes(**arrays))
    with pytest.raises(ValueError, match=r"y_test.*not the expected dataset"):
        mnist.load_data()


def _idx(array, magic):
    header = np.array([magic, *array.shape], dtype=">i4").tobytes()
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def _serve_fashion(file_server, monkeypatch, y_train, x_train, y_test, x_test):
    files = dict(zip(fashion_mnist._FILES, (
        _idx(y_train, 2049), _idx(x_train, 2051), _idx(y_test, 2049),
        _idx(x_test, 2051))))
    for name, data in files.items():
        file_server.files["/" + name] = data
    monkeypatch.setattr(fashion_mnist, "_BASE", file_server.base_url)


def test_fashion_mnist_file_names_are_keras_ones():
    assert fashion_mnist._BASE == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/")
    assert fashion_mnist._FILES == (
        "train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def test_fashion_mnist_reads_idx_files_into_fashion_mnist_folder(
        file_server, keras_home, monkeypatch):
    a = _mnist_arrays(4, 2)
    _serve_fashion(file_server, monkeypatch, a["y_train"], a["x_train"],
                   a["y_test"], a["x_test"])
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, a["x_train"])
    np.testing.assert_array_equal(y_test, a["y_test"])
    assert x_train.dtype == np.uint8 and x_test.shape == (2, 28, 28)
    assert sorted(p.name for p in (keras_home / "fashion-mnist").iterdir()) == \
        sorted(fashion_mnist._FILES)


def test_fashion_mnist_refuses_label_count_mismatch(file_server, keras_home,
                                                    monkeypatch):
    a = _mnist_arrays(4, 2)
    _serve_fashion(file_server, monkeypatch, a["y_train"][:3], a["x_train"],
                   a["y_test"], a["x_test"])
    with pytest.raises(ValueError, match="4 images but its label file holds 3"):
        fashion_mnist.load_data()


def test_fashion_mnist_refuses_truncated_idx(file_server, keras_home, monkeypatch):
    a = _mnist_arrays(4, 2)
    _serve_fashion(file_server, monkeypatch, a["y_train"], a["x_train"],
                   a["y_test"], a["x_test"])
    name = fashion_mnist._FILES[1]
    raw = gzip.decompress(file_server.files["/" + name])
    file_server.files["/" + name] = gzip.compress(raw[:-10])
    with pytest.raises(ValueError, match="truncated"):
        fashion_mnist.load_data()

