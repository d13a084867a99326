"""CIFAR-10 small images classification dataset, as `keras.datasets.cifar10`."""
import os

import numpy as np

from nnlite.datasets.cifar import load_batch, to_image_format
from nnlite.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """Loads the CIFAR-10 dataset: 50,000 32x32 color training images and
    10,000 test images, labeled over 10 classes.

    | Label | Description | Label | Description |
    |:-----:|-------------|:-----:|-------------|
    | 0 | airplane   | 5 | dog   |
    | 1 | automobile | 6 | frog  |
    | 2 | bird       | 7 | horse |
    | 3 | cat        | 8 | ship  |
    | 4 | deer       | 9 | truck |

    As in Keras 3, the archive is cached as
    `~/.keras/datasets/cifar-10-batches-py-target_archive` (sha256-checked)
    and extracted to `cifar-10-batches-py-target/cifar-10-batches-py/`; the
    files Keras cached are used as they are. The batches are pickles, read
    with a restricted unpickler that accepts only the data they hold.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`:
        `uint8` images `(50000, 32, 32, 3)` / `(10000, 32, 32, 3)` (values
        0-255) and `uint8` labels `(50000, 1)` / `(10000, 1)`.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (50000, 32, 32, 3) and y_train.shape == (50000, 1)
    ```
    """
    path = get_file(fname="cifar-10-batches-py-target", origin=_ORIGIN,
                    extract=True, file_hash=_FILE_HASH)
    path = os.path.join(path, "cifar-10-batches-py")
    xs, ys = [], []
    for i in range(1, 6):
        x, y = load_batch(os.path.join(path, f"data_batch_{i}"))
        xs.append(x)
        ys.append(np.asarray(y, dtype=np.uint8))
    x_train = np.concatenate(xs)
    y_train = np.concatenate(ys).reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_test = np.asarray(y_test, dtype=np.uint8).reshape(-1, 1)
    return (to_image_format(x_train), y_train), (to_image_format(x_test), y_test)
