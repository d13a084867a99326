"""MonitorCallback: the shared "is this an improvement?" logic of
EarlyStopping, ModelCheckpoint and ReduceLROnPlateau."""
import operator
import warnings

from nnlite.callbacks.callback import Callback


def _metric_direction(metric):
    """"up" or "down" for a compiled metric, or None when unknown."""
    direction = getattr(metric, "_direction", None)
    if direction is not None:
        return direction
    from nnlite.metrics.accuracy_metrics import (BinaryAccuracy, CategoricalAccuracy,
                                                 SparseCategoricalAccuracy)
    if isinstance(metric, (BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy)):
        return "up"
    fn = getattr(metric, "_fn", None)
    if fn is not None and "accuracy" in getattr(fn, "__name__", ""):
        return "up"        # binary_accuracy, ... given as strings wrap these functions
    if fn is not None and getattr(fn, "_nl_kind", None) is not None:
        return "down"      # a wrapped loss function (mse, mae, ...) is minimised
    return None


class MonitorCallback(Callback):
    """Base class for callbacks that watch one value of the epoch logs.

    Args:
        monitor: Name of the value in `logs`. Defaults to `"val_loss"`.
        mode: `"auto"`, `"min"` or `"max"`. In `"auto"` mode a monitor named
            `loss` or `val_loss` is minimised and a compiled metric follows its
            own direction (accuracies are maximised). Defaults to `"auto"`.
        baseline: Initial reference value, or `None`. Defaults to `None`.
        min_delta: Smallest change that counts as an improvement.
            Defaults to `0`.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn("%s mode '%s' is unknown, fallback to auto mode."
                          % (type(self).__name__, mode), stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            if name == "loss":
                self.monitor_op = operator.lt
            for m in getattr(self.model, "_metrics", None) or []:
                if m.name == name:
                    direction = _metric_direction(m)
                    if direction is not None:
                        self.monitor_op = operator.gt if direction == "up" else operator.lt
            if self.monitor_op is None:
                raise ValueError(
                    "%s callback received monitor=%s, but nnlite isn't able to automatically "
                    "determine whether that metric should be maximized or minimized. Pass "
                    "`mode='max'` in order to monitor based on the highest metric value, or "
                    "pass `mode='min'` in order to use the lowest value."
                    % (type(self).__name__, self.monitor))
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
