"""Metric base classes: Metric, Mean and MeanMetricWrapper."""
import numpy as np

from nnlite import initializers
from nnlite.backend.naming import to_snake_case
from nnlite.backend.variable import Variable


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
        self._variables = []

    # -- state variables (Keras 3's Metric API) ----------------------------------
    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state variable of `shape` filled by
        `initializer`, as Keras 3. `update_state` changes it with `assign`,
        `assign_add` or `assign_sub`; `reset_state` sets it back to zeros.

        Args:
            shape: The variable's shape (`()` for a scalar counter).
            initializer: An initializer or its name (`"zeros"`).
            dtype: Defaults to the metric's dtype.
            aggregation: Accepted for Keras compatibility (how replicas would
                combine the variable); nnlite runs one replica. Defaults to `"sum"`.
            name: Defaults to `"variable"`.

        Example:

        >>> self.true_positives = self.add_variable(shape=(), initializer="zeros",
        ...                                         name="true_positives")
        """
        if "_variables" not in self.__dict__:
            raise RuntimeError("You forgot to call `super().__init__()` in the `__init__()` "
                               "method. Go add it!")
        if isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        shape = tuple(int(d) for d in (shape or ()))
        variable = Variable(initializers.get(initializer), shape=shape,
                            dtype=dtype or self.dtype, trainable=False,
                            name=name or "variable")
        variable.path = "%s/%s" % (self.name, variable.name)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """As `add_variable` (Keras's older spelling); `initializer`
        defaults to `"zeros"`."""
        return self.add_variable(shape=shape,
                                 initializer="zeros" if initializer is None else initializer,
                                 dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables: this metric's, in creation order, then those
        of the metrics it holds as attributes."""
        out = list(self.__dict__.get("_variables", ()))
        for value in vars(self).values():
            if isinstance(value, Metric) and value is not self:
                out.extend(v for v in value.variables if all(v is not o for o in out))
        return out

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        """Sets every state variable back to zeros (Keras 3's default)."""
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    # -- state that adds up over shards of the data ----------------------------
    #: Names of plain attributes (floats or arrays) holding state that adds up.
    additive_attributes = ()

    def additive_state(self):
        """The state as a list of float64 arrays that add up over shards of
        the data: summed over replicas that each saw one shard, it is the
        state of one metric that saw all of it (how data-parallel training
        reports the global batch's result). The attributes named in
        `additive_attributes`, then the state variables (Keras's
        `aggregation="sum"`)."""
        return [np.array(getattr(self, a), dtype=np.float64) for a in self.additive_attributes] \
            + [np.array(v.value, dtype=np.float64) for v in self.variables]

    def assign_additive_state(self, values):
        """Sets the state from a list shaped as `additive_state()` returns it."""
        values = list(values)
        names = self.additive_attributes
        if len(values) != len(names) + len(self.variables):
            raise ValueError("%s holds %d state arrays. Received: %d"
                             % (self.name, len(names) + len(self.variables), len(values)))
        for name, value in zip(names, values):
            old = getattr(self, name)
            setattr(self, name, float(value) if isinstance(old, float)
                    else np.array(value, dtype=np.asarray(old).dtype).reshape(np.shape(old)))
        for variable, value in zip(self.variables, values[len(names):]):
            variable.value[...] = np.reshape(value, variable.shape)

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

    additive_attributes = ("total", "count")

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
