"""Minimum: the elementwise minimum of a list of inputs."""
from nnlite.layers.merging.base_merge import Merge


class Minimum(Merge):
    """The elementwise minimum of a list of inputs: `y = min(x1, x2, ...)`.

    Takes a list of tensors whose non-batch dimensions broadcast.

    Example:

    >>> y = Minimum()([Input((4,)), Input((4,))])     # shape (None, 4)
    """

    def _merge_function(self, inputs):
        from nnlite import ops
        return self._merge_with_masks(ops.minimum, inputs)


def minimum(inputs, **kwargs):
    """Functional interface to the `Minimum` layer: `Minimum(**kwargs)(inputs)`.

    Args:
        inputs: A list of input tensors with compatible shapes.
        **kwargs: Standard layer keyword arguments.
    """
    return Minimum(**kwargs)(inputs)
