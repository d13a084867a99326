"""The UCI 8x8 handwritten digits, shipped with nnlite (no download)."""
import os

import numpy as np

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                     "digits.npz")
NUM_TRAIN = 1437
NUM_TEST = 360


def load_data():
    """Loads the 8x8 handwritten digits dataset.

    This is the "Optical Recognition of Handwritten Digits" test set from the
    UCI Machine Learning Repository (E. Alpaydin, C. Kaynak, 1998), as
    scikit-learn ships it (`sklearn.datasets.load_digits`): 1,797 grayscale
    8x8 images of the digits 0-9. Each pixel counts the "on" pixels of a
    4x4 block of a 32x32 bitmap, so values run from 0 to 16 (not 0 to 255
    as in MNIST). The file is part of nnlite, so nothing is downloaded.

    The split and the order are fixed and ship with the data (the `order`
    array of the file, a permutation of the rows): the training set is 1,437
    images in a shuffled order, so that `validation_split` holds out a
    representative sample; the test set is 360 images drawn at random once,
    in the scikit-learn order. (The file's last rows come from writers seen
    little earlier, so a plain head/tail split would test on handwriting
    unlike the training set's.)

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`.

    **`x_train`**: `uint8` array of grayscale image data with shape
      `(1437, 8, 8)`, values 0 to 16.

    **`y_train`**: `uint8` array of digit labels (integers in range 0-9)
      with shape `(1437,)`.

    **`x_test`**: `uint8` array of grayscale image data with shape
      `(360, 8, 8)`, values 0 to 16.

    **`y_test`**: `uint8` array of digit labels (integers in range 0-9)
      with shape `(360,)`.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = nnlite.datasets.digits.load_data()
    assert x_train.shape == (1437, 8, 8)
    x_train = x_train.astype("float32") / 16.0
    ```

    License:
        The data is from the UCI Machine Learning Repository, under
        CC BY 4.0, by way of scikit-learn (BSD-3-Clause); see
        `nnlite/datasets/data/README.md`.
    """
    with np.load(_PATH, allow_pickle=False) as f:
        images = f["images"]
        labels = f["labels"]
        order = f["order"].astype(np.intp)
    train, test = order[:NUM_TRAIN], order[NUM_TRAIN:]
    x_train, x_test = images[train], images[test]
    y_train, y_test = labels[train], labels[test]
    return (x_train, y_train), (x_test, y_test)
