"""Losses as in `keras.losses`: functions (one value per sample) and classes
(reduced to a scalar), all computed by the C core with Keras's formulas
(clipping by `epsilon() = 1e-7`, `from_logits`, `label_smoothing`)."""
import numpy as np

from nnlite import _core, config

_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")
_HINGE_KINDS = ("hinge", "squared_hinge")
_BINARY_SMOOTHED = ("binary_crossentropy", "binary_focal_crossentropy")


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
    n = y_pred.shape[-1]
    if t.size and (t.min() < 0 or t.max() >= n):
        # reported from the labels as given (a huge uint64 would wrap in int64)
        raise ValueError("sparse_categorical_crossentropy: labels must lie in [0, %d). "
                         "Received labels from %s to %s" % (n, t.min(), t.max()))
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


def hinge_targets(t):
    """Keras's `convert_binary_labels_to_hinge`: when every label is 0 or 1,
    they become -1 and 1; other labels are kept as they are."""
    if t.size and np.all((t == 0) | (t == 1)):
        return np.ascontiguousarray(2.0 * t - 1.0, dtype=t.dtype)
    return t


def compute(kind, y_true, y_pred, from_logits=False, label_smoothing=0.0,
            sample_weight=None, scale=1.0, want_grad=False, params=None):
    """Per-sample loss and (optionally) its gradient w.r.t. y_pred.

    `kind` is a C-core loss name or "sparse_categorical_crossentropy";
    `params` holds a loss's extra arguments (`delta`, `gamma`, ...). The
    gradient is `scale * sample_weight * d loss / d y_pred`.
    """
    y_pred = _as_pred(y_pred)
    w = _prepare_weights(sample_weight, y_pred.shape[:-1], y_pred.dtype)
    if kind == "sparse_categorical_crossentropy":
        labels = prepare_labels(y_true, y_pred)
        return _core.sparse_crossentropy(labels, y_pred, from_logits, config.epsilon(), scale,
                                         w, want_grad)
    t = prepare_targets(y_true, y_pred)
    if kind in _HINGE_KINDS:
        t = hinge_targets(t)
    if label_smoothing:
        if kind in _BINARY_SMOOTHED:
            t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
        elif kind == "categorical_crossentropy":
            t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[-1]
        t = np.ascontiguousarray(t, dtype=y_pred.dtype)
    return _core.loss(kind, t, y_pred, from_logits, config.epsilon(), scale, w, want_grad,
                      params)


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


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)`."""
    return compute("mean_absolute_percentage_error", y_true, y_pred)[0]


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(maximum(y_pred, eps) + 1) - log(maximum(y_true, eps) + 1)), axis=-1)`."""
    return compute("mean_squared_logarithmic_error", y_true, y_pred)[0]


def huber(y_true, y_pred, delta=1.0):
    """Per element `0.5 * e**2` where `|e| <= delta`, else `delta * |e| - 0.5 * delta**2`
    (e = y_pred - y_true), averaged over the last axis."""
    return compute("huber", y_true, y_pred, params={"delta": delta})[0]


def log_cosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed as
    `x + softplus(-2x) - log(2)`."""
    return compute("log_cosh", y_true, y_pred)[0]


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`; labels that are all
    0 or 1 are first mapped to -1 and 1."""
    return compute("hinge", y_true, y_pred)[0]


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`; labels that
    are all 0 or 1 are first mapped to -1 and 1."""
    return compute("squared_hinge", y_true, y_pred)[0]


def categorical_hinge(y_true, y_pred):
    """`maximum(neg - pos + 1, 0)` with `pos = sum(y_true * y_pred, axis=-1)` and
    `neg = max((1 - y_true) * y_pred, axis=-1)`."""
    return compute("categorical_hinge", y_true, y_pred)[0]


def kl_divergence(y_true, y_pred):
    """`sum(t * log(t / p), axis=-1)` with t and p clipped to `[epsilon, 1]`."""
    return compute("kl_divergence", y_true, y_pred)[0]


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    return compute("poisson", y_true, y_pred)[0]


def cosine_similarity(y_true, y_pred, axis=-1):
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=-1)`: the
    NEGATIVE cosine similarity (-1 for parallel vectors), 0 for a zero vector."""
    _check_axis(axis)
    return compute("cosine_similarity", y_true, y_pred)[0]


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """`mean(w * (1 - p_t)**gamma * bce, axis=-1)`, where bce is the binary
    cross-entropy, `p_t = t * p + (1 - t) * (1 - p)` and, with
    `apply_class_balancing`, `w = t * alpha + (1 - t) * (1 - alpha)` (else 1)."""
    _check_axis(axis)
    return compute("binary_focal_crossentropy", y_true, y_pred, from_logits, label_smoothing,
                   params=focal_params(apply_class_balancing, alpha, gamma))[0]


def focal_params(apply_class_balancing, alpha, gamma):
    return {"gamma": gamma, "alpha": alpha, "apply_class_balancing": bool(apply_class_balancing)}


def _check_axis(axis):
    if axis != -1:
        raise NotImplementedError("Only axis=-1 is supported. Received: axis=%r" % (axis,))


for _fn, _kind in ((mean_squared_error, "mean_squared_error"),
                   (mean_absolute_error, "mean_absolute_error"),
                   (binary_crossentropy, "binary_crossentropy"),
                   (categorical_crossentropy, "categorical_crossentropy"),
                   (sparse_categorical_crossentropy, "sparse_categorical_crossentropy"),
                   (mean_absolute_percentage_error, "mean_absolute_percentage_error"),
                   (mean_squared_logarithmic_error, "mean_squared_logarithmic_error"),
                   (huber, "huber"), (log_cosh, "log_cosh"), (hinge, "hinge"),
                   (squared_hinge, "squared_hinge"), (categorical_hinge, "categorical_hinge"),
                   (kl_divergence, "kl_divergence"), (poisson, "poisson"),
                   (cosine_similarity, "cosine_similarity"),
                   (binary_focal_crossentropy, "binary_focal_crossentropy")):
    _fn._nl_kind = _kind


# --------------------------------------------------------------------------
# classes: reduced losses

class Loss:
    """Base class of losses: `loss(y_true, y_pred, sample_weight=None)` returns
    the reduced loss as a float32 scalar array.

    Args:
        name: The loss's name.
        reduction: `"sum_over_batch_size"` or `"mean"` (mean over all loss
            values), `"sum"`, `"mean_with_sample_weight"` (sum divided by the
            sum of the sample weights) or `None`/`"none"`. Defaults to
            `"sum_over_batch_size"`.
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
        w = None
        if sample_weight is not None:
            w = _prepare_weights(sample_weight, values.shape, values.dtype)
            values = values * w
        return reduce_values(values, self.reduction, w)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def reduce_values(values, reduction, sample_weight=None):
    """Keras's `reduce_values`: "sum", the mean over all values
    ("sum_over_batch_size", "mean"), the sum over the sum of the weights
    ("mean_with_sample_weight"), or no reduction. A zero divisor gives 0."""
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values.astype(np.float32)
    total = values.sum(dtype=np.float64)
    if reduction != "sum":
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = float(np.sum(sample_weight, dtype=np.float64))
        else:
            divisor = float(values.size)
        total = total / divisor if divisor else 0.0
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


class _PlainLoss(LossFunctionWrapper):
    """A LossFunctionWrapper whose config is Keras's `Loss.get_config` (name
    and reduction only, as Keras 3.15 reports for these classes)."""

    _fn = None
    _default_name = None

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(type(self)._fn, reduction=reduction, name=name or self._default_name,
                         **kwargs)
        self.dtype = dtype

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsolutePercentageError(_PlainLoss):
    """Mean absolute percentage error:
    `loss = 100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)))`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"mean_absolute_percentage_error"`.
    """

    _fn = staticmethod(mean_absolute_percentage_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_PlainLoss):
    """Mean squared logarithmic error:
    `loss = mean(square(log(y_true + 1) - log(y_pred + 1)))`, values below
    `epsilon` replaced by `epsilon`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"mean_squared_logarithmic_error"`.
    """

    _fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(_PlainLoss):
    """Negative cosine similarity: `loss = -sum(l2_norm(y_true) * l2_norm(y_pred))`
    (-1 means the vectors point the same way).

    Args:
        axis: Only `-1` is supported. Defaults to `-1`.
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"cosine_similarity"`.
    """

    _fn = staticmethod(cosine_similarity)

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        _check_axis(axis)
        super().__init__(reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Huber(_PlainLoss):
    """Huber loss: per element `0.5 * x**2` if `|x| <= delta`, else
    `delta * |x| - 0.5 * delta**2`, with `x = y_pred - y_true`.

    Args:
        delta: Where the loss turns from quadratic to linear. Defaults to `1.0`.
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"huber_loss"`.

    Note: as in Keras 3.15, `get_config()` does not include `delta`.
    """

    _fn = staticmethod(huber)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(_PlainLoss):
    """Logarithm of the hyperbolic cosine of the error:
    `loss = mean(log(cosh(y_pred - y_true)))`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"log_cosh"`.
    """

    _fn = staticmethod(log_cosh)

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Hinge(_PlainLoss):
    """Hinge loss: `loss = maximum(1 - y_true * y_pred, 0)`; labels that are
    all 0 or 1 are mapped to -1 and 1.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"hinge"`.
    """

    _fn = staticmethod(hinge)

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_PlainLoss):
    """Squared hinge loss: `loss = square(maximum(1 - y_true * y_pred, 0))`;
    labels that are all 0 or 1 are mapped to -1 and 1.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"squared_hinge"`.
    """

    _fn = staticmethod(squared_hinge)

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_PlainLoss):
    """Categorical hinge loss: `loss = maximum(neg - pos + 1, 0)` with
    `pos = sum(y_true * y_pred)` and `neg = max((1 - y_true) * y_pred)`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"categorical_hinge"`.
    """

    _fn = staticmethod(categorical_hinge)

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class KLDivergence(_PlainLoss):
    """Kullback-Leibler divergence: `loss = y_true * log(y_true / y_pred)`,
    both clipped to `[epsilon, 1]`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"kl_divergence"`.
    """

    _fn = staticmethod(kl_divergence)

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Poisson(_PlainLoss):
    """Poisson loss: `loss = y_pred - y_true * log(y_pred + epsilon)`.

    Args:
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"poisson"`.
    """

    _fn = staticmethod(poisson)

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy scaled by the focal factor `(1 - p_t)**gamma`
    (Lin et al., 2018), optionally weighted by `alpha` for class 1 and
    `1 - alpha` for class 0.

    Args:
        apply_class_balancing: Whether to weight the classes. Defaults to `False`.
        alpha: Weight of class 1 when balancing. Defaults to `0.25`.
        gamma: Focusing parameter. Defaults to `2.0`.
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        label_smoothing: Labels become `t * (1 - s) + 0.5 * s`. Defaults to `0.0`.
        axis: Defaults to `-1`.
        reduction: Defaults to `"sum_over_batch_size"`.
        name: Defaults to `"binary_focal_crossentropy"`.
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing,
                       "axis": self.axis, "apply_class_balancing": self.apply_class_balancing,
                       "alpha": self.alpha, "gamma": self.gamma})
        return config


for _cls, _fn in ((MeanSquaredError, mean_squared_error),
                  (MeanAbsoluteError, mean_absolute_error),
                  (BinaryCrossentropy, binary_crossentropy),
                  (CategoricalCrossentropy, categorical_crossentropy),
                  (SparseCategoricalCrossentropy, sparse_categorical_crossentropy),
                  (MeanAbsolutePercentageError, mean_absolute_percentage_error),
                  (MeanSquaredLogarithmicError, mean_squared_logarithmic_error),
                  (CosineSimilarity, cosine_similarity), (Huber, huber), (LogCosh, log_cosh),
                  (Hinge, hinge), (SquaredHinge, squared_hinge),
                  (CategoricalHinge, categorical_hinge), (KLDivergence, kl_divergence),
                  (Poisson, poisson), (BinaryFocalCrossentropy, binary_focal_crossentropy)):
    _cls._nl_kind = _fn._nl_kind
