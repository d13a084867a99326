"""Regression metrics: mean squared, mean absolute, root mean squared,
mean absolute percentage and mean squared logarithmic error, log-cosh error
and cosine similarity."""
import numpy as np

from nnlite.losses.losses import (cosine_similarity, log_cosh, mean_absolute_error,
                                  mean_absolute_percentage_error, mean_squared_error,
                                  mean_squared_logarithmic_error)
from nnlite.metrics.metric import Mean, MeanMetricWrapper, squeeze_to_same_rank


class MeanSquaredError(MeanMetricWrapper):
    """Mean of `square(y_true - y_pred)` over all samples seen.

    Args:
        name: Defaults to `"mean_squared_error"`.
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of `abs(y_true - y_pred)` over all samples seen.

    Args:
        name: Defaults to `"mean_absolute_error"`.
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean of `100 * abs((y_true - y_pred) / y_true)` over all samples seen.

    Args:
        name: Defaults to `"mean_absolute_percentage_error"`.
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean of `square(log(y_true + 1) - log(y_pred + 1))` over all samples seen.

    Args:
        name: Defaults to `"mean_squared_logarithmic_error"`.
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """`sqrt(mean(square(y_pred - y_true)))` over all values seen (the mean is
    accumulated, the root taken in `result()`).

    Args:
        name: Defaults to `"root_mean_squared_error"`.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=np.float64)
        y_true = np.asarray(y_true, dtype=np.float64)
        y_true, y_pred = squeeze_to_same_rank(y_true, y_pred)
        if y_true.shape != y_pred.shape:
            raise ValueError("root_mean_squared_error: y_true.shape=%s does not match "
                             "y_pred.shape=%s" % (y_true.shape, y_pred.shape))
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def value(self):
        return float(np.sqrt(super().value()))


class LogCoshError(MeanMetricWrapper):
    """Mean of `log(cosh(y_pred - y_true))` over all samples seen.

    Args:
        name: Defaults to `"logcosh"` (Keras's name for this metric).
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


def _cosine(y_true, y_pred, axis=-1):
    """Per sample cosine similarity (positive: 1 for parallel vectors)."""
    return -cosine_similarity(y_true, y_pred, axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity `sum(l2_norm(y_true) * l2_norm(y_pred))` over
    samples; unlike the loss of the same name it is positive (1 = same direction).

    Args:
        name: Defaults to `"cosine_similarity"`.
        axis: Only `-1` is supported. Defaults to `-1`.
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        if axis != -1:
            raise NotImplementedError("Only axis=-1 is supported. Received: axis=%r" % (axis,))
        super().__init__(_cosine, name=name, dtype=dtype)
        self.axis = axis
