"""MNIST handwritten digits dataset, as `keras.datasets.mnist`."""
from nnlite.datasets.npz_utils import load_npz, require_keys
from nnlite.utils.file_utils import get_file

_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
_FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset: 60,000 28x28 grayscale training images of
    the digits 0-9 and 10,000 test images.

    The file is `mnist.npz` (sha256-checked) in `~/.keras/datasets`
    (`$KERAS_HOME/datasets`), downloaded from Keras's address when missing;
    a file Keras downloaded is used as it is, with no download.

    Args:
        path: File name in the cache. Defaults to `"mnist.npz"`.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`.

    **`x_train`**: `uint8` array of shape `(60000, 28, 28)`, values 0-255.

    **`y_train`**: `uint8` array of digit labels 0-9, shape `(60000,)`.

    **`x_test`**: `uint8` array of shape `(10000, 28, 28)`.

    **`y_test`**: `uint8` array of shape `(10000,)`.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train = x_train.astype("float32") / 255.0
    ```

    License:
        Yann LeCun and Corinna Cortes hold the copyright of MNIST, a
        derivative work of the NIST datasets, available under the terms of
        CC BY-SA 3.0.
    """
    path = get_file(fname=path, origin=_ORIGIN, file_hash=_FILE_HASH)
    x_train, y_train, x_test, y_test = require_keys(
        load_npz(path), ["x_train", "y_train", "x_test", "y_test"], path)
    return (x_train, y_train), (x_test, y_test)
