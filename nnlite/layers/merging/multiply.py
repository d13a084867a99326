"""Multiply: the elementwise product of a list of inputs."""
from nnlite.backend.tensor import set_keras_mask
from nnlite.layers.merging.base_merge import Merge, feature_mask


class Multiply(Merge):
    """Multiplies a list of inputs elementwise: `y = x1 * x2 * ...`.

    Takes a list of tensors whose non-batch dimensions broadcast.

    Example:

    >>> y = Multiply()([Input((4,)), Input((1,))])     # shape (None, 4)
    """

    def _merge_function(self, inputs):
        # as Keras: a masked entry counts as 1; when every input has a mask,
        # entries masked in all of them are 0 and the output carries the OR
        from nnlite import ops
        masks = [feature_mask(x) for x in inputs]
        output = output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                x = ops.where(mask, x, ops.cast(1, x.dtype))
                output_mask = mask if output_mask is None else ops.logical_or(output_mask, mask)
            output = x if output is None else ops.multiply(output, x)
        if all(m is not None for m in masks):
            output = ops.where(output_mask, output, ops.cast(0, output.dtype))
            set_keras_mask(output, ops.any(output_mask, axis=-1))
        return output


def multiply(inputs, **kwargs):
    """Functional interface to the `Multiply` layer: `Multiply(**kwargs)(inputs)`.

    Args:
        inputs: A list of input tensors with compatible shapes.
        **kwargs: Standard layer keyword arguments.
    """
    return Multiply(**kwargs)(inputs)
