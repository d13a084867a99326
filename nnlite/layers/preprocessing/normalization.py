"""Normalization: shifts and scales features by a mean and variance."""
import math

import numpy as np

from nnlite import config as nl_config
from nnlite.backend.tensor import Tensor, is_tensor
from nnlite.layers.layer import Layer
from nnlite.layers.preprocessing.preprocessing_utils import to_numpy
from nnlite.ops import numpy as nops


class Normalization(Layer):
    """Normalizes each feature: `(x - mean) / max(sqrt(var), epsilon)`.

    The mean and variance are given (`mean=`, `variance=`) or learned by
    `adapt(data)`: per position along `axis`, the mean and the population
    (biased) variance over every other axis. `epsilon` is the backend's
    (`1e-7`), so a constant feature is multiplied by `1e7`. With
    `invert=True` the layer undoes it: `mean + x * max(sqrt(var), epsilon)`.
    An un-adapted layer holds mean 0 and variance 1 (the identity), as Keras.

    Args:
        axis: Integer, tuple of integers, or `None`: the axes that keep
            their own mean and variance (`None`: one scalar mean). Defaults to `-1`.
        mean: The mean to use (broadcast against the kept axes). Defaults to `None`.
        variance: The variance to use, with `mean`. Defaults to `None`.
        invert: Apply the inverse transformation. Defaults to `False`.

    Input shape: any with the kept axes known. Output shape: the input's.

    Example:

    >>> layer = Normalization(axis=None)
    >>> layer.adapt(np.array([1., 2., 3.]))
    >>> layer(np.array([[1., 2., 3.]]))
    [[-1.2247, 0., 1.2247]]
    """

    supports_masking = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self._given_stats = None       # (mean, variance) Tensors from `mean=`/`variance=`
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must "
                             "be set. Received: mean=%s and variance=%s" % (mean, variance))
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must "
                                 "have the same shape. Received: mean shape %s and variance "
                                 "shape %s" % (np.shape(mean), np.shape(variance)))
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError("The rank of `mean` must be less than or equal to the number "
                                 "of axes (%d). Received: mean shape %s for axis %s"
                                 % (len(self.axis), np.shape(mean), self.axis))

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Received "
                             "inputs with ndim=%d, while axis=%s" % (ndim, self.axis))
        self._keep_axis = tuple(sorted(d if d >= 0 else d + ndim for d in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError("All `axis` values to be kept must have a known shape. "
                                 "Received axis=%s, inputs.shape=%s, with unknown axis at "
                                 "index %d" % (self.axis, input_shape, d))
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1
                                      for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance",
                                                  shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
        else:
            mean = np.asarray(self.input_mean, dtype=np.float64)
            variance = np.asarray(self.input_variance, dtype=np.float64)
            if mean.ndim:
                expanded = [1] * ndim
                for i in range(1, mean.ndim + 1):
                    expanded[self._keep_axis[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(expanded), variance.reshape(expanded)
            self._given_stats = tuple(
                Tensor(np.broadcast_to(v, self._broadcast_shape).astype(self.dtype))
                for v in (mean, variance))
        self.built = True

    def adapt(self, data):
        """Computes the mean and variance of `data`: a NumPy array (or
        Tensor), or an iterable of batches (merged batch by batch with
        Chan's parallel update, as Keras)."""
        if isinstance(data, np.ndarray) or is_tensor(data):
            arrays, input_shape = None, tuple(data.shape)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes)):
            arrays = [to_numpy(b[0] if isinstance(b, tuple) else b) for b in data]
            if not arrays:
                raise ValueError("adapt() received an empty iterable (no batches). Expected "
                                 "at least one batch. Pass a non-empty iterable of arrays or "
                                 "tensors, e.g. layer.adapt([x]) or "
                                 "layer.adapt(list_of_batches).")
            input_shape = tuple(arrays[0].shape)
        else:
            raise TypeError("Unsupported data type: %s. `adapt` supports `np.ndarray`, "
                            "backend tensors and iterables of batches (e.g. list, "
                            "generator)." % type(data))
        if self.input_mean is not None:
            raise ValueError("Cannot adapt a Normalization layer given `mean` and `variance`.")
        if not self.built:
            self._maybe_build(input_shape)
        else:
            for d in self._keep_axis:
                if input_shape[d] != self._build_input_shape[d]:
                    raise ValueError("The layer was built with input_shape=%s, but adapt() is "
                                     "being called with data with an incompatible shape, "
                                     "data.shape=%s" % (self._build_input_shape, input_shape))
        self._build_input_shape = input_shape
        if arrays is None:
            x = to_numpy(data)
            total_mean = np.mean(x, axis=self._reduce_axis)
            total_var = np.var(x, axis=self._reduce_axis)
        else:
            f32 = np.float32
            total_mean = np.zeros(self._mean_and_var_shape, f32)
            total_var = np.zeros(self._mean_and_var_shape, f32)
            total_count = 0
            for batch in arrays:
                batch = np.asarray(batch, dtype=self.dtype)
                for d in self._keep_axis:
                    if batch.shape[d] != self._build_input_shape[d]:
                        raise ValueError("adapt() yielded a batch with incompatible shape. "
                                         "Expected %s, got %s."
                                         % (self._build_input_shape, tuple(batch.shape)))
                batch_mean = np.mean(batch, axis=self._reduce_axis)
                batch_var = np.var(batch, axis=self._reduce_axis)
                batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
                total_count += batch_count
                w = f32(float(batch_count) / total_count)
                existing = f32(1.0) - w
                new_mean = total_mean * existing + batch_mean * w
                total_var = (total_var + (total_mean - new_mean) ** 2) * existing + \
                    (batch_var + (batch_mean - new_mean) ** 2) * w
                total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.dtype))

    @property
    def mean(self):
        """The mean the layer subtracts, in the input's rank (the reduced axes
        of size 1), as Keras's `layer.mean`: the adapted (or loaded) statistics,
        or the given `mean`. `None` before the layer is built."""
        return self._stat(0)

    @property
    def variance(self):
        """The variance the layer divides by (its square root), shaped as `mean`;
        `None` before the layer is built."""
        return self._stat(1)

    def _stat(self, which):
        if self._given_stats is not None:
            return self._given_stats[which]
        if getattr(self, "adapt_mean", None) is None:
            return None
        # read from the weights on each use, so adapt, set_weights and
        # loading a saved model all show through
        return nops.reshape((self.adapt_mean, self.adapt_variance)[which],
                            self._broadcast_shape)

    def call(self, inputs):
        mean, variance = self.mean, self.variance
        scale = nops.maximum(nops.sqrt(variance), nl_config.epsilon())
        if self.invert:
            return nops.add(mean, nops.multiply(inputs, scale))
        return nops.divide(nops.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": list(self.axis), "invert": self.invert,
                       "mean": np.array(self.input_mean).tolist(),
                       "variance": np.array(self.input_variance).tolist()})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("mean", "variance"):    # Keras writes `null` for none given
            if config.get(key) is None:
                config[key] = None
        return super().from_config(config)

    def get_build_config(self):
        shape = getattr(self, "_build_input_shape", None)
        if shape:
            return {"input_shape": list(shape)}
        return None

    def build_from_config(self, config):
        if config:
            self._maybe_build(tuple(config["input_shape"]))
