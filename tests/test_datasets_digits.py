"""Tests for nnlite.datasets.digits (the UCI 8x8 digits shipped with nnlite)."""
import hashlib
import os

import numpy as np
import pytest

from nnlite.datasets import digits

DATA_FILE = os.path.join(os.path.dirname(digits.__file__), "data",
                         "digits.npz")

# Facts about scikit-learn 1.9.1's digits.csv.gz, read from the CSV when the
# file was built (see nnlite/datasets/data/README.md).
CONTENT_SHA256 = (
    "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826")
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
FIRST_IMAGE = [
    [0, 0, 5, 13, 9, 1, 0, 0],
    [0, 0, 13, 15, 10, 15, 5, 0],
    [0, 3, 15, 2, 0, 11, 8, 0],
    [0, 4, 12, 0, 0, 8, 8, 0],
    [0, 5, 8, 0, 0, 9, 8, 0],
    [0, 4, 11, 0, 1, 12, 7, 0],
    [0, 2, 14, 5, 10, 12, 0, 0],
    [0, 0, 6, 13, 10, 0, 0, 0],
]


@pytest.fixture(scope="module")
def data():
    return digits.load_data()


def test_load_data_returns_train_and_test_pairs(data):
    (x_train, y_train), (x_test, y_test) = data
    assert len(x_train) == len(y_train)
    assert len(x_test) == len(y_test)


def test_split_has_1437_train_and_360_test_images(data):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (1437, 8, 8) and y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8) and y_test.shape == (360,)


def test_split_follows_the_shipped_order_and_uses_every_image_once(data):
    (x_train, y_train), (x_test, y_test) = data
    with np.load(DATA_FILE, allow_pickle=False) as f:
        images, labels, order = f["images"], f["labels"], f["order"].astype(np.intp)
    assert sorted(order.tolist()) == list(range(len(labels)))
    np.testing.assert_array_equal(x_train, images[order[:1437]])
    np.testing.assert_array_equal(y_train, labels[order[:1437]])
    np.testing.assert_array_equal(x_test, images[order[1437:]])
    np.testing.assert_array_equal(y_test, labels[order[1437:]])


def test_training_set_is_shuffled_so_a_validation_split_sees_every_digit(data):
    (_, y_train), _ = data
    assert sorted(set(y_train[-144:].tolist())) == list(range(10))


def test_images_and_labels_are_uint8(data):
    (x_train, y_train), (x_test, y_test) = data
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8


def test_pixel_values_run_from_0_to_16(data):
    (x_train, _), (x_test, _) = data
    pixels = np.concatenate([x_train, x_test])
    assert pixels.min() == 0 and pixels.max() == 16


def test_every_label_0_to_9_is_in_train_and_test(data):
    (_, y_train), (_, y_test) = data
    assert sorted(set(y_train.tolist())) == list(range(10))
    assert sorted(set(y_test.tolist())) == list(range(10))


def test_class_counts_match_the_source_csv(data):
    (_, y_train), (_, y_test) = data
    labels = np.concatenate([y_train, y_test])
    assert np.bincount(labels, minlength=10).tolist() == CLASS_COUNTS


def test_first_image_and_labels_match_the_source_csv():
    with np.load(DATA_FILE, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    assert images[0].tolist() == FIRST_IMAGE
    assert labels[:10].tolist() == list(range(10))
    assert labels[-10:].tolist() == [5, 4, 8, 8, 4, 9, 0, 8, 9, 8]


def test_content_checksum_matches_the_source_csv():
    with np.load(DATA_FILE, allow_pickle=False) as f:
        content = f["images"].tobytes() + f["labels"].tobytes()
    assert hashlib.sha256(content).hexdigest() == CONTENT_SHA256


def test_file_loads_without_pickle():
    with np.load(DATA_FILE, allow_pickle=False) as f:
        assert sorted(f.files) == ["images", "labels", "order"]
        assert f["images"].dtype == np.uint8
        assert f["labels"].dtype == np.uint8


def test_load_data_returns_fresh_arrays_each_call(data):
    (x_train, _), _ = data
    (x_again, _), _ = digits.load_data()
    x_again[0, 0, 0] = 99
    assert x_train[0, 0, 0] == 0


def test_digits_is_exposed_by_the_datasets_package():
    import nnlite.datasets

    assert nnlite.datasets.digits is digits
