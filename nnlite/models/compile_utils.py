"""What `compile()` resolves once shapes are known: the loss (as the C core
computes it) and the metrics, as Keras's `trainers/compile_utils.py` does."""
import math

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


def masked_weights(sample_weight, mask, reduction):
    """The sample weights of a loss whose output carries `mask`, as Keras 3's
    `apply_mask`: masked values weigh 0 and, for the mean reductions, the
    others `total / valid`, so the loss is the mean over the valid values."""
    mask = np.asarray(mask, dtype=np.float32)
    if reduction in ("mean", "sum_over_batch_size"):
        mask = mask * np.float32(mask.size / (float(mask.sum()) + 1e-7))
    if sample_weight is None:
        return mask
    sw = np.asarray(sample_weight, dtype=np.float32)
    if sw.ndim < mask.ndim:
        sw = sw.reshape(sw.shape + (1,) * (mask.ndim - sw.ndim))
    elif sw.ndim > mask.ndim:
        mask = mask.reshape(mask.shape + (1,) * (sw.ndim - mask.ndim))
    return sw * mask


def loss_and_grad(spec, y, out, y_pred_shape, sample_weight, want_grad, fused):
    """(scalar loss, gradient w.r.t. `out` or None) for one batch; `out` is the
    model's output, or its logits when `fused`."""
    n_values = math.prod(int(d) for d in y_pred_shape[:-1])
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


# -- several outputs: losses, weights and metrics per output, as Keras's
# CompileLoss / CompileMetrics take them -------------------------------------

def _is_structure(value):
    return isinstance(value, (list, tuple, dict))


def _check_loss_identifier(loss):
    if loss is not None and not (isinstance(loss, str) and loss in ("crossentropy", "ce")):
        losses_module.get(loss)     # unknown names fail here, as in Keras


def _check_metric_identifier(metric):
    if not (isinstance(metric, str) and metric.lower() in ("accuracy", "acc")):
        metrics_module.get(metric)


def _metric_list(value):
    """A list of metric identifiers from one identifier or a list of them."""
    if value is None:
        return []
    if isinstance(value, (str, Metric)) or callable(value) and not isinstance(value, type):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError("Metrics must be a list of metric names, functions or Metric instances. "
                    "Received: %r" % (value,))


def _checked_metrics(metrics):
    """`metrics` (or `weighted_metrics`) as compile keeps them: a list, or a
    dict of lists by output name; every identifier checked."""
    if isinstance(metrics, dict):
        metrics = {k: _metric_list(v) for k, v in metrics.items()}
        flat = [m for v in metrics.values() for m in v]
    else:
        metrics = _metric_list(metrics)
        flat = [m for v in metrics for m in (v if isinstance(v, (list, tuple)) else [v])]
    for m in flat:
        _check_metric_identifier(m)
    return metrics


def _metrics_per_output(metrics, names, what):
    """One list of metric identifiers per output in `names` order, from a
    list (one output), a list of lists or a dict by output name."""
    n = len(names)
    if isinstance(metrics, dict):
        unknown = sorted(set(metrics) - set(names))
        if unknown:
            raise ValueError("In the %s dict, %s %s not the name of an output. "
                             "Expected keys among %s" % (what, unknown, "is" if len(unknown) == 1
                                                         else "are", list(names)))
        return [list(metrics.get(name, [])) for name in names]
    if any(isinstance(m, (list, tuple)) for m in metrics):
        if len(metrics) != n:
            raise ValueError("For a model with %d outputs, %s given as a list of lists "
                             "must hold one list per output. Received %d lists"
                             % (n, what, len(metrics)))
        return [_metric_list(m) for m in metrics]
    if n > 1 and metrics:
        raise ValueError("For a model with %d outputs %s, %s must be a dict by output "
                         "name or a list of lists (one per output). Received: %s=%r"
                         % (n, list(names), what, what, metrics))
    return [list(metrics)] + [[] for _ in range(n - 1)]


class CompileConfig:
    """What `compile()` was given (`loss`, `loss_weights`, `metrics`,
    `weighted_metrics`), checked for unknown names at once and against the
    output names as soon as they are known; `resolve` turns it into
    per-output specs once shapes are."""

    def __init__(self, loss, loss_weights, metrics, weighted_metrics=None):
        if isinstance(loss, dict):
            for v in loss.values():
                _check_loss_identifier(v)
        elif isinstance(loss, (list, tuple)):
            for v in loss:
                _check_loss_identifier(v)
        else:
            _check_loss_identifier(loss)
        if loss_weights is not None:
            if not isinstance(loss_weights, (list, tuple, dict, int, float)) \
                    or isinstance(loss_weights, bool):
                raise TypeError("loss_weights must be a list or a dict of numbers. "
                                "Received: %r" % (loss_weights,))
            values = loss_weights.values() if isinstance(loss_weights, dict) else (
                loss_weights if isinstance(loss_weights, (list, tuple)) else [loss_weights])
            for w in values:
                if isinstance(w, bool) or not isinstance(w, (int, float, np.number)) \
                        or not np.isfinite(w):
                    raise ValueError("loss_weights must hold finite numbers. Received: %r"
                                     % (loss_weights,))
        self.loss, self.loss_weights = loss, loss_weights
        self.metrics = _checked_metrics(metrics)
        self.weighted_metrics = _checked_metrics(weighted_metrics)

    def per_output(self, names):
        """(losses, weights, metric lists, weighted metric lists), one entry per
        output in `names` order; raises ValueError, as Keras does, for
        structures that do not match the outputs."""
        n = len(names)
        losses = _by_output(self.loss, names, "loss")
        if self.loss_weights is None:
            weights = [None] * n
        else:
            if not _is_structure(self.loss) and n > 1:
                raise ValueError("loss_weights must be given with a loss per output (a list or "
                                 "a dict by output name) when a single loss is used for all "
                                 "%d outputs. Received: loss=%r, loss_weights=%r"
                                 % (n, self.loss, self.loss_weights))
            weights = [None if w is None else float(w)
                       for w in _by_output(self.loss_weights, names, "loss_weights")]
        return (losses, weights, _metrics_per_output(self.metrics, names, "metrics"),
                _metrics_per_output(self.weighted_metrics, names, "weighted_metrics"))

    def resolve(self, names, ys, pred_shapes):
        """The `ResolvedOutputs` for outputs `names` with targets `ys` and
        prediction shapes `pred_shapes` (one entry per output)."""
        losses, weights, metric_lists, weighted_lists = self.per_output(names)
        for i, loss in enumerate(losses):
            if loss is not None and ys[i] is None:
                raise ValueError("Output '%s' has a loss but y holds no target for it"
                                 % names[i])
        specs = [None if loss is None else resolve_loss(loss, ys[i], pred_shapes[i])
                 for i, loss in enumerate(losses)]
        metrics, owners, weighted = [], [], []
        taken = {}      # result name -> how many metrics asked for it
        for is_weighted, lists in ((False, metric_lists), (True, weighted_lists)):
            for i, ids in enumerate(lists):
                for identifier in ids:
                    if ys[i] is None:
                        continue
                    m = resolve_metric(identifier, ys[i], pred_shapes[i])
                    m.name = _result_name(m.name, names[i] if len(names) > 1 else None,
                                          is_weighted, taken)
                    metrics.append(m)
                    owners.append(i)
                    weighted.append(is_weighted)
        return ResolvedOutputs(names, specs, weights, metrics, owners, weighted)


def _result_name(name, output, weighted, taken):
    """A metric's name in the logs, as Keras 3's CompileMetrics names its
    results: the output's name first when there are several outputs; a
    repeated name gets `_1`, `_2`, ...; a weighted metric whose name is taken
    becomes `weighted_<name>` first."""
    def prefixed(n):
        return n if output is None else "%s_%s" % (output, n)
    full = prefixed(name)
    if full not in taken:
        taken[full] = 1
        return full
    if weighted:
        full = prefixed("weighted_" + name)
        if full not in taken:
            taken[full] = 1
            return full
    index = taken[full]
    taken[full] += 1
    return "%s_%d" % (full, index)


def _by_output(value, names, what):
    """One entry per output from a single value, a list in output order or a
    dict by output name (which must name every output)."""
    n = len(names)
    if isinstance(value, dict):
        if set(value) != set(names):
            raise ValueError("Expected keys %s in %s dict. Received keys: %s"
                             % (list(names), what, sorted(value)))
        return [value[name] for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError("For a model with %d output(s), %s given as a list must have %d "
                             "entries (one per output). Received: %r" % (n, what, n, value))
        return list(value)
    return [value] * n


class ResolvedOutputs:
    """Per-output loss specs (None: no loss), loss weights (None: 1), the
    metrics in compile order (`metrics`, then `weighted_metrics`) with the
    output each reads (`owners`) and whether it takes the sample weights
    (`weighted`), and a `<output>_loss` tracker per output when more than one
    output has a loss."""

    def __init__(self, names, specs, weights, metrics, owners, weighted):
        self.names, self.specs, self.weights = list(names), specs, weights
        self.metrics, self.owners, self.weighted = metrics, owners, weighted
        with_loss = [i for i, s in enumerate(specs) if s is not None]
        self.trackers = [None] * len(specs)
        if len(with_loss) > 1:
            from nnlite.metrics.metric import Mean
            for i in with_loss:
                self.trackers[i] = Mean(name="%s_loss" % names[i])
