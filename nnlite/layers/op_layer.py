"""Op layers: what Python operators on KerasTensors record in the graph.

`x + y`, `2 * x`, `x @ w`, `-x`, `x[:, 0]` on KerasTensors become calls of
these weightless layers, which run the matching `nnlite.ops` function when
the model runs (no lambdas, so the graph stays serializable).
"""
from nnlite.layers.layer import Layer

_OPS = ("add", "subtract", "multiply", "divide", "power", "matmul", "negative", "abs")


class OpLayer(Layer):
    """Runs `nnlite.ops.<op>` on its inputs: `op(x, *others)`, or
    `op(other, x)` with `reverse` (for `2 - x`).

    Args:
        op: The op's name, one of `add`, `subtract`, `multiply`, `divide`,
            `power`, `matmul`, `negative`, `abs`.
        reverse: Whether the symbolic input is the second operand. Defaults
            to `False`.
    """

    def __init__(self, op, reverse=False, **kwargs):
        if op not in _OPS:
            raise ValueError("Unknown op for OpLayer. Expected one of %s. Received: op=%r"
                             % (", ".join(_OPS), op))
        super().__init__(**kwargs)
        self.op = op
        self.reverse = bool(reverse)
        self.built = True

    def call(self, inputs, *others):
        from nnlite import ops
        fn = getattr(ops, self.op)
        if self.reverse:
            return fn(*others, inputs)
        return fn(inputs, *others)

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
