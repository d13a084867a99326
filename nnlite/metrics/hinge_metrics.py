"""Hinge metrics: the mean hinge, squared hinge and categorical hinge loss."""
from nnlite.losses.losses import categorical_hinge, hinge, squared_hinge
from nnlite.metrics.metric import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Mean of `maximum(1 - y_true * y_pred, 0)` ({0, 1} labels become {-1, 1}).

    Args:
        name: Defaults to `"hinge"`.
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Mean of `square(maximum(1 - y_true * y_pred, 0))`.

    Args:
        name: Defaults to `"squared_hinge"`.
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Mean of `maximum(neg - pos + 1, 0)` over samples.

    Args:
        name: Defaults to `"categorical_hinge"`.
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
