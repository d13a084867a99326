"""CategoryEncoding: one-hot, multi-hot or count encoding of integer tokens."""
import numpy as np

from nnlite.layers.preprocessing.preprocessing_utils import (
    DataLayer, as_output, categorical_output_shape, encode_categorical, to_numpy)


class CategoryEncoding(DataLayer):
    """Encodes integer tokens in `[0, num_tokens)` as dense vectors.

    `"one_hot"`: one vector per token (a trailing axis of size 1 is
    replaced); `"multi_hot"`: one vector per sample, 1 where a token occurs;
    `"count"`: how often each token occurs (weighted by `count_weights`).
    Outputs are in the layer's float dtype.

    Args:
        num_tokens: The number of tokens (the output's last size).
        output_mode: `"one_hot"`, `"multi_hot"` or `"count"`. Defaults to `"multi_hot"`.
        sparse: Only `False`. Defaults to `False`.

    Example:

    >>> CategoryEncoding(num_tokens=4, output_mode="count")(np.array([[0, 1], [3, 3]]))
    [[1., 1., 0., 0.], [0., 0., 0., 2.]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError("Unknown arg for output_mode: %s" % (output_mode,))
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of "
                             "tokens is not known beforehand, use the IntegerLookup layer "
                             "instead.")
        if num_tokens < 1:
            raise ValueError("`num_tokens` must be >= 1. Received: num_tokens=%s."
                             % (num_tokens,))
        if sparse:
            raise NotImplementedError("CategoryEncoding(sparse=True) is not supported by "
                                      "nnlite.")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    def call(self, inputs, count_weights=None):
        x = to_numpy(inputs)
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("`count_weights` is not used when `output_mode` is not "
                                 "`'count'`. Received `count_weights=%s`." % (count_weights,))
            return as_output(self._weighted_count(x, to_numpy(count_weights)))
        return as_output(encode_categorical(x.astype(np.int64), self.output_mode,
                                            self.num_tokens, self.dtype))

    def _weighted_count(self, x, weights):
        x = np.atleast_1d(x).astype(np.int64)
        weights = np.broadcast_to(weights, x.shape).astype(self.dtype)
        rows, w = x.reshape(-1, x.shape[-1]), weights.reshape(-1, x.shape[-1])
        out = np.zeros((rows.shape[0], self.num_tokens), self.dtype)
        valid = (rows >= 0) & (rows < self.num_tokens)
        r = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)
        np.add.at(out, (r[valid], rows[valid]), w[valid])
        return out.reshape(x.shape[:-1] + (self.num_tokens,))

    def compute_output_shape(self, input_shape):
        return categorical_output_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
