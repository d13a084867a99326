"""Op layers: what Python operators and ops on KerasTensors record in the graph.

`x + y`, `2 * x`, `x @ w`, `-x`, `x[:, 0]`, `ops.relu(x)`, `ops.mean(x,
axis=1)` on KerasTensors become calls of these weightless layers, which run
the matching `nnlite.ops` function when the model runs (saved by the op's
name, no code, so the graph stays serializable).
"""
from nnlite.backend.naming import auto_name
from nnlite.layers.layer import Layer
from nnlite.ops import symbolic


class OpLayer(Layer):
    """Runs the public op `nnlite.ops.<op>` on its inputs: `op(x, *others,
    **kwargs)`, or `op(*others, x)` with `reverse` (for `2 - x`).

    Python operators on KerasTensors (`x + y`, `-x`) and ops called on them
    (`ops.relu(x)`, `ops.mean(x, axis=1)`, `ops.concatenate([a, b])`) record
    these weightless layers; the call's other arguments (`axis=1`) are kept
    in the graph node, so the layer itself holds only the op's name.

    Args:
        op: The op's public name, e.g. `"add"`, `"relu"`, `"image.resize"`.
        reverse: Whether the symbolic input is the last operand. Defaults
            to `False`.
        name: Defaults to the op's name (`relu`, `relu_1`, ...).

    Example:

    >>> x = Input((4,))
    >>> OpLayer("mean")(x, axis=1).shape
    (None,)
    """

    _raw_inputs = True      # the op converts its operands itself (numbers too)
    warns_on_dropped_mask = False   # Keras ops are not layers: no dropped-mask warning

    def __init__(self, op, reverse=False, name=None, **kwargs):
        symbolic.get(op)          # refuses an unknown name now, not at run time
        super().__init__(name=name or auto_name(op.replace(".", "_")), **kwargs)
        self.op = op
        self.reverse = bool(reverse)
        self.built = True

    def call(self, inputs, *others, **kwargs):
        fn = symbolic.get(self.op)
        if self.reverse:
            return fn(*others, inputs, **kwargs)
        return fn(inputs, *others, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"op": self.op, "reverse": self.reverse})
        return config


def _encode_key(key):
    if isinstance(key, tuple):
        return {"tuple": [_encode_key(k) for k in key]}
    if isinstance(key, slice):
        return {"slice": [key.start, key.stop, key.step]}
    if key is Ellipsis:
        return {"ellipsis": True}
    if key is None:
        return {"newaxis": True}
    if isinstance(key, int):
        return key
    raise TypeError("KerasTensor indices must be ints, slices, None, Ellipsis or tuples "
                    "of them. Received: %r" % (key,))


def _decode_key(key):
    if isinstance(key, dict):
        if "tuple" in key:
            return tuple(_decode_key(k) for k in key["tuple"])
        if "slice" in key:
            return slice(*key["slice"])
        if "ellipsis" in key:
            return Ellipsis
        if "newaxis" in key:
            return None
    if isinstance(key, list):
        return tuple(_decode_key(k) for k in key)
    return key


class GetItem(Layer):
    """`x[key]` in the graph (ints, slices, `None` and `...`).

    Args:
        key: The index, as Python writes it (or its config encoding).
    """

    def __init__(self, key, **kwargs):
        super().__init__(**kwargs)
        if isinstance(key, (dict, list)):
            key = _decode_key(key)
        _encode_key(key)     # refuses unsupported keys now, not at run time
        self.key = key
        self.built = True

    def call(self, inputs):
        return inputs[self.key]

    def get_config(self):
        config = super().get_config()
        config["key"] = _encode_key(self.key)
        return config
