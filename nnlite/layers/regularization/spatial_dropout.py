"""SpatialDropout1D/2D: dropout of whole channels (feature maps)."""
from nnlite.layers.dropout import Dropout
from nnlite.layers.rank_check import check_ndim
from nnlite.ops.pooling import standardize_data_format


class BaseSpatialDropout(Dropout):
    """Dropout with one draw per (sample, channel), shared by all spatial
    positions: a kept channel is scaled by `1 / (1 - rate)`, a dropped one is
    all zeros. Training only; the identity at inference. Keys are drawn as
    `Dropout` draws them (the layer's seeded generator, else the global one).
    """

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def call(self, inputs, training=False):
        check_ndim(self, inputs.shape, self._ndim)
        return super().call(inputs, training=training)

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, self._ndim)
        return tuple(input_shape)

    def get_config(self):
        # Keras's SpatialDropout config: no trainable, no noise_shape, and the
        # dtype as a plain name ("float32"), not a DTypePolicy dict
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout1D(BaseSpatialDropout):
    """Spatial 1-D dropout: drops entire features of `(batch, steps, features)`
    (noise shape `(batch, 1, features)`), for adjacent steps that are strongly
    correlated, where plain dropout barely regularizes.

    Args:
        rate: Fraction of the features to drop, in `[0, 1]`.
        seed: Integer seed. Defaults to `None` (the global generator).

    Input shape: 3-D. Output shape: the same.

    Example:

    >>> y = SpatialDropout1D(0.5, seed=1)(np.ones((2, 4, 3)), training=True)
    >>> bool((y.numpy() == y.numpy()[:, :1]).all())   # the same on every step
    True
    """

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self._ndim = 3
        self.noise_shape = (None, 1, None)


class SpatialDropout2D(BaseSpatialDropout):
    """Spatial 2-D dropout: drops entire channels (feature maps) of an image
    batch (noise shape `(batch, 1, 1, channels)`, or `(batch, channels, 1, 1)`
    channels-first).

    Args:
        rate: Fraction of the channels to drop, in `[0, 1]`.
        data_format: `"channels_last"` `(batch, height, width, channels)` or
            `"channels_first"` `(batch, channels, height, width)`. Defaults to
            `None` (`"channels_last"`).
        seed: Integer seed. Defaults to `None` (the global generator).

    Input shape: 4-D. Output shape: the same.

    Example:

    >>> SpatialDropout2D(0.5)(np.ones((2, 5, 5, 8))).shape   # inference: identity
    (2, 5, 5, 8)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = standardize_data_format(data_format)
        self._ndim = 4
        self.noise_shape = (None, None, 1, 1) if self.data_format == "channels_first" \
            else (None, 1, 1, None)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
