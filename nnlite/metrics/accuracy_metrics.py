"""Accuracy metrics: binary, categorical, sparse categorical and top-k."""
import numpy as np

from nnlite.metrics.metric import MeanMetricWrapper, squeeze_to_same_rank


def _arrays(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_pred.ndim == 0:
        raise ValueError("y_pred must have at least one dimension")
    return y_true, y_pred


def accuracy(y_true, y_pred):
    """Per element: 1 where `y_true == y_pred` exactly, else 0 (no reduction)."""
    y_true, y_pred = _arrays(y_true, y_pred)
    y_true, y_pred = squeeze_to_same_rank(y_true, y_pred)
    return (y_true.astype(y_pred.dtype) == y_pred).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per sample: `mean(y_true == (y_pred > threshold), axis=-1)`."""
    y_true, y_pred = _arrays(y_true, y_pred)
    if y_true.ndim == y_pred.ndim - 1:
        y_true = y_true.reshape(y_true.shape + (1,))
    elif y_pred.ndim == y_true.ndim - 1:
        y_pred = y_pred.reshape(y_pred.shape + (1,))
    if y_true.shape != y_pred.shape:
        raise ValueError("binary_accuracy: y_true.shape=%s does not match y_pred.shape=%s"
                         % (y_true.shape, y_pred.shape))
    hits = (y_true.astype(np.float32) == (y_pred > threshold).astype(np.float32))
    return hits.mean(axis=-1, dtype=np.float32)


def categorical_accuracy(y_true, y_pred):
    """Per sample: 1 where `argmax(y_true) == argmax(y_pred)`, else 0."""
    y_true, y_pred = _arrays(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("categorical_accuracy needs one-hot y_true of shape %s. Received: "
                         "y_true.shape=%s" % (y_pred.shape, y_true.shape))
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """Per sample: 1 where the integer label equals `argmax(y_pred)`, else 0."""
    y_true, y_pred = _arrays(y_true, y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError("sparse_categorical_accuracy needs labels of shape %s. Received: "
                         "y_true.shape=%s" % (y_pred.shape[:-1], y_true.shape))
    return (y_true.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def _own_math(metric, builtin):
    """True while `metric` counts as the built-in class does (no override of
    its update, result or reset)."""
    cls = type(metric)
    return all(getattr(cls, name) is getattr(builtin, name)
               for name in ("update_state", "result", "reset_state", "value"))


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly. (In `compile()`, the string
    `"accuracy"` in any case picks binary, categorical or sparse accuracy.)

    Args:
        name: Defaults to `"accuracy"`.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often predictions above `threshold` match binary labels.

    Args:
        name: Defaults to `"binary_accuracy"`.
        threshold: Defaults to `0.5`.
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if threshold is not None and not 0 < threshold < 1:
            raise ValueError("Invalid value for argument `threshold`. Expected a value in "
                             "interval (0, 1). Received: threshold=%r" % (threshold,))
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def executor_spec(self):
        """`{"kind": "binary_accuracy", "threshold": 0.5}` (see `Metric`)."""
        if not _own_math(self, BinaryAccuracy) or self.threshold is None:
            return None
        return {"kind": "binary_accuracy", "threshold": float(self.threshold)}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the one-hot label.

    Args:
        name: Defaults to `"categorical_accuracy"`.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def executor_spec(self):
        """`{"kind": "categorical_accuracy"}` (see `Metric`)."""
        return {"kind": "categorical_accuracy"} if _own_math(self, CategoricalAccuracy) else None


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the integer label.

    Args:
        name: Defaults to `"sparse_categorical_accuracy"`.
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def executor_spec(self):
        """`{"kind": "sparse_categorical_accuracy"}` (see `Metric`)."""
        if not _own_math(self, SparseCategoricalAccuracy):
            return None
        return {"kind": "sparse_categorical_accuracy"}


def _in_top_k(target_scores, y_pred, k):
    """TensorFlow's in_top_k: the target is in the top k when fewer than k
    classes score strictly higher (ties at the boundary count as inside)."""
    higher = (y_pred > target_scores[..., None]).sum(axis=-1)
    return ((higher < k) & np.isfinite(target_scores)).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per sample: 1 where the class of the one-hot label is among the k
    highest predictions, else 0."""
    y_true, y_pred = _arrays(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("top_k_categorical_accuracy needs one-hot y_true of shape %s. "
                         "Received: y_true.shape=%s" % (y_pred.shape, y_true.shape))
    labels = np.argmax(y_true, axis=-1)
    target = np.take_along_axis(y_pred, labels[..., None], axis=-1)[..., 0]
    return _in_top_k(target, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per sample: 1 where the integer label is among the k highest predictions, else 0."""
    y_true, y_pred = _arrays(y_true, y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError("sparse_top_k_categorical_accuracy needs labels of shape %s. "
                         "Received: y_true.shape=%s" % (y_pred.shape[:-1], y_true.shape))
    labels = y_true.astype(np.int64)
    n = y_pred.shape[-1]
    valid = (labels >= 0) & (labels < n)
    target = np.take_along_axis(y_pred, np.where(valid, labels, 0)[..., None], axis=-1)[..., 0]
    return _in_top_k(target, y_pred, k) * valid


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the `k` highest predictions.

    Args:
        k: How many top predictions count. Defaults to `5`.
        name: Defaults to `"top_k_categorical_accuracy"`.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` highest predictions.

    Args:
        k: How many top predictions count. Defaults to `5`.
        name: Defaults to `"sparse_top_k_categorical_accuracy"`.
        from_sorted_ids: Only `False` is supported. Defaults to `False`.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        if from_sorted_ids:
            raise NotImplementedError("from_sorted_ids=True is not supported yet")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
