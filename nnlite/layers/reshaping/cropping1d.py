"""Cropping1D: steps cut from the start and end of a sequence."""
from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.ops.pooling import standardize_tuple


class Cropping1D(Layer):
    """Crops the steps axis of `(batch, steps, features)`.

    Args:
        cropping: Int (the same at both ends) or tuple of 2 ints
            `(start, end)`. Defaults to `(1, 1)`.

    Input shape: 3-D. Output shape: `(batch, steps - start - end, features)`.

    Example:

    >>> Cropping1D((1, 2))(np.arange(5.).reshape(1, 5, 1)).numpy().ravel()
    array([1., 2.], dtype=float32)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.built = True

    def _check_length(self, shape, what):
        if shape[1] is not None and sum(self.cropping) >= shape[1]:
            raise ValueError("`cropping` parameter of `Cropping1D` layer must be smaller than "
                             "the input length. Received: %s=%s, cropping=%s"
                             % (what, tuple(shape), self.cropping))

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, 3)
        self._check_length(input_shape, "input_shape")
        length = None if input_shape[1] is None else input_shape[1] - sum(self.cropping)
        return (input_shape[0], length, input_shape[2])

    def call(self, inputs):
        check_ndim(self, inputs.shape, 3)
        self._check_length(inputs.shape, "inputs.shape")
        start, end = self.cropping
        return ops.get_item(inputs, (slice(None), slice(start, inputs.shape[1] - end)))

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
