"""Masking: marks (and zeroes) the time steps whose features all equal a value."""
from nnlite import ops
from nnlite.backend.tensor import set_keras_mask
from nnlite.layers.layer import Layer


class Masking(Layer):
    """Masks the time steps of a sequence whose features all equal `mask_value`.

    For inputs `x` of shape `(batch, timesteps, features)`:
    `keep = any(x != mask_value, axis=-1)`, the output is `where(keep, x, 0)`
    (masked steps become zeros) and `keep`, of shape `(batch, timesteps)`, is
    the mask the output carries: downstream layers that support masking (RNNs,
    a custom layer's `call(..., mask=None)`) skip the steps where it is False.

    Args:
        mask_value: The value that marks padding: a step is masked when all
            its features equal it. Defaults to `0.0`.

    Input shape:
        Any, with the features on the last axis.

    Output shape:
        Same as the input.

    Example:

    >>> x = np.array([[[1., 2.], [0., 0.], [3., 0.]]])
    >>> y = Masking()(x)
    >>> np.asarray(y._keras_mask)
    array([[ True, False,  True]])
    """

    supports_masking = True
    _keep_int_inputs = True       # Keras masks integer inputs without casting them

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config") is not None:
            # a mask value that Keras saved as a serialized array
            from nnlite.saving.serialization_lib import deserialize_keras_object
            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.built = True

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = ops.where(keep, inputs, 0)
        set_keras_mask(outputs, ops.squeeze(keep, axis=-1))
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
