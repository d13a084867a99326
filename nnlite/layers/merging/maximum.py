"""Maximum: the elementwise maximum of a list of inputs."""
from nnlite.layers.merging.base_merge import Merge


class Maximum(Merge):
    """The elementwise maximum of a list of inputs: `y = max(x1, x2, ...)`.

    Takes a list of tensors whose non-batch dimensions broadcast.

    Example:

    >>> y = Maximum()([Input((4,)), Input((4,))])     # shape (None, 4)
    """

    def _merge_function(self, inputs):
        from nnlite import ops
        return self._merge_with_masks(ops.maximum, inputs)


def maximum(inputs, **kwargs):
    """Functional interface to the `Maximum` layer: `Maximum(**kwargs)(inputs)`.

    Args:
        inputs: A list of input tensors with compatible shapes.
        **kwargs: Standard layer keyword arguments.
    """
    return Maximum(**kwargs)(inputs)
