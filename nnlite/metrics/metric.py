"""Metric base classes: Metric, Mean and MeanMetricWrapper."""
import numpy as np

from nnlite.backend.naming import to_snake_case


def squeeze_to_same_rank(y_true, y_pred):
    """Drops the trailing axis of size 1 of whichever of `y_true` and `y_pred`
    has one dimension more than the other (labels `(n, 1)` against predictions
    `(n,)` and the reverse), as Keras's metrics do; other shapes are returned
    unchanged."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred.reshape(y_pred.shape[:-1])
    return y_true, y_pred


class Metric:
    """Base class of stateful metrics: `update_state`, `result`, `reset_state`.

    Args:
        name: The metric's name (the key in logs and History).
        dtype: Defaults to `"float32"`.
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or to_snake_case(type(self).__name__)
        self.dtype = dtype or "float32"

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def executor_spec(self):
        """A plain dict telling the compiled executor what the metric counts
        (`{"kind": "categorical_accuracy"}`, ...), or None when it cannot be
        lowered: the base class, and a subclass of a built-in that overrides
        its math. A lowered metric (a `Mean`) receives the executor's sums
        in its `total` and `count`."""
        return None

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return "<%s name=%s>" % (type(self).__name__, self.name)


class Mean(Metric):
    """The (weighted) mean of all values given: `sum(w * v) / sum(w)`."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values = np.asarray(values, dtype=np.float64)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += float(values.size)
        else:
            w = np.asarray(sample_weight, dtype=np.float64)
            while w.ndim > values.ndim and w.shape[-1] == 1:
                w = w.reshape(w.shape[:-1])
            if w.ndim < values.ndim:
                w = w.reshape(w.shape + (1,) * (values.ndim - w.ndim))
            w = np.broadcast_to(w, values.shape)
            self.total += float((values * w).sum())
            self.count += float(w.sum())

    def result(self):
        return np.float32(self.value())

    def value(self):
        """The mean as a Python float, in full (float64) precision."""
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Args:
        fn: A function returning one value per sample.
        name: The metric's name.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config
