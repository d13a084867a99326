"""Merge: the base of the elementwise merge layers (Add, Multiply, ...)."""
from nnlite.backend.tensor import get_keras_mask, set_keras_mask
from nnlite.layers.layer import Layer


def _is_shape_list(input_shape):
    return isinstance(input_shape, (list, tuple)) and len(input_shape) > 0 and \
        all(s is None or isinstance(s, (list, tuple)) for s in input_shape)


class Merge(Layer):
    """Generic merge layer for elementwise merge functions, as Keras's `Merge`.

    Takes a list of tensors whose non-batch dimensions broadcast against one
    another (`(2, 3)` with `(2, 1)` gives `(2, 3)`; `(2, 4, 3)` with `(2, 3)`
    gives `(2, 4, 3)`: a lower-rank input gains axes after the batch axis) and
    whose batch sizes agree.

    Args:
        **kwargs: Standard layer keyword arguments.
    """
    _min_inputs = 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _compute_elemwise_op_output_shape(self, shape1, shape2):
        """The broadcast of two shapes without their batch axis (`None` if unknown)."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        if not shape2:
            return tuple(shape1)
        output_shape = list(shape1[:-len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1:
                output_shape.append(i)
            else:
                if i != j:
                    raise ValueError("Inputs have incompatible shapes. Received shapes %s and %s"
                                     % (tuple(shape1), tuple(shape2)))
                output_shape.append(i)
        return tuple(output_shape)

    def _check_input_shapes(self, input_shape):
        if not _is_shape_list(input_shape):
            raise ValueError("A merge layer should be called on a list of inputs. Received: "
                             "input_shape=%s (not a list of shapes)" % (input_shape,))
        if len(input_shape) < self._min_inputs:
            raise ValueError("A merge layer should be called on a list of at least %d inputs. "
                             "Got %d inputs. Full input_shape received: %s"
                             % (self._min_inputs, len(input_shape), input_shape))
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError("Cannot merge tensors with different batch sizes. Received "
                             "tensors with shapes %s" % (list(map(tuple, input_shape)),))

    def build(self, input_shape):
        self._check_input_shapes(input_shape)
        self.compute_output_shape(input_shape)      # validates the broadcast
        self._reshape_required = not (None not in input_shape
                                      and len(set(map(len, input_shape))) == 1)
        self.built = True

    def call(self, inputs):
        from nnlite import ops
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs. Received: "
                             "inputs=%r (not a list of tensors)" % (inputs,))
        ndims = [len(x.shape) for x in inputs]
        if len(set(ndims)) > 1:
            # lower-rank inputs gain axes after the batch axis until the ranks agree
            top = max(ndims)
            reshaped = []
            for x in inputs:
                for _ in range(top - len(x.shape)):
                    x = ops.expand_dims(x, axis=1)
                reshaped.append(x)
            inputs = reshaped
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        self._check_input_shapes(input_shape)
        output_shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            output_shape = self._compute_elemwise_op_output_shape(
                output_shape, None if shape is None else tuple(shape[1:]))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = list(batch_sizes)[0] if len(batch_sizes) == 1 else None
        return (batch,) + tuple(output_shape)

    def compute_mask(self, inputs, previous_mask=None):
        """Keras: the OR of the inputs' masks, None when any input has none."""
        masks = checked_masks(inputs, previous_mask)
        if masks is None or any(m is None for m in masks):
            return None
        from nnlite import ops
        output = masks[0]
        for m in masks[1:]:
            output = ops.logical_or(output, m)
        return output

    def _merge_with_masks(self, op, inputs):
        """Folds `op` over the inputs where a masked entry takes the other
        operand's value (so an op with no identity, as max and min, ignores
        it); when every input has a mask the output carries their OR."""
        from nnlite import ops
        output = output_mask = None
        for x in inputs:
            mask = feature_mask(x)
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            output_mask = None if mask is None or output_mask is None else \
                ops.logical_or(output_mask, mask)
            output = op(output, x)
        if output_mask is not None:
            set_keras_mask(output, ops.any(output_mask, axis=-1))
        return output

    def get_config(self):
        return super().get_config()


def feature_mask(x):
    """x's mask broadcast over its last (feature) axis, or None."""
    mask = get_keras_mask(x)
    if mask is None:
        return None
    from nnlite import ops
    return ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)


def checked_masks(inputs, masks):
    """The list of the inputs' masks (None entries kept), or None for no mask;
    raises as Keras when `masks` and `inputs` are not lists of one length."""
    if masks is None:
        return None
    if not isinstance(masks, (list, tuple)):
        raise ValueError("`mask` should be a list. Received: mask=%r" % (masks,))
    if not isinstance(inputs, (list, tuple)):
        raise ValueError("`inputs` should be a list. Received: inputs=%r" % (inputs,))
    if len(masks) != len(inputs):
        raise ValueError("The lists `inputs` and `mask` should have the same length. "
                         "Received: inputs of length %d, and mask of length %d"
                         % (len(inputs), len(masks)))
    return list(masks)
