"""Fashion-MNIST dataset, as `keras.datasets.fashion_mnist`."""
import gzip
import os
import zlib

import numpy as np

from nnlite.utils.file_utils import get_file

_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
_LABELS_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension
_IMAGES_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions


def load_data():
    """Loads the Fashion-MNIST dataset: 60,000 28x28 grayscale training
    images of 10 kinds of clothing and 10,000 test images, a drop-in for
    MNIST.

    | Label | Description | Label | Description |
    |:-----:|-------------|:-----:|-------------|
    | 0 | T-shirt/top | 5 | Sandal     |
    | 1 | Trouser     | 6 | Shirt      |
    | 2 | Pullover    | 7 | Sneaker    |
    | 3 | Dress       | 8 | Bag        |
    | 4 | Coat        | 9 | Ankle boot |

    The four gzip IDX files live in `~/.keras/datasets/fashion-mnist/` (as
    Keras keeps them; Keras gives no hash for them) and are downloaded when
    missing. Their headers are checked, so a wrong or truncated file raises
    a `ValueError` naming it.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`:
        `uint8` images `(60000, 28, 28)` / `(10000, 28, 28)`, `uint8`
        labels `(60000,)` / `(10000,)`.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    ```

    License:
        The copyright for Fashion-MNIST is held by Zalando SE, under the MIT
        license.
    """
    dirname = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(fname, origin=_BASE + fname, cache_subdir=dirname)
             for fname in _FILES]
    y_train = _read_idx(paths[0], _LABELS_MAGIC)
    x_train = _read_idx(paths[1], _IMAGES_MAGIC)
    y_test = _read_idx(paths[2], _LABELS_MAGIC)
    x_test = _read_idx(paths[3], _IMAGES_MAGIC)
    for x, y, path in ((x_train, y_train, paths[1]), (x_test, y_test, paths[3])):
        if len(x) != len(y):
            raise ValueError(f"'{path}' holds {len(x)} images but its label "
                             f"file holds {len(y)} labels.")
    return (x_train, y_train), (x_test, y_test)


def _read_idx(path, magic):
    """Reads a gzip IDX file of unsigned bytes (big-endian int32 header:
    magic, then one size per dimension)."""
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"Could not read '{path}' as a gzip file: {e}. It may "
                         "be truncated; delete it to download it again.") from e
    ndim = magic - 2048
    header = 4 * (1 + ndim)
    if len(raw) < header or int(np.frombuffer(raw[:4], ">i4")[0]) != magic:
        raise ValueError(f"'{path}' is not an IDX file of {ndim}-D unsigned "
                         "bytes (wrong magic number).")
    shape = tuple(int(n) for n in np.frombuffer(raw[4:header], ">i4"))
    data = np.frombuffer(raw, np.uint8, offset=header)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"'{path}' announces shape {shape} but holds "
                         f"{data.size} bytes of data; it may be truncated.")
    return data.reshape(shape)
