"""Layer base class: naming, weights, build, call and the training protocol."""
import numpy as np

from nnlite import config, constraints, initializers, regularizers
from nnlite.backend.naming import auto_name
from nnlite.backend.variable import Variable


class Layer:
    """Base class of all layers, as `keras.layers.Layer`.

    Lifecycle: `__init__` validates the arguments, `build(input_shape)` creates
    the weights, `call(x)` computes the output. Layers that take part in
    training also implement `forward(x, training)` (which caches what the
    backward pass needs) and `backward(dy)` (which stores the gradients of the
    trainable weights in `self.grads` and returns the gradient of the input).

    Args:
        trainable: Whether the weights are updated by training. Setting it
            also sets it on sublayers (a model's layers). Defaults to `True`.
        activity_regularizer: Optional regularizer of the layer's output; its
            penalty divided by the batch size joins `losses`. Defaults to `None`.
        name: Defaults to the snake_case class name made unique (`dense`, `dense_1`, ...).
        dtype: Dtype of the weights and computations. Defaults to `floatx()`.
        input_shape / input_dim / batch_size / batch_input_shape: the legacy
            way of declaring the input of a first layer (still accepted).
    """

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        if kwargs:
            raise ValueError("Unrecognized keyword arguments passed to %s: %s"
                             % (type(self).__name__, kwargs))
        if input_dim is not None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], tuple(batch_input_shape[1:])
        if input_shape is not None:
            input_shape = _shape_tuple("input_shape", input_shape)
        self._declared_input_shape = input_shape
        self._declared_batch_size = batch_size
        if name is not None and not isinstance(name, str):
            raise TypeError("name must be a string. Received: name=%r" % (name,))
        self.name = name or auto_name(type(self).__name__)
        self.dtype = str(np.dtype(dtype or config.floatx()))
        if self.dtype not in ("float32", "float64"):
            raise ValueError("Layers compute in float32 or float64. Received: dtype=%r" % (dtype,))
        self._trainable = bool(trainable)
        self.built = False
        self._weights = []
        self._build_input_shape = None
        self.grads = []
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._activity_loss = None      # penalty of the last forward pass
        self._activity_output = None    # the output it was computed on

    # -- weights -----------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None):
        """Creates a weight variable of `shape` filled by `initializer`.

        `regularizer` (a penalty on the weight, reported in `losses` while the
        weight is trainable) and `constraint` (applied by the optimizer after
        each update) are stored on the variable.
        """
        shape = tuple(int(d) for d in (shape or ()))
        init = initializers.get(initializer if initializer is not None else "glorot_uniform")
        var = Variable(init, shape=shape, dtype=dtype or self.dtype, trainable=trainable,
                       name=name or "variable")
        var.regularizer = regularizers.get(regularizer)
        var.constraint = constraints.get(constraint)
        var.path = "%s/%s" % (self.name, var.name)
        self._weights.append(var)
        return var

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for layer in getattr(self, "_layers", ()):   # a model's layers, as Keras does
            layer.trainable = value

    # -- regularization ------------------------------------------------------
    @property
    def losses(self):
        """The current penalties, as a list of floats (Keras's `layer.losses`).

        The activity penalty of the last forward pass (`regularizer(output) /
        batch_size`) first, then one penalty per trainable weight that has a
        regularizer; a model lists its layers' penalties.
        """
        out = [] if self._activity_loss is None else [self._activity_loss]
        for layer in getattr(self, "_layers", ()):
            out.extend(layer.losses)
        for w in self.trainable_weights if not getattr(self, "_layers", None) else ():
            if w.regularizer is not None:
                out.append(float(w.regularizer(w.value)))
        return out

    def _record_activity(self, y):
        """Records the activity penalty of output `y`; returns `y`."""
        if self.activity_regularizer is not None:
            batch = y.shape[0] if y.ndim else 1
            penalty = float(self.activity_regularizer(y))
            self._activity_loss = penalty / batch if batch else 0.0
            self._activity_output = y
        return y

    def _activity_grad(self):
        """d activity penalty / d output for the last forward pass, or None."""
        if self.activity_regularizer is None or self._activity_output is None:
            return None
        y = self._activity_output
        batch = y.shape[0] if y.ndim else 1
        if not batch:
            return None
        g = np.asarray(self.activity_regularizer.gradient(y), dtype=y.dtype)
        return g / y.dtype.type(batch)

    def _add_activity_grad(self, dy):
        """dy plus the activity penalty's gradient (dy itself when there is none)."""
        g = self._activity_grad()
        if g is None:
            return dy
        return np.ascontiguousarray(np.asarray(dy) + g.reshape(np.shape(dy)))

    def _set_grads(self, grads):
        """Stores `grads` (in `trainable_weights` order) with each weight
        regularizer's gradient added; nothing when the layer is frozen."""
        if not self.trainable:
            self.grads = []
            return
        weights = self.trainable_weights
        out = []
        for w, g in zip(weights, grads):
            if w.regularizer is not None and g is not None:
                g = g + np.asarray(w.regularizer.gradient(w.value), dtype=g.dtype)
            out.append(g)
        self.grads = out

    @property
    def weights(self):
        """All weights, trainable first, in creation order (Keras's order)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self):
        return list(self._weights)

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [w for w in self._weights if w.trainable]

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return list(self._weights)
        return [w for w in self._weights if not w.trainable]

    def get_weights(self):
        """Returns the weights as a list of NumPy arrays (copies)."""
        return [w.numpy() for w in self._weights]

    def set_weights(self, weights):
        """Sets the weights from a list of arrays in `get_weights()` order."""
        weights = list(weights)
        if len(weights) != len(self._weights):
            raise ValueError(
                "Layer %s expected %d weights, but received %d input weights."
                % (self.name, len(self._weights), len(weights)))
        for var, value in zip(self._weights, weights):
            value = np.asarray(value)
            if value.shape != var.shape:
                raise ValueError(
                    "Layer %s weight shape %s is not compatible with provided weight shape %s."
                    % (self.name, var.shape, value.shape))
        for var, value in zip(self._weights, weights):
            var.assign(value)

    def count_params(self):
        """The number of scalars in all weights."""
        if not self.built:
            raise ValueError("You tried to call `count_params` on layer '%s', but the layer "
                             "isn't built. You can build it manually via: "
                             "`layer.build(input_shape)`." % self.name)
        return int(sum(int(np.prod(w.shape)) for w in self._weights))

    # -- lifecycle ---------------------------------------------------------
    def build(self, input_shape):
        self._build_input_shape = tuple(input_shape)
        self.built = True

    def _maybe_build(self, input_shape):
        if not self.built:
            self.build(tuple(input_shape))
            self._build_input_shape = tuple(input_shape)
            self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def call(self, inputs, training=False):
        raise NotImplementedError("Layer %s does not implement call()" % type(self).__name__)

    def __call__(self, inputs, training=False):
        """Runs the layer on an array and returns a NumPy array."""
        from nnlite.layers.input_layer import KerasTensor
        if isinstance(inputs, KerasTensor):
            raise NotImplementedError(
                "The functional API (calling layers on Input tensors) is not supported yet; "
                "use Sequential([Input(shape), ...]).")
        x = _as_input_array(inputs, self.dtype)
        self._maybe_build((None,) + x.shape[1:])
        return self._record_activity(self.call(x, training=training))

    # -- training protocol -------------------------------------------------
    def forward(self, x, training=False):
        """Computes the output and caches what `backward` needs."""
        return self.call(x, training=training)

    def backward(self, dy, need_dx=True):
        """Returns d loss / d input; stores weight gradients in `self.grads`."""
        raise NotImplementedError(
            "Layer %s (%s) cannot be trained by nnlite: it has no backward pass."
            % (self.name, type(self).__name__))

    # -- config --------------------------------------------------------------
    def get_config(self):
        """Keras's layer config: name, trainable, the dtype as a DTypePolicy
        config, and the layer's own arguments (added by subclasses)."""
        from nnlite.saving.serialization_lib import serialize_dtype
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": serialize_dtype(self.dtype)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        """Builds the layer from `get_config()`'s dict (or the one Keras 3 writes):
        the dtype may be a DTypePolicy config, nested `{"class_name", ...}`
        entries (initializers, regularizers, ...) are deserialized first."""
        from nnlite.saving.serialization_lib import deserialize_dtype, deserialize_keras_object
        if not isinstance(config, dict):
            raise TypeError("%s.from_config expects a dict. Received: %r"
                            % (cls.__name__, config))
        config = dict(config)
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        for key, value in config.items():
            if isinstance(value, dict) and "class_name" in value:
                config[key] = deserialize_keras_object(value)
        return cls(**config)

    def __repr__(self):
        return "<%s name=%s, built=%s>" % (type(self).__name__, self.name, self.built)


def _shape_tuple(argname, shape):
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError("%s must be a tuple of ints. Received: %s=%r"
                         % (argname, argname, shape)) from None
    if any(d is not None and d < 0 for d in shape):
        raise ValueError("%s must hold non-negative sizes. Received: %s=%r"
                         % (argname, argname, shape))
    return shape


def _as_input_array(x, dtype):
    """A C-contiguous float array of `dtype`, with clear errors for bad data."""
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError("Expected numeric input data. Received: dtype=%s" % arr.dtype)
    if arr.ndim == 0:
        raise ValueError("Input data must have a batch dimension. Received: shape=()")
    return np.ascontiguousarray(arr, dtype=dtype)
