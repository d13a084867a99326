"""Discretization: buckets continuous values by boundaries."""
import numpy as np

from nnlite.layers.preprocessing.preprocessing_utils import (
    DataLayer, as_output, batches_of, categorical_output_shape, encode_categorical, to_numpy,
    validate_string_arg)


class Discretization(DataLayer):
    """Maps each value to the index of its bucket: with boundaries
    `[b0, b1, ...]`, bucket 0 is `x < b0`, bucket `i` is `b(i-1) <= x < bi`.

    Boundaries are given (`bin_boundaries`) or learned by `adapt(data)` as
    `num_bins` quantiles, with Keras's approximate quantile summary (values
    sorted and sampled every `epsilon * n`, merged batch by batch, then
    interpolated on the cumulative weights).

    Args:
        bin_boundaries: Sorted list of boundaries. Defaults to `None`.
        num_bins: Number of buckets to learn with `adapt`. Defaults to `None`.
        epsilon: Error tolerance of the quantile summary. Defaults to `0.01`.
        output_mode: `"int"` (int32 bucket indices), `"one_hot"`,
            `"multi_hot"` or `"count"` (float). Defaults to `"int"`.
        sparse: Only `False`. Defaults to `False`.

    Example:

    >>> Discretization(bin_boundaries=[0., 1., 2.])(np.array([[-1.5, 1.0, 3.4]]))
    [[0, 2, 3]]
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise NotImplementedError("Discretization(sparse=True) is not supported by nnlite.")
        validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count"),
                            "Discretization", "output_mode")
        if num_bins is not None and num_bins < 0:
            raise ValueError("`num_bins` must be greater than or equal to 0. Received: "
                             "`num_bins=%s`" % num_bins)
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. "
                             "Received: `num_bins=%s` and `bin_boundaries=%s`"
                             % (num_bins, bin_boundaries))
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")

    @property
    def output_dtype(self):
        return "int32" if self.output_mode == "int" else self.dtype

    def adapt(self, data, steps=None):
        """Learns `num_bins` quantile boundaries from an array or an iterable
        of batches."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized "
                             "with `bin_boundaries`, use `num_bins` instead.")
        self.summary = np.array([[], []], dtype="float32")
        for batch in batches_of(data, steps):
            values = to_numpy(batch).astype("float32")
            self.summary = _merge_summaries(_summarize(values, self.epsilon), self.summary,
                                            self.epsilon)
        self.bin_boundaries = _compress_summary(self.summary, 1.0 / self.num_bins)[0, :-1] \
            .tolist()

    def build(self, input_shape):
        self._build_input_shape = tuple(input_shape)

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at "
                             "construction time or call `adapt(dataset)` before you can "
                             "start using the `Discretization` layer.")
        x = to_numpy(inputs).astype(self.dtype)
        indices = np.digitize(x, np.asarray(self.bin_boundaries, dtype=self.dtype))
        return as_output(encode_categorical(indices, self.output_mode,
                                            len(self.bin_boundaries) + 1, self.output_dtype))

    def compute_output_shape(self, input_shape):
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None \
            else self.num_bins
        return categorical_output_shape(input_shape, self.output_mode, depth)

    def get_build_config(self):
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": list(shape)}

    def build_from_config(self, config):
        if config and "input_shape" in config:
            self._build_input_shape = tuple(config["input_shape"])
        self.built = True

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        from nnlite.saving.serialization_lib import deserialize_dtype
        if config.get("dtype") is not None:
            config["dtype"] = deserialize_dtype(config["dtype"])
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)


def _summarize(values, epsilon):
    """Keras's summary of one batch: every `max(n * epsilon, 1)`-th sorted
    value, each weighted by that step."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge_summaries(prev, nxt, epsilon):
    merged = np.concatenate((prev, nxt), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    """Interpolates the summary at the cumulative-weight fractions
    `epsilon, 2 * epsilon, ...`; a summary of fewer than `1 / epsilon`
    points is returned as is."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_percents, summary[0])
    cum_weights = np.interp(percents, cum_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")
