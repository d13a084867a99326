"""Add: the elementwise sum of a list of inputs."""
from nnlite.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of inputs elementwise: `y = x1 + x2 + ...`.

    Takes a list of tensors whose non-batch dimensions broadcast (see
    `Merge`) and returns one tensor of the broadcast shape.

    Example:

    >>> x1 = Input((4,)); x2 = Input((4,))
    >>> y = Add()([Dense(8)(x1), Dense(8)(x2)])     # shape (None, 8)
    """

    def _merge_function(self, inputs):
        from nnlite import ops
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output

    def executor_spec(self):
        """What the compiled executor runs for this layer: `{"kind": "add"}`
        (the inputs summed left to right), or None for a subclass that
        overrides how it merges, or with an activity regularizer."""
        cls = type(self)
        if self.activity_regularizer is not None or cls._merge_function is not Add._merge_function \
                or cls.call is not Merge.call or cls.__call__ is not Add.__call__:
            return None
        return {"kind": "add"}


def add(inputs, **kwargs):
    """Functional interface to the `Add` layer: `Add(**kwargs)(inputs)`.

    Args:
        inputs: A list of input tensors with compatible shapes.
        **kwargs: Standard layer keyword arguments.
    """
    return Add(**kwargs)(inputs)
