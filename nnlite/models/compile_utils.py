"""What `compile()` resolves once shapes are known: the loss (as the C core
computes it) and the metrics, as Keras's `trainers/compile_utils.py` does."""
import numpy as np

from nnlite import losses as losses_module
from nnlite import metrics as metrics_module
from nnlite.losses.losses import LossFunctionWrapper
from nnlite.metrics.accuracy_metrics import (BinaryAccuracy, CategoricalAccuracy,
                                             SparseCategoricalAccuracy)
from nnlite.metrics.metric import MeanMetricWrapper, Metric

# (output activation, loss) pairs computed on the logits, as Keras does when
# the output carries `_keras_logits` (sigmoid, softmax); the focal loss then
# takes its cross-entropy from the logits too (keras/src/losses/losses.py)
FUSABLE = {("softmax", "categorical_crossentropy"), ("softmax", "sparse_categorical_crossentropy"),
           ("sigmoid", "binary_crossentropy"), ("sigmoid", "binary_focal_crossentropy")}

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight")


class LossSpec:
    """A compiled loss resolved to what the C core computes: its kind, the
    logits and smoothing switches, its extra parameters (`params`, e.g.
    `{"delta": 2.0}`, None when it takes none) and the reduction."""

    def __init__(self, kind, from_logits=False, label_smoothing=0.0,
                 reduction="sum_over_batch_size", params=None):
        if reduction not in _REDUCTIONS:
            raise ValueError("Training needs a loss reduced to a scalar; reduction=%r is not "
                             "supported in compile()" % (reduction,))
        self.kind, self.from_logits = kind, bool(from_logits)
        self.label_smoothing, self.reduction = float(label_smoothing), reduction
        self.params = dict(params) if params else None


def _spec_from(kind, kwargs, reduction="sum_over_batch_size"):
    """A LossSpec from a loss kind and the keyword arguments of its function."""
    params = None
    if kind == "huber":
        params = {"delta": kwargs.get("delta", 1.0)}
    elif kind == "binary_focal_crossentropy":
        params = losses_module.losses.focal_params(kwargs.get("apply_class_balancing", False),
                                                   kwargs.get("alpha", 0.25),
                                                   kwargs.get("gamma", 2.0))
    return LossSpec(kind, kwargs.get("from_logits", False), kwargs.get("label_smoothing", 0.0),
                    reduction, params)


class CustomLoss:
    """A loss written in Python with `nnlite.ops`: `fn(y_true, y_pred)` gives
    per-sample values on the tape, reduced as Keras reduces them."""

    def __init__(self, fn, reduction="sum_over_batch_size"):
        if reduction not in _REDUCTIONS:
            raise ValueError("Training needs a loss reduced to a scalar; reduction=%r is not "
                             "supported in compile()" % (reduction,))
        self.fn = fn
        self.reduction = reduction
        self.from_logits = False
        self.kind = None

    def __call__(self, y_true, y_pred, sample_weight=None):
        from nnlite.backend.tensor import Tensor
        from nnlite.ops import fused
        values = self.fn(Tensor(np.asarray(y_true, dtype=y_pred.dtype)), y_pred)
        if not hasattr(values, "shape"):
            values = Tensor(np.asarray(values, dtype=y_pred.dtype))
        return fused.weighted_mean(values, sample_weight, self.reduction)


def resolve_loss(identifier, y_true, y_pred_shape):
    if isinstance(identifier, str) and identifier in ("crossentropy", "ce"):
        is_binary = y_pred_shape[-1] == 1
        is_sparse = y_true.ndim < len(y_pred_shape) or (y_true.shape[-1] == 1 and not is_binary)
        kind = ("binary_crossentropy" if is_binary else
                "sparse_categorical_crossentropy" if is_sparse else "categorical_crossentropy")
        return LossSpec(kind)
    obj = losses_module.get(identifier)
    if isinstance(obj, losses_module.Loss):
        fn = getattr(obj, "fn", None)
        kind = getattr(fn, "_nl_kind", None)
        if (kind is None or not isinstance(obj, LossFunctionWrapper)
                or type(obj).call is not LossFunctionWrapper.call):
            return CustomLoss(obj.call, obj.reduction)
        return _spec_from(kind, obj._fn_kwargs, obj.reduction)
    kind = getattr(obj, "_nl_kind", None)
    if kind is None:
        return CustomLoss(obj)
    return LossSpec(kind)


def resolve_metric(identifier, y_true, y_pred_shape):
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        is_binary = y_pred_shape[-1] == 1
        is_sparse = y_true.ndim < len(y_pred_shape) or (y_true.shape[-1] == 1 and not is_binary)
        if is_binary:
            return BinaryAccuracy(name=identifier)
        if is_sparse:
            return SparseCategoricalAccuracy(name=identifier)
        return CategoricalAccuracy(name=identifier)
    obj = metrics_module.get(identifier)
    if isinstance(identifier, str):     # Keras names the metric by the string written
        name = identifier
    elif isinstance(obj, Metric):
        name = obj.name
    else:
        name = getattr(obj, "__name__", "metric")
    if not isinstance(obj, Metric):
        obj = MeanMetricWrapper(obj, name=name)
    obj.name = name
    return obj


def loss_and_grad(spec, y, out, y_pred_shape, sample_weight, want_grad, fused):
    """(scalar loss, gradient w.r.t. `out` or None) for one batch; `out` is the
    model's output, or its logits when `fused`."""
    n_values = int(np.prod(y_pred_shape[:-1]))
    if spec.reduction == "sum":
        scale = 1.0
    elif spec.reduction == "mean_with_sample_weight" and sample_weight is not None:
        sw = losses_module.losses._prepare_weights(sample_weight, tuple(y_pred_shape[:-1]),
                                                   np.float64)
        total_w = float(sw.sum())
        scale = 1.0 / total_w if total_w else 0.0
    else:
        scale = 1.0 / n_values if n_values else 0.0
    values, grad = losses_module.losses.compute(
        spec.kind, y, out, from_logits=spec.from_logits or fused,
        label_smoothing=spec.label_smoothing, sample_weight=sample_weight, scale=scale,
        want_grad=want_grad, params=spec.params)
    if sample_weight is not None:
        sw = losses_module.losses._prepare_weights(sample_weight, values.shape, values.dtype)
        total = float(np.dot(values.ravel().astype(np.float64), sw.ravel()))
    else:
        total = float(values.sum(dtype=np.float64))
    return total * scale, grad
