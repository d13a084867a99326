"""`nnlite.datasets.imdb`: the word-id arithmetic of Keras 3 on a small
hand-computed example, served as a synthetic `imdb.npz`.

The labels of the synthetic file are the review numbers 0-4 (a real file
holds 0/1), so every returned review can be matched with the expected one
whatever the shuffle did. Raw reviews, and with the defaults
(`start_char=1`, `index_from=3`) after `[1] + [w + 3 ...]`:

    train 0: [1, 2, 3]     -> [1, 4, 5, 6]
    train 1: [4, 5]        -> [1, 7, 8]
    train 2: [1, 6, 7, 8]  -> [1, 4, 9, 10, 11]
    test  3: [2, 2]        -> [1, 5, 5]
    test  4: [9]           -> [1, 12]
"""
import hashlib
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from dataset_helpers import npz_bytes, object_array, serve_dataset
from nnlite.datasets import imdb
from nnlite.datasets.npz_utils import UnsafePickleError

TRAIN = [[1, 2, 3], [4, 5], [1, 6, 7, 8]]
TEST = [[2, 2], [9]]


@pytest.fixture
def served(file_server, keras_home, monkeypatch):
    data = npz_bytes(x_train=object_array(TRAIN), y_train=np.array([0, 1, 2]),
                     x_test=object_array(TEST), y_test=np.array([3, 4]))
    serve_dataset(monkeypatch, file_server, imdb, "imdb.npz", data,
                  origin_attr="_ORIGIN_FOLDER")
    return file_server


def _by_label(split):
    x, y = split
    return {int(label): seq for seq, label in zip(x, y)}


def _load(**kwargs):
    train, test = imdb.load_data(**kwargs)
    return _by_label(train), _by_label(test)


def test_imdb_origin_and_hashes_are_keras_ones():
    assert imdb._ORIGIN_FOLDER == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/")
    assert imdb._FILE_HASH == (
        "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")
    assert imdb._WORD_INDEX_HASH == "bfafd718b763782e994055a2d397834f"


def test_imdb_returns_object_arrays_of_int_lists(served):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    assert x_train.dtype == object and x_train.shape == (3,)
    assert x_test.dtype == object and x_test.shape == (2,)
    assert all(type(s) is list and all(type(w) is int for w in s) for s in x_train)
    assert y_train.dtype == np.int64 and sorted(y_test) == [3, 4]


def test_imdb_defaults_shift_ids_and_mark_the_largest_as_oov(served):
    # num_words=None means max id (12), so 12 itself becomes oov_char, as Keras.
    train, test = _load()
    assert train == {0: [1, 4, 5, 6], 1: [1, 7, 8], 2: [1, 4, 9, 10, 11]}
    assert test == {3: [1, 5, 5], 4: [1, 2]}


def test_imdb_num_words_and_skip_top_replace_ids_by_oov(served):
    train, test = _load(num_words=8, skip_top=5)
    assert train == {0: [2, 2, 5, 6], 1: [2, 7, 2], 2: [2, 2, 2, 2, 2]}
    assert test == {3: [2, 5, 5], 4: [2, 2]}


def test_imdb_oov_char_none_removes_the_cut_ids(served):
    train, test = _load(num_words=8, skip_top=5, oov_char=None)
    assert train == {0: [5, 6], 1: [7], 2: []}
    assert test == {3: [5, 5], 4: []}


def test_imdb_maxlen_drops_reviews_of_maxlen_ids_or_more(served):
    train, test = _load(maxlen=4)
    assert train == {1: [1, 7, 8]}
    assert test == {3: [1, 5, 5], 4: [1, 2]}


def test_imdb_maxlen_keeping_nothing_raises(served):
    with pytest.raises(ValueError, match="Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_imdb_start_char_none_and_index_from_zero_keep_raw_ids(served):
    train, test = _load(start_char=None, index_from=0, num_words=100)
    assert train == {0: [1, 2, 3], 1: [4, 5], 2: [1, 6, 7, 8]}
    assert test == {3: [2, 2], 4: [9]}


def test_imdb_custom_start_char_and_index_from(served):
    train, test = _load(start_char=7, index_from=10, oov_char=0, num_words=100)
    assert train[0] == [7, 11, 12, 13]
    assert test[4] == [7, 19]


def test_imdb_shuffles_train_then_test_with_one_random_state(served):
    (_, y_train), (_, y_test) = imdb.load_data(seed=5)
    rng = np.random.RandomState(5)
    train_order, test_order = np.arange(3), np.arange(2)
    rng.shuffle(train_order)
    rng.shuffle(test_order)
    np.testing.assert_array_equal(y_train, train_order)
    np.testing.assert_array_equal(y_test, test_order + 3)


def test_imdb_nb_words_is_accepted_with_a_warning(served):
    with pytest.warns(UserWarning, match="num_words"):
        train, _ = _load(nb_words=8)
    assert train[2] == [1, 4, 2, 2, 2]


def test_imdb_unknown_keyword_raises(served):
    with pytest.raises(TypeError, match="bogus"):
        imdb.load_data(bogus=1)


def test_imdb_reads_object_arrays_pickled_with_numpy_1_names(
        file_server, keras_home, monkeypatch):
    # NumPy 1 pickles name `numpy.core.multiarray` (protocol 2, GLOBAL text).
    def npy(array):
        body = pickle.dumps(array, protocol=2).replace(b"numpy._core", b"numpy.core")
        assert b"numpy.core.multiarray" in body
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            buf, {"descr": "|O", "fortran_order": False, "shape": array.shape})
        return buf.getvalue() + body

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("x_train.npy", npy(object_array(TRAIN)))
        zf.writestr("x_test.npy", npy(object_array(TEST)))
        for key, labels in (("y_train", [0, 1, 2]), ("y_test", [3, 4])):
            arr = io.BytesIO()
            np.save(arr, np.array(labels))
            zf.writestr(key + ".npy", arr.getvalue())
    serve_dataset(monkeypatch, file_server, imdb, "imdb.npz", buf.getvalue(),
                  origin_attr="_ORIGIN_FOLDER")
    train, _ = _load(num_words=100)
    assert train[2] == [1, 4, 9, 10, 11]


def test_imdb_refuses_an_npz_whose_pickle_calls_os_system(
        file_server, keras_home, monkeypatch, tmp_path):
    marker = tmp_path / "pwned"
    evil = (b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|O", "fortran_order": False, "shape": (3,)})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("x_train.npy", header.getvalue() + evil)
    serve_dataset(monkeypatch, file_server, imdb, "imdb.npz", buf.getvalue(),
                  origin_attr="_ORIGIN_FOLDER")
    with pytest.raises(UnsafePickleError, match="os.system"):
        imdb.load_data()
    assert not marker.exists()


def test_imdb_get_word_index_reads_the_json(file_server, keras_home, monkeypatch):
    serve_dataset(monkeypatch, file_server, imdb, "imdb_word_index.json",
                  b'{"the": 1, "and": 2}', origin_attr="_ORIGIN_FOLDER",
                  hash_attr=None)
    monkeypatch.setattr(imdb, "_WORD_INDEX_HASH", hashlib.md5(
        b'{"the": 1, "and": 2}').hexdigest())
    assert imdb.get_word_index() == {"the": 1, "and": 2}
    assert os.path.isfile(keras_home / "imdb_word_index.json")
