"""Multiply: the elementwise product of a list of inputs."""
from nnlite.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs elementwise: `y = x1 * x2 * ...`.

    Takes a list of tensors whose non-batch dimensions broadcast.

    Example:

    >>> y = Multiply()([Input((4,)), Input((1,))])     # shape (None, 4)
    """

    def _merge_function(self, inputs):
        from nnlite import ops
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.multiply(output, x)
        return output


def multiply(inputs, **kwargs):
    """Functional interface to the `Multiply` layer: `Multiply(**kwargs)(inputs)`.

    Args:
        inputs: A list of input tensors with compatible shapes.
        **kwargs: Standard layer keyword arguments.
    """
    return Multiply(**kwargs)(inputs)
