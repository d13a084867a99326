"""TimeDistributed: one layer applied to every time step of a sequence."""
from nnlite import ops
from nnlite.layers.wrapper import Wrapper


class TimeDistributed(Wrapper):
    """Applies `layer` to every slice `inputs[:, t]` of inputs shaped
    (batch, time, ...), with the same weights at every step.

    The steps run as one call of `layer` on (batch * time, ...) (one GEMM
    for a Dense), which equals Keras's step-by-step loop for every layer
    whose samples do not interact; a layer that does mix the batch in
    training (batch statistics) runs step by step, as in Keras.

    Args:
        layer: A `Layer` instance.

    Input shape: (batch, time, ...) with at least 3 dimensions.
    Output shape: (batch, time) + the layer's output shape per step.

    Example:

    >>> y = TimeDistributed(Dense(8))(np.zeros((32, 10, 16), "float32"))
    >>> y.shape
    (32, 10, 8)
    """

    supports_masking = True

    def _child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with at "
                             "least 3 dimensions, received: %s" % (input_shape,))
        return (input_shape[0],) + tuple(input_shape[2:])

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._child_input_shape(input_shape))
        return (child[0], input_shape[1]) + tuple(child[1:])

    def build(self, input_shape):
        super().build(self._child_input_shape(input_shape))

    def call(self, inputs, training=False, mask=None):
        shape = tuple(inputs.shape)
        if len(shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an input with at least 3 "
                             "dimensions, received: %s" % (shape,))
        batch, steps = shape[0], shape[1]
        kwargs = {"training": training}
        if mask is not None:
            if tuple(mask.shape[:2]) != (batch, steps):
                raise ValueError("The mask of TimeDistributed must start with (batch, time) = "
                                 "%s. Received: %s" % ((batch, steps), tuple(mask.shape)))
        if training and getattr(self.layer, "uses_batch_statistics", False):
            outs = [self.layer(inputs[:, t], training=True,
                               mask=None if mask is None else mask[:, t])
                    for t in range(steps)]
            return ops.stack(outs, axis=1)
        if mask is not None:
            kwargs["mask"] = ops.reshape(mask, (batch * steps,) + tuple(mask.shape[2:]))
        flat = ops.reshape(inputs, (batch * steps,) + shape[2:])
        out = self.layer(flat, **kwargs)
        return ops.reshape(out, (batch, steps) + tuple(out.shape[1:]))
