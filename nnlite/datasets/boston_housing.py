"""Boston housing price regression dataset, as `keras.datasets.boston_housing`."""
import numpy as np

from nnlite.datasets.npz_utils import load_npz, require_keys
from nnlite.utils.file_utils import get_file

_ORIGIN = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
           "boston_housing.npz")
_FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston Housing dataset: 506 districts, 13 attributes each,
    and the median house value in k$.

    **Warning:** this dataset has an ethical problem: its authors included a
    variable, "B", that may appear to assume that racial self-segregation
    influences house prices. Keras strongly discourages its use outside
    illustrating ethical issues in data science; `california_housing`
    (`version="small"`) is a replacement.

    The rows are shuffled with `np.random.RandomState(seed)` and the first
    `int(506 * (1 - test_split))` form the training set, as in Keras. The
    file is `boston_housing.npz` (sha256-checked) in `~/.keras/datasets`.

    Args:
        path: File name in the cache. Defaults to `"boston_housing.npz"`.
        test_split: Fraction of the rows in the test set, in [0, 1).
            Defaults to `0.2`.
        seed: Seed of the shuffle. Defaults to `113`.

    Returns:
        Tuple `(x_train, y_train), (x_test, y_test)`: `x_*` of shape
        `(num_samples, 13)`, `y_*` of shape `(num_samples,)`.
    """
    if not 0 <= test_split < 1:
        raise ValueError("test_split must be in [0, 1). "
                         f"Received: test_split={test_split}")
    path = get_file(path, origin=_ORIGIN, file_hash=_FILE_HASH)
    x, y = require_keys(load_npz(path), ["x", "y"], path)
    return shuffle_split(x, y, test_split, seed)


def shuffle_split(x, y, test_split, seed):
    """One `RandomState(seed).shuffle(arange(n))` permutation, then the first
    `int(n * (1 - test_split))` rows for training (shared with
    `california_housing`)."""
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
