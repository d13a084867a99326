"""Metrics from confusion counts at thresholds: Precision, Recall and AUC,
accumulated as Keras does (keras/src/metrics/confusion_metrics.py)."""
import numpy as np

from nnlite.backend.naming import auto_name
from nnlite.metrics.metric import Metric, squeeze_to_same_rank

NEG_INF = -1e10   # Keras's threshold with top_k (every kept prediction is positive)
_EPSILON = 1e-7


def _divide_no_nan(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def _prepare(y_true, y_pred, sample_weight, top_k=None, class_id=None):
    """Flat float32 predictions, boolean labels and float64 weights, after
    Keras's top-k filtering and class slicing."""
    y_pred = np.asarray(y_pred, dtype=np.float32)
    y_true = np.asarray(y_true)
    y_true, y_pred = squeeze_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true.shape=%s does not match y_pred.shape=%s"
                         % (y_true.shape, y_pred.shape))
    w = None
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim == y_pred.ndim + 1 and w.shape[-1] == 1:
            w = w.reshape(w.shape[:-1])
        w = np.broadcast_to(w.reshape(w.shape + (1,) * (y_pred.ndim - w.ndim)), y_pred.shape)
    if top_k is not None:
        order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :top_k]
        keep = np.zeros(y_pred.shape, dtype=bool)
        np.put_along_axis(keep, order, True, axis=-1)
        y_pred = np.where(keep, y_pred, np.float32(NEG_INF))
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             "(num_samples, num_classes), found shape: %s" % (y_pred.shape,))
        if not -y_pred.shape[-1] <= class_id < y_pred.shape[-1]:
            raise ValueError("class_id must index one of the %d classes. Received: class_id=%r"
                             % (y_pred.shape[-1], class_id))
        y_pred, y_true = y_pred[..., class_id], y_true[..., class_id]
        w = w[..., class_id] if w is not None else None
    labels = y_true.astype(bool).ravel()
    weights = np.ones(labels.shape) if w is None else w.ravel()
    return y_pred.ravel(), labels, weights


def _counts_above(index, labels, weights, size):
    """(tp, fp) at each of `size` thresholds from `index`, the number of
    thresholds each prediction exceeds: a prediction is positive at threshold
    i when index > i, so counts are reversed cumulative sums of a bincount."""
    pos = np.bincount(index, weights=weights * labels, minlength=size + 1)
    neg = np.bincount(index, weights=weights * ~labels, minlength=size + 1)
    tp = np.cumsum(pos[::-1])[::-1][1:size + 1]
    fp = np.cumsum(neg[::-1])[::-1][1:size + 1]
    return tp, fp


def confusion_counts(thresholds, y_pred, labels, weights):
    """(tp, fp, fn, tn) at each threshold, a prediction p being positive when
    p > threshold (thresholds in any order)."""
    thresholds = np.asarray(thresholds, dtype=np.float32)
    order = np.argsort(thresholds, kind="stable")
    index = np.searchsorted(thresholds[order], y_pred, side="left")
    index[np.isnan(y_pred)] = 0
    tp_s, fp_s = _counts_above(index, labels, weights, len(thresholds))
    tp, fp = np.empty_like(tp_s), np.empty_like(fp_s)
    tp[order], fp[order] = tp_s, fp_s
    total_pos = float(np.dot(weights, labels))
    total_neg = float(np.dot(weights, ~labels))
    return tp, fp, total_pos - tp, total_neg - fp


def _parse_thresholds(thresholds, default):
    if thresholds is None:
        return [default]
    values = [float(t) for t in np.ravel(thresholds)]
    if any(not 0 <= t <= 1 for t in values):
        raise ValueError("Threshold values must be in [0, 1]. Received: %s" % (thresholds,))
    return values


class _ThresholdMetric(Metric):
    """Shared state of Precision and Recall: counts at each threshold."""

    additive_attributes = ("true_positives", "false_positives", "false_negatives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name or auto_name(type(self).__name__), dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        self.thresholds = _parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self.reset_state()

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives, self.false_positives = np.zeros(n), np.zeros(n)
        self.false_negatives = np.zeros(n)

    def update_state(self, y_true, y_pred, sample_weight=None):
        p, labels, w = _prepare(y_true, y_pred, sample_weight, self.top_k, self.class_id)
        tp, fp, fn, _ = confusion_counts(self.thresholds, p, labels, w)
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += fn

    def _finish(self, values):
        values = values.astype(np.float32)
        return values[0] if len(self.thresholds) == 1 else values

    def get_config(self):
        config = super().get_config()
        config.update({"thresholds": self.init_thresholds, "top_k": self.top_k,
                       "class_id": self.class_id})
        return config


class Precision(_ThresholdMetric):
    """`true_positives / (true_positives + false_positives)`, a prediction
    being positive when it exceeds the threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]`; the result has one
            value per threshold. Defaults to `None` (0.5, or every top-k
            prediction with `top_k`).
        top_k: Only the k highest predictions of each sample count. Defaults to `None`.
        class_id: Only this class (last axis) counts. Defaults to `None`.
        name: Defaults to `"precision"` (then `"precision_1"`, ...).
    """

    def result(self):
        return self._finish(_divide_no_nan(self.true_positives,
                                           self.true_positives + self.false_positives))


class Recall(_ThresholdMetric):
    """`true_positives / (true_positives + false_negatives)`, a prediction
    being positive when it exceeds the threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]`. Defaults to `None` (0.5).
        top_k: Only the k highest predictions of each sample count. Defaults to `None`.
        class_id: Only this class (last axis) counts. Defaults to `None`.
        name: Defaults to `"recall"` (then `"recall_1"`, ...).
    """

    def result(self):
        return self._finish(_divide_no_nan(self.true_positives,
                                           self.true_positives + self.false_negatives))


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = {"interpolation": "interpolation", "majoring": "majoring",
               "minoring": "minoring"}


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from confusion counts at
    `num_thresholds` thresholds summed with Keras's Riemann rule.

    With the default thresholds `[-eps, 1/(T-1), ..., (T-2)/(T-1), 1+eps]` a
    prediction p (clipped to [0, 1]) falls in bucket `max(ceil(p*(T-1)) - 1, 0)`
    and counts at every threshold up to its bucket, exactly as Keras buckets it.
    ROC: `sum((fpr[i] - fpr[i+1]) * (tpr[i] + tpr[i+1]) / 2)`; PR with
    interpolation uses Davis & Goadrich's formula as Keras does.

    Args:
        num_thresholds: Defaults to `200`.
        curve: `"ROC"`, `"PR"` or `"PRGAIN"`. Defaults to `"ROC"`.
        summation_method: `"interpolation"`, `"minoring"` or `"majoring"`.
            Defaults to `"interpolation"`.
        name: Defaults to `"auc"` (then `"auc_1"`, ...).
        thresholds: Explicit thresholds in `[0, 1]` (then `num_thresholds` is
            `len(thresholds) + 2`). Defaults to `None`.
        multi_label: Only `False` is supported. Defaults to `False`.
        from_logits: Apply a sigmoid to y_pred first. Defaults to `False`.
    """

    additive_attributes = ("true_positives", "false_positives", "true_negatives",
                           "false_negatives")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        if str(curve).lower() not in _CURVES:
            raise ValueError('Invalid `curve` argument value "%s". Expected one of: %s'
                             % (curve, list(_CURVES.values())))
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError('Invalid `summation_method` argument value "%s". Expected one '
                             'of: %s' % (summation_method, list(_SUMMATIONS)))
        if multi_label or label_weights is not None:
            raise NotImplementedError("AUC with multi_label=True or label_weights is not "
                                      "supported yet")
        super().__init__(name=name or auto_name("AUC"), dtype=dtype)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 "Received: num_thresholds=%s" % (num_thresholds,))
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = [0.0 - _EPSILON] + inner + [1.0 + _EPSILON]
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = _SUMMATIONS[str(summation_method).lower()]
        self.multi_label, self.num_labels, self.label_weights = False, num_labels, None
        self.from_logits = from_logits
        self.reset_state()

    def reset_state(self):
        n = self.num_thresholds
        self.true_positives, self.false_positives = np.zeros(n), np.zeros(n)
        self.true_negatives, self.false_negatives = np.zeros(n), np.zeros(n)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=np.float32)
        if self.from_logits:
            y_pred = (1.0 / (1.0 + np.exp(-y_pred.astype(np.float64)))).astype(np.float32)
        p, labels, w = _prepare(y_true, y_pred, sample_weight)
        if self._init_from_thresholds:
            tp, fp, fn, tn = confusion_counts(self.thresholds, p, labels, w)
        else:
            # Keras's bucketed update for evenly spaced thresholds (float32)
            q = np.clip(p, np.float32(0), np.float32(1))
            bucket = np.ceil(q * np.float32(self.num_thresholds - 1)) - np.float32(1)
            index = np.maximum(bucket, 0).astype(np.int64) + 1   # thresholds exceeded
            tp, fp = _counts_above(index, labels, w, self.num_thresholds)
            fn = float(np.dot(w, labels)) - tp
            tn = float(np.dot(w, ~labels)) - fp
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += fn
        self.true_negatives += tn

    def _interpolate_pr_auc(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0),
                         _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return float(np.sum(_divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                           np.maximum(tp[1:] + fn[1:], 0))))

    def value(self):
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:
            scale = _divide_no_nan(tp + fn, tn + fp)
            recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * _divide_no_nan(fn, tp))
            x = np.maximum(recall_gain, 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * _divide_no_nan(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def result(self):
        return np.float32(self.value())

    def get_config(self):
        config = super().get_config()
        config.update({"num_thresholds": self.num_thresholds, "curve": self.curve,
                       "summation_method": self.summation_method,
                       "multi_label": self.multi_label, "num_labels": self.num_labels,
                       "label_weights": self.label_weights, "from_logits": self.from_logits})
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
