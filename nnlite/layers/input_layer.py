"""InputLayer, Input and KerasTensor: the symbolic side of the functional API.

`Input(shape)` returns a `KerasTensor` (a shape and a dtype, no data). Calling
a layer on KerasTensors records a node of the functional graph and returns new
KerasTensors (`nnlite.models.node.symbolic_call`); Python operators on them
(`x + y`, `x * 2`, `x[:, 0]`) record small op layers the same way.
"""
import numpy as np

from nnlite.layers.layer import Layer, _shape_tuple

_INPUT_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64",
                 "uint8", "uint16", "uint32", "uint64", "bool")


def _standardize_dtype(dtype):
    from nnlite import config
    if dtype is None:
        return config.floatx()
    if dtype in ("string", "str", str):
        return "string"      # raw text: NumPy str/object arrays
    try:
        name = np.dtype(getattr(dtype, "name", dtype)).name
    except TypeError:
        raise ValueError("Invalid dtype: %r" % (dtype,)) from None
    if name not in _INPUT_DTYPES:
        raise ValueError("Invalid dtype: %r" % (dtype,))
    return name


class KerasTensor:
    """A symbolic tensor: the shape (batch axis first, `None` for unknown
    sizes) and dtype of a value the functional graph will compute.

    `_keras_history` is `(layer, node_index, tensor_index)`: the layer call
    that produces it. Arithmetic on KerasTensors (`+ - * / @ **`, unary `-`,
    `abs`, indexing) records an op layer in the graph.
    """

    # NumPy defers to the reflected operators (`np.float32(2) * x` records an op)
    __array_ufunc__ = None

    def __init__(self, shape, dtype="float32", name=None, input_layer=None, sparse=False):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = _standardize_dtype(dtype)
        self.name = name or "keras_tensor"
        self.sparse = bool(sparse)
        self._input_layer = input_layer
        self._keras_history = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return "<KerasTensor shape=%s, dtype=%s, sparse=%s, name=%s>" % (
            self.shape, self.dtype, self.sparse, self.name)

    def __len__(self):
        raise TypeError("A KerasTensor has no length: it is a symbolic placeholder "
                        "(shape %s). Use `.shape` instead." % (self.shape,))

    def __iter__(self):
        raise TypeError("A KerasTensor cannot be iterated: it is a symbolic placeholder "
                        "(shape %s)." % (self.shape,))

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "A KerasTensor is symbolic: it has no value to convert to NumPy. You are "
            "probably calling a NumPy function on the output of `Input(...)`; use "
            "`nnlite.ops` or layers instead. Received: %r" % (self,))

    # -- operators: each records an OpLayer node -------------------------------
    def _op(self, op, *args, reverse=False):
        from nnlite.layers.op_layer import OpLayer
        # an op keeps its input's float dtype (a layer would cast to its own)
        return OpLayer(op, reverse=reverse, dtype=self._float_dtype())(self, *args)

    def _float_dtype(self):
        return self.dtype if self.dtype in ("float32", "float64") else None

    def __add__(self, other):
        return self._op("add", other)

    def __radd__(self, other):
        return self._op("add", other, reverse=True)

    def __sub__(self, other):
        return self._op("subtract", other)

    def __rsub__(self, other):
        return self._op("subtract", other, reverse=True)

    def __mul__(self, other):
        return self._op("multiply", other)

    def __rmul__(self, other):
        return self._op("multiply", other, reverse=True)

    def __truediv__(self, other):
        return self._op("divide", other)

    def __rtruediv__(self, other):
        return self._op("divide", other, reverse=True)

    def __pow__(self, other):
        return self._op("power", other)

    def __rpow__(self, other):
        return self._op("power", other, reverse=True)

    def __matmul__(self, other):
        return self._op("matmul", other)

    def __rmatmul__(self, other):
        return self._op("matmul", other, reverse=True)

    def __neg__(self):
        return self._op("negative")

    def __pos__(self):
        return self

    def __abs__(self):
        return self._op("abs")

    def __getitem__(self, key):
        from nnlite.layers.op_layer import GetItem
        return GetItem(key, dtype=self._float_dtype())(self)

    __hash__ = object.__hash__


class InputLayer(Layer):
    """The entry point of a model: it holds the input shape and has no weights.

    Args:
        shape: Shape of one sample, without the batch axis, e.g. `(784,)`.
        batch_size: Optional fixed batch size. Defaults to `None`.
        dtype: A float or integer dtype (`"int32"` for token ids). Defaults
            to `floatx()`.
        batch_shape: Full shape including the batch axis (instead of `shape`).
        optional: Whether the input may be `None` when the model is called.
            Defaults to `False`.
        name: Defaults to `input_layer`, `input_layer_1`, ...
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        dtype = _standardize_dtype(dtype)
        # Layer accepts only float compute dtypes; an input may hold integers
        # (token ids), so the dtype is set after the base initialiser
        super().__init__(name=name, dtype=dtype if dtype in ("float32", "float64") else None,
                         **kwargs)
        self.dtype = dtype
        if sparse:
            raise NotImplementedError("Sparse inputs are not supported")
        if input_tensor is not None:
            raise NotImplementedError("InputLayer(input_tensor=...) is not supported by nnlite.")
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_shape is not None:
            batch_shape = _shape_tuple("batch_shape", batch_shape)
        elif shape is not None:
            batch_shape = (batch_size,) + _shape_tuple("shape", shape)
        else:
            raise ValueError("You must pass a `shape` argument.")
        self.batch_shape = batch_shape
        self.optional = bool(optional)
        self.built = True
        self._build_input_shape = batch_shape
        from nnlite.models.node import Node
        Node(self, (), {}, [], [KerasTensor(batch_shape, dtype, self.name, self)])

    @property
    def batch_size(self):
        return self.batch_shape[0]

    def call(self, inputs):
        return inputs

    def get_config(self):
        """As Keras writes it: the dtype is a plain string here, not a policy."""
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": False,
                "ragged": False, "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        from nnlite.saving.serialization_lib import deserialize_dtype
        if not isinstance(config, dict):
            raise TypeError("InputLayer.from_config expects a dict. Received: %r" % (config,))
        config = dict(config)
        if config.pop("ragged", False):
            raise NotImplementedError("Ragged inputs are not supported by nnlite.")
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        config.pop("trainable", None)
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """Declares a model input of the given per-sample `shape`.

    Returns a `KerasTensor` of shape `(batch_size,) + shape`, to start a
    functional model (`x = Input((4,)); y = Dense(2)(x); Model(x, y)`) or to put
    first in a `Sequential` model.

    Args:
        shape: Shape of one sample, without the batch axis.
        batch_size: Optional fixed batch size. Defaults to `None`.
        dtype: A float or integer dtype. Defaults to `floatx()`.
        sparse: Not supported (must be falsy). Defaults to `None`.
        batch_shape: Full shape including the batch axis.
        name: Optional name. Defaults to `input_layer`, `input_layer_1`, ...
        tensor: Not supported. Defaults to `None`.
        optional: Whether the input may be `None`. Defaults to `False`.

    Example:

    >>> x = Input(shape=(None,), dtype="int32")
    >>> x.shape
    (None, None)
    """
    if tensor is not None:
        raise NotImplementedError("Input(tensor=...) is not supported by nnlite.")
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, optional=optional)
    return layer.output
