"""InputLayer and Input: declare the shape a model takes."""
from nnlite.layers.layer import Layer, _shape_tuple


class KerasTensor:
    """The symbolic output of `Input`: a shape and dtype, no data."""

    def __init__(self, shape, dtype, name, input_layer):
        self.shape = shape
        self.dtype = dtype
        self.name = name
        self._input_layer = input_layer

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return "<KerasTensor shape=%s, dtype=%s, name=%s>" % (self.shape, self.dtype, self.name)


class InputLayer(Layer):
    """The entry point of a model: it holds the input shape and has no weights.

    Args:
        shape: Shape of one sample, without the batch axis, e.g. `(784,)`.
        batch_size: Optional fixed batch size. Defaults to `None`.
        dtype: Defaults to `floatx()`.
        batch_shape: Full shape including the batch axis (instead of `shape`).
        name: Defaults to `input_layer`, `input_layer_1`, ...
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise NotImplementedError("Sparse inputs are not supported")
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_shape is not None:
            batch_shape = _shape_tuple("batch_shape", batch_shape)
        elif shape is not None:
            batch_shape = (batch_size,) + _shape_tuple("shape", shape)
        else:
            raise ValueError("You must pass a `shape` argument.")
        self.batch_shape = batch_shape
        self.built = True
        self._build_input_shape = batch_shape
        self.output = KerasTensor(batch_shape, self.dtype, self.name, self)

    @property
    def batch_size(self):
        return self.batch_shape[0]

    def call(self, inputs, training=False):
        return inputs

    def forward(self, x, training=False):
        return x

    def backward(self, dy, need_dx=True):
        self.grads = []
        return dy

    def get_config(self):
        """As Keras writes it: the dtype is a plain string here, not a policy."""
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": False,
                "ragged": False, "name": self.name, "optional": False}

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
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """Declares a model input of the given per-sample `shape`.

    Returns a symbolic tensor to put first in a `Sequential` model:
    `Sequential([Input(shape=(784,)), Dense(10)])`.

    Args:
        shape: Shape of one sample, without the batch axis.
        batch_size: Optional fixed batch size. Defaults to `None`.
        dtype: Defaults to `floatx()`.
        batch_shape: Full shape including the batch axis.
        name: Optional name.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, optional=optional)
    return layer.output
