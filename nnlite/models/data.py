"""Input checks and conversions shared by fit, evaluate and predict."""
import math

import numpy as np


def all_finite(arr):
    # A finite sum proves every element finite (NaN or inf would propagate);
    # only when it is not (possibly overflow) are the elements checked one by one.
    return bool(np.isfinite(arr.sum())) or bool(np.isfinite(arr).all())


def as_float_array(name, data, dtype):
    """A C-contiguous array of `dtype`; clear errors for non-numeric data, NaN or inf."""
    if type(data) is np.ndarray and data.dtype == dtype and data.flags.c_contiguous \
            and data.ndim:
        if not all_finite(data):      # the common case, checked cheaply
            raise ValueError("%s contains NaN or infinite values" % name)
        return data
    if data is None:
        raise ValueError("%s is None" % name)
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, np.ndarray) for d in data) \
            and len({d.shape for d in data}) > 1:
        raise ValueError("%s is a list of arrays of different shapes; models with several "
                         "inputs or outputs are not supported yet" % name)
    try:
        arr = np.asarray(data)
    except ValueError as e:
        raise ValueError("%s cannot be converted to an array: %s" % (name, e)) from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError("%s must hold numbers. Received: dtype=%s" % (name, arr.dtype))
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError("%s must be real-valued. Received: dtype=%s" % (name, arr.dtype))
    if arr.ndim == 0:
        raise ValueError("%s must have a batch axis. Received: shape=()" % name)
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if np.issubdtype(arr.dtype, np.floating) and not all_finite(arr):
        raise ValueError("%s contains NaN or infinite values" % name)
    return arr


def as_target_array(name, data):
    """Targets keep integer dtypes (class labels); floats become float32/64."""
    if data is None:
        raise ValueError("%s is None" % name)
    arr = np.asarray(data)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError("%s must hold numbers. Received: dtype=%s" % (name, arr.dtype))
    if arr.ndim == 0:
        raise ValueError("%s must have a batch axis. Received: shape=()" % name)
    if np.issubdtype(arr.dtype, np.floating) and not np.isfinite(arr).all():
        raise ValueError("%s contains NaN or infinite values" % name)
    if arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.floating) and arr.dtype not in (
            np.float32, np.float64):
        arr = arr.astype(np.float32)
    return np.ascontiguousarray(arr)


def check_same_length(**arrays):
    sizes = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(sizes.values())) > 1:
        raise ValueError("Data cardinality is ambiguous: %s. Make sure all arrays contain "
                         "the same number of samples."
                         % ", ".join("%s has %d samples" % kv for kv in sizes.items()))


def check_batch_size(batch_size, default=32):
    if batch_size is None:
        return default
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size <= 0:
        raise ValueError("batch_size must be a positive integer. Received: batch_size=%r"
                         % (batch_size,))
    return int(batch_size)


def train_validation_split(arrays, validation_split):
    """Splits off the last `validation_split` fraction, before any shuffling (as Keras)."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError("validation_split must be between 0 and 1. Received: "
                         "validation_split=%r" % (validation_split,))
    n = len(arrays[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError("Training data contains %d samples, which is not sufficient to split "
                         "it into a validation and training set as specified by "
                         "`validation_split=%r`. Either provide more data, or a different value "
                         "for the `validation_split` argument." % (n, validation_split))
    train = tuple(None if a is None else a[:split_at] for a in arrays)
    val = tuple(None if a is None else a[split_at:] for a in arrays)
    return train, val


def unpack_validation_data(validation_data):
    if isinstance(validation_data, (list, tuple)):
        if len(validation_data) == 2:
            return validation_data[0], validation_data[1], None
        if len(validation_data) == 3:
            return tuple(validation_data)
    raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                     "val_sample_weight). Received: %r" % (type(validation_data).__name__,))


def class_weights_to_sample_weights(y, class_weight):
    """One weight per sample from a {class_index: weight} dict."""
    if not isinstance(class_weight, dict):
        raise ValueError("class_weight must be a dict. Received: %r" % (class_weight,))
    y = np.asarray(y)
    if y.ndim >= 2 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    elif y.ndim >= 2:
        labels = np.round(y[..., 0]).astype(np.int64)
    else:
        labels = np.round(y).astype(np.int64)
    n_classes = max(int(labels.max()) + 1 if labels.size else 0, max(class_weight) + 1)
    table = np.ones(n_classes, dtype=np.float32)
    for k, v in class_weight.items():
        table[int(k)] = v
    missing = set(np.unique(labels).tolist()) - set(int(k) for k in class_weight)
    if missing:
        raise ValueError("class_weight has no entry for class(es) %s" % sorted(missing))
    return table[labels].reshape(len(y))
