"""`nnlite.datasets.boston_housing` and `california_housing`: a shuffle with
`RandomState(seed)` then a `test_split` cut, on synthetic files whose
targets are the row numbers (so each row can be traced)."""
import numpy as np
import pytest

from dataset_helpers import npz_bytes, serve_dataset
from nnlite.datasets import boston_housing, california_housing


def _rows(n, features):
    x = np.arange(n * features, dtype=np.float64).reshape(n, features)
    return x, np.arange(n, dtype=np.float64)


@pytest.fixture
def boston(file_server, keras_home, monkeypatch):
    x, y = _rows(20, 13)
    serve_dataset(monkeypatch, file_server, boston_housing, "boston_housing.npz",
                  npz_bytes(x=x, y=y))
    return x, y


@pytest.fixture
def california(file_server, keras_home, monkeypatch):
    x, y = _rows(700, 8)
    serve_dataset(monkeypatch, file_server, california_housing,
                  "california_housing.npz", npz_bytes(x=x, y=y))
    return x, y


def test_housing_origins_and_hashes_are_keras_ones():
    base = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    assert boston_housing._ORIGIN == base + "boston_housing.npz"
    assert boston_housing._FILE_HASH == (
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5")
    assert california_housing._ORIGIN == base + "california_housing.npz"
    assert california_housing._FILE_HASH == (
        "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f")


def test_boston_default_split_shapes(boston):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (16, 13) and y_train.shape == (16,)
    assert x_test.shape == (4, 13) and y_test.shape == (4,)
    assert x_train.dtype == np.float64


def test_boston_rows_follow_the_random_state_shuffle(boston):
    x, _ = boston
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(seed=3)
    order = np.arange(20)
    np.random.RandomState(3).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), order)
    np.testing.assert_array_equal(x_train, x[order[:16]])


def test_boston_test_split_sets_the_cut(boston):
    (x_train, _), (x_test, _) = boston_housing.load_data(test_split=0.35)
    assert len(x_train) == int(20 * 0.65) and len(x_test) == 20 - int(20 * 0.65)


def test_boston_same_seed_same_split_other_seed_other_split(boston):
    (_, a), _ = boston_housing.load_data(seed=1)
    (_, b), _ = boston_housing.load_data(seed=1)
    (_, c), _ = boston_housing.load_data(seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_boston_rejects_test_split_of_one():
    with pytest.raises(ValueError, match="test_split=1"):
        boston_housing.load_data(test_split=1)


def test_california_large_uses_every_row(california):
    (x_train, _), (x_test, _) = california_housing.load_data()
    assert x_train.shape == (560, 8) and x_test.shape == (140, 8)


def test_california_small_keeps_the_first_600_rows(california):
    (x_train, y_train), (_, y_test) = california_housing.load_data(version="small")
    assert x_train.shape == (480, 8)
    assert sorted(np.concatenate([y_train, y_test])) == list(range(600))


def test_california_rejects_unknown_version(california):
    with pytest.raises(ValueError, match="version=medium"):
        california_housing.load_data(version="medium")


def test_california_rejects_negative_test_split():
    with pytest.raises(ValueError, match="test_split"):
        california_housing.load_data(test_split=-0.1)
