"""`nnlite.datasets.reuters`: one shuffle of all wires, then a `test_split`
cut, with the IMDB word-id arithmetic. The labels of the synthetic file are
the wire numbers 0-4, so each returned wire can be matched with its
hand-computed value:

    wire 0: [1, 2]        -> [1, 4, 5]
    wire 1: [3]           -> [1, 6]
    wire 2: [4, 5, 6]     -> [1, 7, 8, 9]
    wire 3: [1]           -> [1, 4]
    wire 4: [2, 2, 2, 2]  -> [1, 5, 5, 5, 5]
"""
import hashlib

import numpy as np
import pytest

from dataset_helpers import npz_bytes, object_array, serve_dataset
from nnlite.datasets import reuters

WIRES = [[1, 2], [3], [4, 5, 6], [1], [2, 2, 2, 2]]


@pytest.fixture
def served(file_server, keras_home, monkeypatch):
    data = npz_bytes(x=object_array(WIRES), y=np.arange(5))
    serve_dataset(monkeypatch, file_server, reuters, "reuters.npz", data,
                  origin_attr="_ORIGIN_FOLDER")


def _all(**kwargs):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(**kwargs)
    return {int(y): x for x, y in zip(list(x_train) + list(x_test),
                                      list(y_train) + list(y_test))}


def test_reuters_origin_and_hashes_are_keras_ones():
    assert reuters._ORIGIN_FOLDER == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/")
    assert reuters._FILE_HASH == (
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    assert reuters._WORD_INDEX_HASH == "4d44cc38712099c9e383dc6e5f11a921"


def test_reuters_test_split_cuts_after_int_n_times_one_minus_split(served):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.5)
    assert len(x_train) == 2 and len(x_test) == 3  # int(5 * 0.5) == 2
    assert x_train.dtype == object and y_train.dtype == np.int64


def test_reuters_order_is_one_random_state_shuffle(served):
    (_, y_train), (_, y_test) = reuters.load_data(seed=7)
    order = np.arange(5)
    np.random.RandomState(7).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), order)


def test_reuters_default_ids_with_largest_as_oov(served):
    assert _all() == {0: [1, 4, 5], 1: [1, 6], 2: [1, 7, 8, 2], 3: [1, 4],
                      4: [1, 5, 5, 5, 5]}


def test_reuters_num_words_skip_top_and_oov_none(served):
    assert _all(num_words=7, skip_top=5, oov_char=None) == {
        0: [5], 1: [6], 2: [], 3: [], 4: [5, 5, 5, 5]}


def test_reuters_maxlen_drops_long_wires(served):
    assert sorted(_all(maxlen=3)) == [1, 3]


def test_reuters_label_names_has_46_topics():
    names = reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn" and names[-1] == "lead"


def test_reuters_get_word_index_reads_the_json(file_server, keras_home, monkeypatch):
    body = b'{"the": 1}'
    serve_dataset(monkeypatch, file_server, reuters, "reuters_word_index.json",
                  body, origin_attr="_ORIGIN_FOLDER", hash_attr=None)
    monkeypatch.setattr(reuters, "_WORD_INDEX_HASH", hashlib.md5(body).hexdigest())
    assert reuters.get_word_index() == {"the": 1}
