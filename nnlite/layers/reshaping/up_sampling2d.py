"""UpSampling2D: an image enlarged by integer factors (nearest or bilinear)."""
from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.ops import image
from nnlite.ops.pooling import standardize_data_format, standardize_tuple

_INTERPOLATIONS = ("nearest", "bilinear")


class UpSampling2D(Layer):
    """Enlarges height and width by `size = (sh, sw)`.

    `"nearest"` repeats each row `sh` times and each column `sw` times.
    `"bilinear"` interpolates with half-pixel centres, as `tf.image.resize`
    (which Keras uses): output row `i` reads input coordinate
    `(i + 0.5) / sh - 0.5`, clamped at the borders, so `[[1, 2], [3, 4]]`
    gives the first row `[1, 1.25, 1.75, 2]`.

    Args:
        size: Int or tuple of 2 positive ints. Defaults to `(2, 2)`.
        data_format: `"channels_last"` `(batch, height, width, channels)` or
            `"channels_first"` `(batch, channels, height, width)`. Defaults to
            `None` (`"channels_last"`).
        interpolation: `"nearest"` or `"bilinear"` (case-insensitive).
            Defaults to `"nearest"`.

    Input shape: 4-D. Output shape: 4-D with `height * sh` rows and
    `width * sw` columns.

    Example:

    >>> UpSampling2D((1, 2))(np.array([[[[1.], [2.]]]])).numpy().ravel()
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        method = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if method not in _INTERPOLATIONS:
            if method in ("bicubic", "lanczos3", "lanczos5", "area"):
                raise NotImplementedError("UpSampling2D(interpolation=%r) is not supported by "
                                          "nnlite yet; use 'nearest' or 'bilinear'."
                                          % (interpolation,))
            raise ValueError("`interpolation` argument should be one of %s. Received: "
                             "interpolation=%r" % (_INTERPOLATIONS, interpolation))
        self.interpolation = method
        self.built = True

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, 4)
        shape = list(input_shape)
        for i in range(2):
            if shape[self._first() + i] is not None:
                shape[self._first() + i] *= self.size[i]
        return tuple(shape)

    def call(self, inputs):
        check_ndim(self, inputs.shape, 4)
        first = self._first()
        if self.interpolation == "nearest":
            x = ops.repeat(inputs, self.size[0], axis=first)
            return ops.repeat(x, self.size[1], axis=first + 1)
        h, w = inputs.shape[first], inputs.shape[first + 1]
        return image.resize(inputs, (h * self.size[0], w * self.size[1]),
                            interpolation="bilinear", data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config
