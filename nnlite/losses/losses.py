"""Losses as in `keras.losses`: functions (one value per sample) and classes
(reduced to a scalar), all computed by the C core with Keras's formulas
(clipping by `epsilon() = 1e-7`, `from_logits`, `label_smoothing`)."""
import numpy as np

from nnlite import _core, config

_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None)


# --------------------------------------------------------------------------
# target preparation

def _as_pred(y_pred):
    y_pred = np.asarray(y_pred)
    if y_pred.dtype not in (np.float32, np.float64):
        if not np.issubdtype(y_pred.dtype, np.number):
            raise TypeError("y_pred must be numeric. Received: dtype=%s" % y_pred.dtype)
        y_pred = y_pred.astype(config.floatx())
    if y_pred.ndim == 0:
        raise ValueError("y_pred must have at least one dimension. Received: shape=()")
    return np.ascontiguousarray(y_pred)


def _numeric(name, arr):
    arr = np.asarray(arr)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError("%s must be numeric. Received: dtype=%s" % (name, arr.dtype))
    return arr


def prepare_targets(y_true, y_pred):
    """y_true cast to y_pred's dtype and shape; a missing or extra trailing
    axis of size 1 is added or removed, as Keras does."""
    t = _numeric("y_true", y_true)
    if t.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        t = t.reshape(t.shape + (1,))
    elif t.ndim == y_pred.ndim + 1 and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != y_pred.shape:
        hint = ""
        if t.ndim == y_pred.ndim - 1 or (t.ndim == y_pred.ndim and t.shape[-1] == 1):
            hint = (" If y_true holds integer class labels, use "
                    "loss='sparse_categorical_crossentropy' (or one-hot encode them "
                    "with to_categorical).")
        raise ValueError("Arguments `target` and `output` must have the same shape. Received: "
                         "target.shape=%s, output.shape=%s.%s" % (t.shape, y_pred.shape, hint))
    return np.ascontiguousarray(t, dtype=y_pred.dtype)


def prepare_labels(y_true, y_pred):
    """Integer class labels of shape y_pred.shape[:-1] (a trailing axis of 1 is dropped)."""
    t = _numeric("y_true", y_true)
    if t.ndim == y_pred.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != y_pred.shape[:-1]:
        raise ValueError(
            "sparse_categorical_crossentropy expects integer labels of shape %s (one per "
            "sample). Received: y_true.shape=%s, y_pred.shape=%s. For one-hot targets use "
            "categorical_crossentropy." % (y_pred.shape[:-1], t.shape, y_pred.shape))
    if not np.issubdtype(t.dtype, np.integer):
        if not np.all(np.isfinite(t)) or np.any(t != np.floor(t)):
            raise ValueError("sparse_categorical_crossentropy expects integer class labels; "
                             "y_true holds non-integer values.")
    return t.astype(np.int64)


def _prepare_weights(sample_weight, loss_shape, dtype):
    if sample_weight is None:
        return None
    w = _numeric("sample_weight", sample_weight).astype(dtype)
    if w.ndim > len(loss_shape) and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    try:
        w = np.broadcast_to(w.reshape(w.shape + (1,) * (len(loss_shape) - w.ndim)), loss_shape)
    except ValueError:
        raise ValueError("sample_weight of shape %s cannot be matched to the per-sample loss "
                         "of shape %s" % (w.shape, loss_shape)) from None
    return np.ascontiguousarray(w)


def compute(kind, y_true, y_pred, from_logits=False, label_smoothing=0.0,
            sample_weight=None, scale=1.0, want_grad=False):
    """Per-sample loss and (optionally) its gradient w.r.t. y_pred.

    `kind` is a C-core loss name or "sparse_categorical_crossentropy". The
    gradient is `scale * sample_weight * d loss / d y_pred`.
    """
    y_pred = _as_pred(y_pred)
    w = _prepare_weights(sample_weight, y_pred.shape[:-1], y_pred.dtype)
    if kind == "sparse_categorical_crossentropy":
        labels = prepare_labels(y_true, y_pred)
        return _core.sparse_crossentropy(labels, y_pred, from_logits, config.epsilon(), scale,
                                         w, want_grad)
    t = prepare_targets(y_true, y_pred)
    if label_smoothing:
        if kind == "binary_crossentropy":
            t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
        elif kind == "categorical_crossentropy":
            t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[-1]
        t = np.ascontiguousarray(t, dtype=y_pred.dtype)
    return _core.loss(kind, t, y_pred, from_logits, config.epsilon(), scale, w, want_grad)


# --------------------------------------------------------------------------
# functions: one loss value per sample (mean or sum over the last axis)

def mean_squared_error(y_true, y_pred):
    """`mean(square(y_true - y_pred), axis=-1)`."""
    return compute("mean_squared_error", y_true, y_pred)[0]


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_true - y_pred), axis=-1)`."""
    return compute("mean_absolute_error", y_true, y_pred)[0]


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """`mean(-(t*log(p) + (1-t)*log(1-p)), axis=-1)` with p clipped to
    `[epsilon, 1 - epsilon]` (or `p = sigmoid(y_pred)` when `from_logits`)."""
    _check_axis(axis)
    return compute("binary_crossentropy", y_true, y_pred, from_logits, label_smoothing)[0]


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """`-sum(t * log(p), axis=-1)` with p renormalised and clipped (or
    `p = softmax(y_pred)` when `from_logits`); y_true is one-hot."""
    _check_axis(axis)
    return compute("categorical_crossentropy", y_true, y_pred, from_logits, label_smoothing)[0]


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Categorical cross-entropy with integer class labels as targets."""
    _check_axis(axis)
    if ignore_class is not None:
        raise NotImplementedError("ignore_class is not supported yet")
    return compute("sparse_categorical_crossentropy", y_true, y_pred, from_logits)[0]


def _check_axis(axis):
    if axis != -1:
        raise NotImplementedError("Only axis=-1 is supported. Received: axis=%r" % (axis,))


for _fn, _kind in ((mean_squared_error, "mean_squared_error"),
                   (mean_absolute_error, "mean_absolute_error"),
                   (binary_crossentropy, "binary_crossentropy"),
                   (categorical_crossentropy, "categorical_crossentropy"),
                   (sparse_categorical_crossentropy, "sparse_categorical_crossentropy")):
    _fn._nl_kind = _kind


# --------------------------------------------------------------------------
# classes: reduced losses

class Loss:
    """Base class of losses: `loss(y_true, y_pred, sample_weight=None)` returns
    the reduced loss as a float32 scalar array.

    Args:
        name: The loss's name.
        reduction: `"sum_over_batch_size"` (mean over all loss values),
            `"sum"` or `None`/`"none"`. Defaults to `"sum_over_batch_size"`.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError("Invalid value for argument `reduction`. Expected one of %s. "
                             "Received: reduction=%r" % (_REDUCTIONS, reduction))
        self.name = name
        self.reduction = reduction
        self.dtype = dtype

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        values = np.asarray(self.call(y_true, y_pred))
        if sample_weight is not None:
            values = values * _prepare_weights(sample_weight, values.shape, values.dtype)
        return reduce_values(values, self.reduction)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def reduce_values(values, reduction):
    if reduction in (None, "none"):
        return values.astype(np.float32)
    total = values.sum(dtype=np.float64)
    if reduction == "sum_over_batch_size":
        total = total / max(values.size, 1)
    return np.float32(total)


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "loss"), reduction=reduction)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors: `loss = mean(square(y_true - y_pred))`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"mean_squared_error"`.
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors: `loss = mean(abs(y_true - y_pred))`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"mean_absolute_error"`.
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy between binary labels and predicted probabilities.

    Args:
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        label_smoothing: Labels become `t * (1 - s) + 0.5 * s`. Defaults to `0.0`.
        axis: Defaults to `-1`.
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"binary_crossentropy"`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between one-hot labels and predicted class probabilities.

    Args:
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        label_smoothing: Labels become `t * (1 - s) + s / num_classes`. Defaults to `0.0`.
        axis: Defaults to `-1`.
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"categorical_crossentropy"`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between integer class labels and predicted probabilities.

    Args:
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        ignore_class: Not supported yet; must be `None`.
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"sparse_categorical_crossentropy"`.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits, self.ignore_class = from_logits, ignore_class


for _cls, _fn in ((MeanSquaredError, mean_squared_error),
                  (MeanAbsoluteError, mean_absolute_error),
                  (BinaryCrossentropy, binary_crossentropy),
                  (CategoricalCrossentropy, categorical_crossentropy),
                  (SparseCategoricalCrossentropy, sparse_categorical_crossentropy)):
    _cls._nl_kind = _fn._nl_kind
