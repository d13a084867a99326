"""Average: the elementwise mean of a list of inputs."""
from nnlite.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of inputs elementwise: `y = (x1 + ... + xn) / n`.

    Takes a list of tensors whose non-batch dimensions broadcast.

    Example:

    >>> y = Average()([Input((4,)), Input((4,))])     # shape (None, 4)
    """

    def _merge_function(self, inputs):
        from nnlite import ops
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return ops.divide(output, len(inputs))


def average(inputs, **kwargs):
    """Functional interface to the `Average` layer: `Average(**kwargs)(inputs)`.

    Args:
        inputs: A list of input tensors with compatible shapes.
        **kwargs: Standard layer keyword arguments.
    """
    return Average(**kwargs)(inputs)
