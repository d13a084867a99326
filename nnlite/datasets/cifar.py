"""Reading the CIFAR-10/100 batch files (shared by `cifar10` and `cifar100`)."""
import numpy as np

from nnlite.datasets.npz_utils import load_pickle


def load_batch(fpath, label_key="labels"):
    """Reads one CIFAR batch: a pickled dict with bytes keys, `b"data"` a
    uint8 array `(n, 3072)` (1024 red, 1024 green, 1024 blue values, row
    by row) and `b"labels"` (or `b"fine_labels"`/`b"coarse_labels"`) a list
    of ints. The pickle is read with nnlite's restricted unpickler, so a
    batch holding anything but that data is refused.

    Returns:
        `(data, labels)`: uint8 array `(n, 3, 32, 32)` and the labels as
        stored (a list).
    """
    d = load_pickle(fpath, encoding="bytes")
    if not isinstance(d, dict):
        raise ValueError(f"'{fpath}' is not a CIFAR batch (not a dict).")
    d = {(k.decode("utf8") if isinstance(k, bytes) else k): v for k, v in d.items()}
    if "data" not in d or label_key not in d:
        raise ValueError(f"'{fpath}' is not a CIFAR batch: it has no 'data' "
                         f"or '{label_key}' entry (found: {sorted(map(str, d))}).")
    data, labels = d["data"], d[label_key]
    if (not isinstance(data, np.ndarray) or data.dtype != np.uint8
            or data.ndim != 2 or data.shape[1] != 3072):
        raise ValueError(f"'{fpath}': 'data' is not a uint8 array of shape (n, 3072).")
    if len(labels) != len(data):
        raise ValueError(f"'{fpath}' holds {len(data)} images but "
                         f"{len(labels)} labels.")
    return data.reshape(data.shape[0], 3, 32, 32), labels


def to_image_format(x):
    """NCHW → NHWC unless nnlite's config asks for channels_first."""
    from nnlite import config
    getter = getattr(config, "image_data_format", None)
    if getter is not None and getter() == "channels_first":
        return x
    return x.transpose(0, 2, 3, 1)
