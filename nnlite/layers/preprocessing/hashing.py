"""Hashing: hashes strings or integers into a fixed number of bins."""
import numpy as np

from nnlite import config as nl_config
from nnlite.layers.preprocessing.preprocessing_utils import (
    DataLayer, as_output, categorical_output_shape, encode_categorical, to_numpy)
from nnlite.layers.preprocessing.string_hash import hash_buckets


class Hashing(DataLayer):
    """Maps each value to `hash(value) % num_bins`, as Keras on TensorFlow:
    FarmHash Fingerprint64 of the value's string form (integers in decimal,
    floats truncated first), or SipHash-2-4 keyed by `salt`.

    With `mask_value`, that value maps to 0 and the others to
    `1 + hash % (num_bins - 1)`.

    Args:
        num_bins: Number of bins (including the mask bin).
        mask_value: A value that maps to bin 0. Defaults to `None`.
        salt: An integer or a pair of integers: use the keyed SipHash.
            Defaults to `None`.
        output_mode: `"int"` (int64 bins), `"one_hot"`, `"multi_hot"` or
            `"count"` (float). Defaults to `"int"`.
        sparse: Only `False`. Defaults to `False`.

    Example:

    >>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"], ["D"], ["E"]]))
    [[1], [0], [1], [1], [2]]
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        dtype = kwargs.pop("dtype", None)
        from nnlite.saving.serialization_lib import deserialize_dtype
        dtype = deserialize_dtype(dtype) if isinstance(dtype, dict) else dtype
        if dtype is None:
            dtype = "int64" if output_mode == "int" else nl_config.floatx()
        dtype = str(np.dtype(getattr(dtype, "name", dtype)))
        super().__init__(dtype=dtype if dtype in ("float32", "float64") else None, **kwargs)
        self.dtype = dtype
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             "values. Received: num_bins=%s." % (num_bins,))
        if output_mode == "int" and dtype not in ("int32", "int64"):
            raise ValueError("When `output_mode=\"int\"`, `dtype` should be an integer type, "
                             "'int32' or 'in64'. Received: dtype=%s" % (dtype,))
        accepted = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in accepted:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of %s. "
                             "Received: output_mode=%s" % (accepted, output_mode))
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `\"one_hot\"`, "
                             "`\"multi_hot\"`, or `\"count\"`. Received: sparse=%s and "
                             "output_mode=%s" % (sparse, output_mode))
        if sparse:
            raise NotImplementedError("Hashing(sparse=True) is not supported by nnlite.")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of "
                                 "size 2 integers, or a single integer. Received: salt=%s."
                                 % (salt,))

    @property
    def output_dtype(self):
        return self.dtype

    def _bins(self, values):
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        out = hash_buckets(values, bins, key=self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs):
        x = to_numpy(inputs)
        if x.dtype.kind == "S":
            x = np.char.decode(x, "utf-8")
        if self.output_mode == "one_hot" and x.ndim and x.shape[-1] == 1:
            x = x[..., 0]
        return as_output(encode_categorical(self._bins(x), self.output_mode, self.num_bins,
                                            self.dtype))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt,
                       "mask_value": self.mask_value, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config
