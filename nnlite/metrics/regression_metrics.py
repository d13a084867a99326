"""Regression metrics: mean squared and mean absolute error."""
from nnlite.losses.losses import mean_absolute_error, mean_squared_error
from nnlite.metrics.metric import MeanMetricWrapper


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
