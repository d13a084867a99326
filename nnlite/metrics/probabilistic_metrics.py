"""Probabilistic metrics: the mean of a loss over all samples seen."""
from nnlite.losses.losses import (binary_crossentropy, categorical_crossentropy, kl_divergence,
                                  poisson, sparse_categorical_crossentropy)
from nnlite.metrics.metric import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy between labels and predictions.

    Args:
        name: Defaults to `"binary_crossentropy"`.
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        label_smoothing: Labels become `t * (1 - s) + 0.5 * s`. Defaults to `0`.
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy between one-hot labels and predictions.

    Args:
        name: Defaults to `"categorical_crossentropy"`.
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        label_smoothing: Defaults to `0`.
        axis: Defaults to `-1`.
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy between integer labels and predictions.

    Args:
        name: Defaults to `"sparse_categorical_crossentropy"`.
        from_logits: Whether y_pred holds logits. Defaults to `False`.
        ignore_class: Only `None` is supported. Defaults to `None`.
        axis: Defaults to `-1`.
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence `sum(t * log(t / p))` over samples.

    Args:
        name: Defaults to `"kl_divergence"`.
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Mean Poisson loss `y_pred - y_true * log(y_pred + epsilon)` over samples.

    Args:
        name: Defaults to `"poisson"`.
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name=name, dtype=dtype)
