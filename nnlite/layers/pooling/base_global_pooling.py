"""The shared part of the global pooling layers."""
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.ops import pooling


class BaseGlobalPooling(Layer):
    """A reduction over all `pool_dimensions` spatial axes, keeping batch and
    channels (and the spatial axes as size 1 with `keepdims`).

    Args:
        pool_dimensions: 1 or 2.
        data_format: `"channels_last"`, `"channels_first"` or None (the image
            data format).
        keepdims: Keep the spatial axes as size 1. Defaults to `False`.
    """

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = pooling.standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self._ndim = pool_dimensions + 2
        self.built = True

    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self._ndim - 2))

    def call(self, inputs):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, self._ndim)
        spatial = self._ndim - 2
        if self.data_format == "channels_last":
            if self.keepdims:
                return (input_shape[0],) + (1,) * spatial + (input_shape[-1],)
            return (input_shape[0], input_shape[-1])
        if self.keepdims:
            return (input_shape[0], input_shape[1]) + (1,) * spatial
        return (input_shape[0], input_shape[1])

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
