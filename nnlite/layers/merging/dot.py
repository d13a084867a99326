"""Dot: the dot product of two inputs along given axes, per sample."""
from nnlite.layers.merging.base_merge import Merge


def _resolve_axes(axes, shape1, shape2):
    if isinstance(axes, int):
        if axes < 0:
            return [axes % len(shape1), axes % len(shape2)]
        return [axes, axes]
    return [a % len(s) if a < 0 else a for a, s in zip(axes, (shape1, shape2))]


def batch_dot(x, y, axes):
    """The dot product of `x` and `y` per sample (axis 0), summing `x`'s
    axis `axes[0]` against `y`'s axis `axes[1]`.

    The output has `x`'s remaining axes then `y`'s (without the batch axis);
    a result of rank 1 becomes `(batch, 1)`.
    """
    from nnlite import ops
    a0, a1 = axes
    xn, yn = len(x.shape), len(y.shape)
    # x: (batch, rest_x..., k); y: (batch, k, rest_y...)
    x = ops.moveaxis(x, a0, -1) if a0 != xn - 1 else x
    y = ops.moveaxis(y, a1, 1) if a1 != 1 else y
    batch = x.shape[0]
    rest_x, k = tuple(x.shape[1:-1]), x.shape[-1]
    rest_y = tuple(y.shape[2:])
    x3 = ops.reshape(x, (batch, -1, k))
    y3 = ops.reshape(y, (batch, k, -1))
    out = ops.matmul(x3, y3)
    shape = (batch,) + rest_x + rest_y
    if len(shape) == 1:
        shape = (batch, 1)
    return ops.reshape(out, shape)


class Dot(Merge):
    """The dot product of two inputs, sample by sample.

    With inputs `(batch, 3, 4)` and `(batch, 5, 4)` and `axes=(2, 2)` the
    output is `(batch, 3, 5)`; with `(batch, d)` and `(batch, d)` and `axes=1`
    it is `(batch, 1)`.

    Args:
        axes: An int, or a pair of ints: the axis of each input that is summed
            over (their sizes must match). Axis 0 (the batch) is not allowed.
        normalize: Whether to L2-normalise both inputs along their `axes`
            first, which gives the cosine similarity. Defaults to `False`.
        **kwargs: Standard layer keyword arguments.

    Example:

    >>> y = Dot(axes=1, normalize=True)([Input((3,)), Input((3,))])   # (None, 1)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError("Invalid type for argument `axes`: it should be a list or an "
                                "int. Received: axes=%r" % (axes,))
            if len(axes) != 2:
                raise ValueError("Invalid format for argument `axes`: it should contain two "
                                 "elements. Received: axes=%r" % (axes,))
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError("Invalid format for argument `axes`: list elements should be "
                                 "integers. Received: axes=%r" % (axes,))
            axes = tuple(axes)
        self.axes = axes
        self.normalize = bool(normalize)

    def _check(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not all(isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs. "
                             "Received: input_shape=%s" % (input_shape,))
        shape1, shape2 = tuple(input_shape[0]), tuple(input_shape[1])
        if len(shape1) < 2 or len(shape2) < 2:
            raise ValueError("Cannot do batch_dot on inputs with rank < 2. Received inputs "
                             "with shapes %s and %s." % (shape1, shape2))
        axes = _resolve_axes(self.axes, shape1, shape2)
        if 0 in axes or axes[0] >= len(shape1) or axes[1] >= len(shape2):
            raise ValueError("Invalid `axes` for Dot with inputs of shapes %s and %s (the "
                             "batch axis 0 cannot be summed over). Received: axes=%r"
                             % (shape1, shape2, self.axes))
        b1, b2 = shape1[0], shape2[0]
        if b1 is not None and b2 is not None and b1 != b2:
            raise ValueError("Cannot do batch_dot on inputs with different batch sizes. "
                             "Received inputs with shapes %s and %s." % (shape1, shape2))
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError("Incompatible input shapes: axis values %s (at axis %d) != %s "
                             "(at axis %d). Full input shapes: %s, %s"
                             % (d1, axes[0], d2, axes[1], shape1, shape2))
        return shape1, shape2, axes

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("A `Dot` layer should be called on exactly 2 inputs. "
                             "Received: inputs=%r" % (inputs,))
        return self._merge_function(list(inputs))

    def _merge_function(self, inputs):
        from nnlite import ops
        x1, x2 = inputs
        axes = _resolve_axes(self.axes, x1.shape, x2.shape)
        if self.normalize:
            x1 = ops.normalize(x1, axis=axes[0])
            x2 = ops.normalize(x2, axis=axes[1])
        return batch_dot(x1, x2, axes)

    def compute_mask(self, inputs, previous_mask=None):
        """Keras: a dot product's output carries no mask."""
        return None

    def compute_output_shape(self, input_shape):
        shape1, shape2, axes = self._check(input_shape)
        shape1, shape2 = list(shape1), list(shape2)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape += [1]
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axes": list(self.axes) if isinstance(self.axes, tuple) else self.axes,
                       "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, **kwargs):
    """Functional interface to the `Dot` layer: `Dot(axes, **kwargs)(inputs)`.

    Args:
        inputs: A list of two input tensors.
        axes: An int or a pair of ints (see `Dot`). Defaults to `-1`.
        **kwargs: Standard layer keyword arguments (`normalize=`).
    """
    return Dot(axes=axes, **kwargs)(inputs)
