"""Subtract: the difference of exactly two inputs."""
from nnlite.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts two inputs elementwise: `y = x1 - x2`.

    Takes a list of exactly two tensors whose non-batch dimensions broadcast.

    Example:

    >>> x1 = Input((16,)); x2 = Input((16,))
    >>> y = Subtract()([x1, x2])     # shape (None, 16)
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             "Received: input_shape=%s" % (input_shape,))

    def _merge_function(self, inputs):
        from nnlite import ops
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             "Received: inputs=%r" % (inputs,))
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional interface to the `Subtract` layer: `Subtract(**kwargs)(inputs)`.

    Args:
        inputs: A list of exactly two input tensors.
        **kwargs: Standard layer keyword arguments.
    """
    return Subtract(**kwargs)(inputs)
