"""Reuters newswire topic classification dataset, as `keras.datasets.reuters`."""
import numpy as np

from nnlite.datasets import _sequences
from nnlite.datasets.imdb import _read_json
from nnlite.datasets.npz_utils import load_npz, require_keys
from nnlite.utils.file_utils import get_file

_ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"  # md5, as in Keras

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
    "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi",
    "hog", "lead",
)


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the Reuters newswire dataset: 11,228 newswires labeled over 46
    topics (`get_label_names()`), each a list of word ids.

    The ids follow the IMDB conventions (`nnlite.datasets.imdb.load_data`):
    word of rank r has id r + `index_from`, `start_char` marks the start,
    `oov_char` replaces the words cut by `num_words`/`skip_top`, `maxlen`
    drops the wires of `maxlen` ids or more. As in Keras 3, all wires are
    shuffled once with `np.random.RandomState(seed)` and the first
    `int(n * (1 - test_split))` form the training set.

    The file is `reuters.npz` (sha256-checked) in `~/.keras/datasets`
    (`$KERAS_HOME/datasets`), downloaded when missing; a file Keras
    downloaded is used as it is.

    Args:
        path: File name in the cache. Defaults to `"reuters.npz"`.
        num_words: Keep only ids below this, or `None`. Defaults to `None`.
        skip_top: Ids below this become `oov_char`. Defaults to `0`.
        maxlen: Drop wires with `maxlen` ids or more, or `None`.
            Defaults to `None`.
        test_split: Fraction of the wires in the test set. Defaults to `0.2`.
        seed: Seed of the shuffle. Defaults to `113`.
        start_char: Id marking the start of a wire, or `None`.
            Defaults to `1`.
        oov_char: Id of the words cut out, or `None` to remove them.
            Defaults to `2`.
        index_from: Offset added to the word ids. Defaults to `3`.

    Returns:
        Tuple `(x_train, y_train), (x_test, y_test)`: `x_*` 1-D object
        arrays of Python lists of ints, `y_*` int arrays of topics 0-45.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)
    ```
    """
    path = get_file(fname=path, origin=_ORIGIN_FOLDER + "reuters.npz",
                    file_hash=_FILE_HASH)
    xs, labels = require_keys(load_npz(path), ["x", "y"], path)

    xs, labels = _sequences.shuffled(np.random.RandomState(seed), xs, labels)
    seqs = _sequences.shift(_sequences.Ragged.from_sequences(xs, path),
                            start_char, index_from)
    if maxlen:
        seqs, labels = _sequences.drop_long(seqs, labels, maxlen)
    seqs = _sequences.limit_vocabulary(seqs, num_words, skip_top, oov_char)
    xs = seqs.to_object_array()
    idx = int(len(xs) * (1 - test_split))
    return ((xs[:idx], np.array(labels[:idx])),
            (xs[idx:], np.array(labels[idx:])))


def get_word_index(path="reuters_word_index.json"):
    """Returns the dict mapping each word to its frequency rank in the
    Reuters dataset (1 = most frequent); in `load_data()` sequences a
    word's id is its rank + `index_from` (3 by default).

    Args:
        path: File name in the cache. Defaults to
            `"reuters_word_index.json"`.
    """
    path = get_file(path, origin=_ORIGIN_FOLDER + "reuters_word_index.json",
                    file_hash=_WORD_INDEX_HASH)
    return _read_json(path)


def get_label_names():
    """Returns the 46 topic names, a tuple indexed by the labels of
    `load_data()` (`get_label_names()[3] == "earn"`)."""
    return _LABEL_NAMES
