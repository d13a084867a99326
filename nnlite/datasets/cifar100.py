"""CIFAR-100 small images classification dataset, as `keras.datasets.cifar100`."""
import os

import numpy as np

from nnlite.datasets.cifar import load_batch, to_image_format
from nnlite.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """Loads the CIFAR-100 dataset: 50,000 32x32 color training images and
    10,000 test images, labeled over 100 fine classes grouped in 20 coarse
    superclasses.

    As in Keras 3, the archive is cached as
    `~/.keras/datasets/cifar-100-python-target_archive` (sha256-checked) and
    extracted to `cifar-100-python-target/cifar-100-python/{train,test}`;
    the files Keras cached are used as they are. The pickles are read with
    a restricted unpickler that accepts only the data they hold.

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 superclasses).
            Defaults to `"fine"`.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`:
        `uint8` images `(50000, 32, 32, 3)` / `(10000, 32, 32, 3)` and
        labels `(50000, 1)` / `(10000, 1)`, of dtype `int64` as Keras 3
        returns them (its docstring says uint8).

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode="coarse")
    ```
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = get_file(fname="cifar-100-python-target", origin=_ORIGIN,
                    extract=True, file_hash=_FILE_HASH)
    path = os.path.join(path, "cifar-100-python")
    key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=key)
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=key)
    # Keras reshapes the Python list, which gives int64 labels.
    y_train = np.reshape(np.asarray(y_train, dtype=np.int64), (len(y_train), 1))
    y_test = np.reshape(np.asarray(y_test, dtype=np.int64), (len(y_test), 1))
    return (to_image_format(x_train), y_train), (to_image_format(x_test), y_test)
