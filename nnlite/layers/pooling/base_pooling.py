"""The shared part of MaxPooling1D/2D and AveragePooling1D/2D."""
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.ops import pooling


class BasePooling(Layer):
    """A pooling layer over `pool_dimensions` spatial axes: validates the
    arguments and calls `nnlite.ops.max_pool` or `nnlite.ops.average_pool`.

    Args:
        pool_size: Int or tuple of `pool_dimensions` positive ints.
        strides: Int, tuple or None (`pool_size`).
        pool_dimensions: 1 or 2.
        pool_mode: `"max"` or `"average"`.
        padding: `"valid"` or `"same"` (case-insensitive).
        data_format: `"channels_last"`, `"channels_first"` or None (the image
            data format).
    """

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid",
                 data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = pooling.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = pooling.standardize_tuple(strides, pool_dimensions, "strides")
        if pool_mode not in ("max", "average"):
            raise ValueError("`pool_mode` must be either 'max' or 'average'. Received: %r"
                             % (pool_mode,))
        self.pool_mode = pool_mode
        self.padding = pooling.standardize_padding(padding)
        self.data_format = pooling.standardize_data_format(data_format)
        self._ndim = pool_dimensions + 2
        self.built = True

    def call(self, inputs):
        check_ndim(self, inputs.shape, self._ndim)
        op = pooling.max_pool if self.pool_mode == "max" else pooling.average_pool
        return op(inputs, pool_size=self.pool_size, strides=self.strides,
                  padding=self.padding, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, self._ndim)
        return pooling.pooling_output_shape(input_shape, self.pool_size, self.strides,
                                            self.padding, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding,
                       "strides": self.strides, "data_format": self.data_format})
        return config
