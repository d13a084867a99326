"""California housing price regression dataset, as
`keras.datasets.california_housing`."""
from nnlite.datasets.boston_housing import shuffle_split
from nnlite.datasets.npz_utils import load_npz, require_keys
from nnlite.utils.file_utils import get_file

_ORIGIN = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
           "california_housing.npz")
_FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2,
              seed=113):
    """Loads the California Housing dataset (1990 U.S. census, StatLib):
    20,640 block groups with 8 features -- MedInc, HouseAge, AveRooms,
    AveBedrms, Population, AveOccup, Latitude, Longitude -- and the median
    house value in dollars.

    `version="small"` keeps the first 600 rows (before shuffling), a
    replacement for `boston_housing`. The rows are shuffled with
    `np.random.RandomState(seed)` and the first `int(n * (1 - test_split))`
    form the training set, as in Keras. The file is `california_housing.npz`
    (sha256-checked) in `~/.keras/datasets`.

    Args:
        version: `"small"` (600 rows) or `"large"` (20,640 rows).
            Defaults to `"large"`.
        path: File name in the cache. Defaults to `"california_housing.npz"`.
        test_split: Fraction of the rows in the test set, in [0, 1).
            Defaults to `0.2`.
        seed: Seed of the shuffle. Defaults to `113`.

    Returns:
        Tuple `(x_train, y_train), (x_test, y_test)`: `x_*` of shape
        `(num_samples, 8)`, `y_*` of shape `(num_samples,)`.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. "
                         "It must be between 0 and 1 (exclusive of 1).")
    if version not in ("small", "large"):
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    path = get_file(path, origin=_ORIGIN, file_hash=_FILE_HASH)
    x, y = require_keys(load_npz(path), ["x", "y"], path)
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffle_split(x, y, test_split, seed)
