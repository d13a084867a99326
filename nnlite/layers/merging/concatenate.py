"""Concatenate: joins a list of inputs along one axis."""
from nnlite.layers.merging.base_merge import Merge, _is_shape_list, checked_masks


class Concatenate(Merge):
    """Concatenates a list of inputs along `axis`.

    All inputs must have the same shape except along the concatenation axis;
    the output's size there is the sum of the inputs' sizes.

    Args:
        axis: The axis to concatenate along. Defaults to `-1`.
        **kwargs: Standard layer keyword arguments.

    Example:

    >>> y = Concatenate()([Input((3,)), Input((5,))])     # shape (None, 8)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError("Concatenate expects an integer `axis`. Received: axis=%r" % (axis,))
        self.axis = axis

    def build(self, input_shape):
        if not _is_shape_list(input_shape) or len(input_shape) < 1:
            raise ValueError("A `Concatenate` layer should be called on a list of at least 1 "
                             "input. Received: input_shape=%s" % (input_shape,))
        if all(shape is None for shape in input_shape):
            self.built = True
            return
        message = ("A `Concatenate` layer requires inputs with matching shapes except for "
                   "the concatenation axis. Received: input_shape=%s"
                   % ([tuple(s) for s in input_shape],))
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError(message)
        (rank,) = ranks
        if not -rank <= self.axis < rank:
            raise ValueError("Invalid `axis` for Concatenate: inputs have rank %d. Received: "
                             "axis=%d" % (rank, self.axis))
        axis = self.axis % rank
        for d in range(rank):
            if d == axis:
                continue
            sizes = {s[d] for s in input_shape if s[d] is not None}
            if len(sizes) > 1:
                raise ValueError(message)
        self.built = True

    def _merge_function(self, inputs):
        from nnlite import ops
        return ops.concatenate(inputs, axis=self.axis)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A `Concatenate` layer should be called on a list of inputs. "
                             "Received: inputs=%r" % (inputs,))
        return self._merge_function(list(inputs))

    def executor_spec(self):
        """What the compiled executor runs for this layer: `{"kind":
        "concatenate", "axis"}`, or None for a subclass that overrides how it
        merges, or with an activity regularizer."""
        cls = type(self)
        if self.activity_regularizer is not None \
                or cls._merge_function is not Concatenate._merge_function \
                or cls.call is not Concatenate.call or cls.__call__ is not Concatenate.__call__:
            return None
        return {"kind": "concatenate", "axis": self.axis}

    def compute_output_shape(self, input_shape):
        if not _is_shape_list(input_shape):
            raise ValueError("A `Concatenate` layer should be called on a list of inputs. "
                             "Received: input_shape=%s" % (input_shape,))
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def compute_mask(self, inputs, previous_mask=None):
        """Keras: the inputs' masks (all True for an unmasked input, widened
        over a missing feature axis) concatenated, then any over the last axis."""
        masks = checked_masks(inputs, previous_mask)
        if masks is None or all(m is None for m in masks):
            return None
        from nnlite import ops
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                full.append(ops.broadcast_to(ops.expand_dims(m, -1), x.shape))
            else:
                full.append(m)
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to the `Concatenate` layer.

    Args:
        inputs: A list of input tensors.
        axis: The concatenation axis. Defaults to `-1`.
        **kwargs: Standard layer keyword arguments.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
