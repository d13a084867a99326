"""Dropout: zeroes a random fraction of the inputs during training."""
import numpy as np

from nnlite import _core
from nnlite.backend.random import global_rng, make_rng
from nnlite.layers.layer import Layer
from nnlite.ops import fused
from nnlite.utils.legacy import warn_deprecated


class Dropout(Layer):
    """Inverted dropout.

    In training each input is kept with probability `1 - rate` and scaled by
    `1 / (1 - rate)`, so the expected value is unchanged; the others become 0.
    At inference the layer is the identity. Each training call draws one
    64-bit key from the layer's NumPy Generator; the C core derives the mask
    from it (a counter-based generator, see `nnlite._core.dropout_mask`), so
    the compiled training plan reproduces the same masks.

    Args:
        rate: Fraction of the inputs to drop, in `[0, 1]`.
        noise_shape: Shape of the mask, broadcast against the input (`None`
            entries take the input's size), e.g. `(batch, 1, features)` to drop
            whole features for every step. Defaults to `None` (the input's shape).
        seed: Integer seed: a seeded layer draws the same masks run after run.
            Unseeded layers draw from the global generator that
            `nnlite.utils.set_random_seed` seeds. Defaults to `None`.

    The Keras 2 spelling `Dropout(p=0.5)` is accepted with a FutureWarning.

    Example:

    >>> Dropout(0.5, seed=1)(np.ones((1, 8)), training=True)  # doctest: +SKIP
    array([[2., 0., 0., 0., 2., 0., 0., 2.]])
    """

    supports_masking = True

    def __init__(self, rate=None, noise_shape=None, seed=None, **kwargs):
        if "p" in kwargs:
            warn_deprecated("Dropout(p=...)", "Dropout(rate=...)")
            rate = kwargs.pop("p")
        if rate is None:
            raise TypeError("Dropout() missing 1 required positional argument: 'rate'")
        super().__init__(**kwargs)
        if (isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating))
                or not 0 <= rate <= 1):
            raise ValueError("Invalid value received for argument `rate`. Expected a float "
                             "value between 0 and 1. Received: rate=%r" % (rate,))
        self.rate = rate
        self.seed = seed
        self.noise_shape = self._validate_noise_shape(noise_shape)
        self._rng = make_rng(seed) if seed is not None else None
        self.built = True

    @staticmethod
    def _validate_noise_shape(noise_shape):
        if noise_shape is None:
            return None
        if isinstance(noise_shape, str):
            raise ValueError("Invalid value received for argument `noise_shape`. Expected a "
                             "tuple or list of integers. Received: noise_shape=%s" % noise_shape)
        try:
            noise_shape = tuple(noise_shape)
        except TypeError:
            raise ValueError("Invalid value received for argument `noise_shape`. Expected an "
                             "iterable of integers (e.g., a tuple or list). Received: "
                             "noise_shape=%r" % (noise_shape,)) from None
        for i, dim in enumerate(noise_shape):
            if dim is not None and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer))
                                    or dim <= 0):
                raise ValueError("Invalid value received for argument `noise_shape`. Expected "
                                 "all dimensions to be positive integers or None. Received "
                                 "element at index %d: %r" % (i, dim))
        return noise_shape

    def draw_key(self):
        """The 64-bit key of one training call's mask, drawn from the layer's
        generator (the global one when unseeded). The compiled plan draws its
        keys through this too, in the order the layer path would."""
        rng = self._rng if self._rng is not None else global_rng()
        return int(rng.integers(0, 2 ** 64, dtype=np.uint64))

    def _noise_shape_for(self, x):
        if len(self.noise_shape) != x.ndim:
            raise ValueError("noise_shape %s must have the input's rank %d"
                             % (self.noise_shape, x.ndim))
        shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        if any(d not in (1, n) for d, n in zip(shape, x.shape)):
            raise ValueError("noise_shape %s of layer '%s' does not broadcast to its input of "
                             "shape %s: each entry must be None, 1 or the input's size"
                             % (self.noise_shape, self.name, tuple(x.shape)))
        return shape

    def _mask_for(self, x, key):
        """A multiplier array of the noise shape: 0 where dropped, 1/(1-rate) where kept."""
        shape = self._noise_shape_for(x)
        if x.dtype in (np.float32, np.float64):
            return _core.dropout_mask(shape, x.dtype, key, self.rate)
        kept = _core.dropout_mask(shape, np.float64, key, self.rate) != 0
        scale = 0.0 if self.rate >= 1 else 1.0 / (1.0 - self.rate)
        return kept.astype(x.dtype) * x.dtype.type(scale)

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        key = self.draw_key()
        if self.noise_shape is None and inputs.dtype in (np.float32, np.float64):
            return fused.dropout(inputs, key, self.rate)
        return fused.dropout(inputs, key, self.rate, mask=self._mask_for(inputs, key))

    def executor_spec(self):
        """What the compiled executor runs for this layer: `{"kind": "dropout",
        "rate", "noise_shape", "seed_generator"}` (the generator its keys come
        from, None for the global one, drawn as `draw_key` draws), or None
        for a subclass that overrides `call` or `draw_key`."""
        cls = type(self)
        if self.activity_regularizer is not None or cls.call is not Dropout.call \
                or cls.draw_key is not Dropout.draw_key or cls.__call__ is not Dropout.__call__:
            return None
        return {"kind": "dropout", "rate": float(self.rate), "noise_shape": self.noise_shape,
                "seed_generator": self._rng}

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
