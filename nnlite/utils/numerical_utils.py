"""to_categorical and normalize, as in `keras.utils`."""
import numpy as np


def to_categorical(x, num_classes=None):
    """Converts integer class labels to one-hot rows (float64, as Keras returns).

    Args:
        x: Array-like of integer labels from 0 to `num_classes - 1`.
        num_classes: Number of classes. Defaults to `max(x) + 1`.

    Returns:
        An array of shape `x.shape + (num_classes,)` (a trailing axis of size 1
        in `x` is dropped first).

    Example:

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    x = np.asarray(x)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise TypeError("to_categorical expects integer labels. Received: dtype=%s" % x.dtype)
    if np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)) or np.any(x != np.floor(x)):
            raise ValueError("to_categorical expects integer labels; x holds non-integer values")
    if num_classes is not None and (isinstance(num_classes, bool) or not isinstance(
            num_classes, (int, np.integer)) or num_classes < 1):
        raise ValueError("num_classes must be a positive integer. Received: num_classes=%r"
                         % (num_classes,))
    if x.size and x.min() < 0:
        raise ValueError("to_categorical expects labels >= 0. Received: min(x)=%s" % x.min())
    if x.size and num_classes is not None and x.max() >= num_classes:
        # checked on the labels as given: a huge uint64 label would wrap in int64
        raise ValueError("Label %s is out of range for num_classes=%d" % (x.max(), num_classes))
    if num_classes is None and x.size and x.max() >= 2 ** 31:
        raise ValueError("to_categorical would need %s classes for label %s; pass num_classes"
                         % (x.max() + 1, x.max()))
    labels = x.astype(np.int64)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    out = np.zeros(labels.shape + (int(num_classes),), dtype=np.float64)
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def normalize(x, axis=-1, order=2):
    """Scales `x` to unit `order`-norm along `axis` (zero vectors stay zero)."""
    x = np.asarray(x, dtype=np.float64 if np.asarray(x).dtype == np.float64 else np.float32)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return x / norm
