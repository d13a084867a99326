"""What `compile()` resolves once shapes are known: the loss (as the C core
computes it) and the metrics, as Keras's `trainers/compile_utils.py` does."""
import numpy as np

from nnlite import losses as losses_module
from nnlite import metrics as metrics_module
from nnlite.losses.losses import LossFunctionWrapper
from nnlite.metrics.accuracy_metrics import (BinaryAccuracy, CategoricalAccuracy,
                                             SparseCategoricalAccuracy)
from nnlite.metrics.metric import MeanMetricWrapper, Metric

FUSABLE = {("softmax", "categorical_crossentropy"), ("softmax", "sparse_categorical_crossentropy"),
            ("sigmoid", "binary_crossentropy")}


class LossSpec:
    """A compiled loss resolved to what the C core computes."""

    def __init__(self, kind, from_logits=False, label_smoothing=0.0,
                 reduction="sum_over_batch_size"):
        if reduction not in ("sum_over_batch_size", "sum"):
            raise ValueError("Training needs a loss reduced to a scalar; reduction=%r is not "
                             "supported in compile()" % (reduction,))
        self.kind, self.from_logits = kind, bool(from_logits)
        self.label_smoothing, self.reduction = float(label_smoothing), reduction


def resolve_loss(identifier, y_true, y_pred_shape):
    if isinstance(identifier, str) and identifier in ("crossentropy", "ce"):
        is_binary = y_pred_shape[-1] == 1
        is_sparse = y_true.ndim < len(y_pred_shape) or (y_true.shape[-1] == 1 and not is_binary)
        kind = ("binary_crossentropy" if is_binary else
                "sparse_categorical_crossentropy" if is_sparse else "categorical_crossentropy")
        return LossSpec(kind)
    obj = losses_module.get(identifier)
    if isinstance(obj, losses_module.Loss):
        kind = getattr(type(obj), "_nl_kind", None)
        if kind is None or type(obj).call is not LossFunctionWrapper.call:
            raise NotImplementedError(
                "Custom losses (%s) cannot be trained by nnlite yet: nnlite computes loss "
                "gradients in C for its built-in losses only." % type(obj).__name__)
        return LossSpec(kind, getattr(obj, "from_logits", False),
                         getattr(obj, "label_smoothing", 0.0), obj.reduction)
    kind = getattr(obj, "_nl_kind", None)
    if kind is None:
        raise NotImplementedError(
            "Custom loss functions (%r) cannot be trained by nnlite yet: nnlite computes loss "
            "gradients in C for its built-in losses only."
            % (getattr(obj, "__name__", obj),))
    return LossSpec(kind)


def resolve_metric(identifier, y_true, y_pred_shape):
    if isinstance(identifier, str) and identifier in ("accuracy", "acc"):
        is_binary = y_pred_shape[-1] == 1
        is_sparse = y_true.ndim < len(y_pred_shape) or (y_true.shape[-1] == 1 and not is_binary)
        if is_binary:
            return BinaryAccuracy(name=identifier)
        if is_sparse:
            return SparseCategoricalAccuracy(name=identifier)
        return CategoricalAccuracy(name=identifier)
    obj = metrics_module.get(identifier)
    if isinstance(obj, Metric):
        return obj
    name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", "metric")
    return MeanMetricWrapper(obj, name=name)


def loss_and_grad(spec, y, out, y_pred_shape, sample_weight, want_grad, fused):
    """(scalar loss, gradient w.r.t. `out` or None) for one batch; `out` is the
    model's output, or its logits when `fused`."""
    n_values = int(np.prod(y_pred_shape[:-1]))
    scale = 1.0 / max(n_values, 1) if spec.reduction == "sum_over_batch_size" else 1.0
    values, grad = losses_module.losses.compute(
        spec.kind, y, out, from_logits=spec.from_logits or fused,
        label_smoothing=spec.label_smoothing, sample_weight=sample_weight, scale=scale,
        want_grad=want_grad)
    if sample_weight is not None:
        sw = losses_module.losses._prepare_weights(sample_weight, values.shape, values.dtype)
        total = float(np.dot(values.ravel().astype(np.float64), sw.ravel()))
    else:
        total = float(values.sum(dtype=np.float64))
    return total * scale, grad
