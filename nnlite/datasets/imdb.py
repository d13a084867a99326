"""IMDB sentiment classification dataset, as `keras.datasets.imdb`."""
import json
import warnings

import numpy as np

from nnlite.datasets import _sequences
from nnlite.datasets.npz_utils import load_npz, require_keys
from nnlite.utils.file_utils import get_file

_ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"  # md5, as in Keras


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the IMDB dataset: 25,000 + 25,000 movie reviews labeled by
    sentiment (1 positive, 0 negative), each a list of word ids.

    Words are ranked by frequency: the word of rank r (1 = the most
    frequent, as in `get_word_index()`) has id r + `index_from`, so
    `num_words` keeps the most frequent words. 0 is the padding id,
    `start_char` marks the start of each review and `oov_char` stands for
    the words cut by `num_words` or `skip_top`. Identical to Keras 3,
    including its processing order: the training set is shuffled with
    `np.random.RandomState(seed)`, then the test set with the same
    generator; `start_char` is prepended and `index_from` added; with
    `maxlen`, reviews of `maxlen` ids or more (counting the start mark)
    are **dropped**; ids outside
    `[skip_top, num_words)` become `oov_char` (or are removed when
    `oov_char=None`). As in Keras, `num_words=None` means the largest id
    present, which itself then becomes `oov_char`, and `skip_top` above
    `start_char` turns the start mark into `oov_char` too.

    The file is `imdb.npz` (sha256-checked) in `~/.keras/datasets`
    (`$KERAS_HOME/datasets`), downloaded from Keras's address when missing;
    a file Keras downloaded is used as it is. Its object arrays are read
    without unpickling arbitrary objects (`nnlite.datasets.npz_utils`).

    Args:
        path: File name in the cache. Defaults to `"imdb.npz"`.
        num_words: Keep only ids below this (the most frequent words), or
            `None` for all. Defaults to `None`.
        skip_top: Ids below this become `oov_char`. Defaults to `0`.
        maxlen: Drop reviews with `maxlen` ids or more, or `None`.
            Defaults to `None`.
        seed: Seed of the shuffle. Defaults to `113`.
        start_char: Id marking the start of a review, or `None`.
            Defaults to `1`.
        oov_char: Id of the words cut out, or `None` to remove them.
            Defaults to `2`.
        index_from: Offset added to the word ids. Defaults to `3`.

    Returns:
        Tuple `(x_train, y_train), (x_test, y_test)`: `x_*` 1-D object
        arrays of Python lists of ints (1-D even when every review has the
        same length, where Keras's `np.array(..., dtype="object")` would
        give a 2-D array), `y_*` int arrays of 0/1 labels.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)
    ```
    """
    if "nb_words" in kwargs:  # Keras 1 name, still accepted by Keras 2
        warnings.warn("The `nb_words` argument in `load_data` has been "
                      "renamed `num_words`.", stacklevel=2)
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    path = get_file(fname=path, origin=_ORIGIN_FOLDER + "imdb.npz",
                    file_hash=_FILE_HASH)
    x_train, labels_train, x_test, labels_test = require_keys(
        load_npz(path), ["x_train", "y_train", "x_test", "y_test"], path)

    rng = np.random.RandomState(seed)
    x_train, labels_train = _sequences.shuffled(rng, x_train, labels_train)
    x_test, labels_test = _sequences.shuffled(rng, x_test, labels_test)

    train = _sequences.shift(_sequences.Ragged.from_sequences(x_train, path),
                             start_char, index_from)
    test = _sequences.shift(_sequences.Ragged.from_sequences(x_test, path),
                            start_char, index_from)
    if maxlen:
        train, labels_train = _sequences.drop_long(train, labels_train, maxlen)
        test, labels_test = _sequences.drop_long(test, labels_test, maxlen)
        if not len(train.lengths) or not len(test.lengths):
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, "
                "no sequence was kept. Increase maxlen.")

    n_train = len(train.lengths)
    both = _sequences.limit_vocabulary(_sequences.concatenate(train, test),
                                       num_words, skip_top, oov_char)
    xs = both.to_object_array()
    labels = np.concatenate([labels_train, labels_test])
    return (xs[:n_train], labels[:n_train]), (xs[n_train:], labels[n_train:])


def get_word_index(path="imdb_word_index.json"):
    """Returns the dict mapping each word to its frequency rank in the IMDB
    dataset (1 = most frequent). In the sequences of `load_data()` a word's
    id is its rank + `index_from` (3 by default).

    Args:
        path: File name in the cache. Defaults to `"imdb_word_index.json"`.

    Example:

    ```python
    index = imdb.get_word_index()
    words = {rank + 3: word for word, rank in index.items()}
    words.update({1: "[START]", 2: "[OOV]"})
    text = " ".join(words.get(i, "?") for i in x_train[0])
    ```
    """
    path = get_file(fname=path, origin=_ORIGIN_FOLDER + "imdb_word_index.json",
                    file_hash=_WORD_INDEX_HASH)
    return _read_json(path)


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"Could not read '{path}' as JSON: {e}") from e
