"""Lambda: a layer that runs a Python function (`keras.layers.Lambda`)."""
import base64
import inspect
import marshal
import types

from nnlite.layers.layer import Layer


def _is_lambda(fn):
    return isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value)


def _as_shapes(value):
    """Lists of sizes (from a config) as tuples, also inside a structure."""
    if _is_shape(value):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return [_as_shapes(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_shapes(v) for k, v in value.items()}
    return value


def _dump_lambda(fn):
    """A lambda as Keras 3 writes it: the marshalled code, base64 encoded, its
    defaults and the contents of its closure cells."""
    from nnlite.saving.serialization_lib import serialize_keras_object
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = None
    if fn.__closure__:
        closure = [c.cell_contents for c in fn.__closure__]
    return {"class_name": "__lambda__",
            "config": {"code": code, "defaults": serialize_keras_object(fn.__defaults__),
                       "closure": serialize_keras_object(closure)}}


def _serialize_function(fn):
    from nnlite.saving.serialization_lib import serialize_keras_object
    if _is_lambda(fn):
        return _dump_lambda(fn)
    if callable(fn):
        return serialize_keras_object(fn)
    raise ValueError("Invalid input type for serialization. Received: %r of type %s."
                     % (fn, type(fn)))


def _refuse_bytecode(argument, safe_mode):
    if safe_mode:
        raise ValueError(
            "Requested the deserialization of a `Lambda` layer whose `%s` is a Python "
            "lambda. This carries a potential risk of arbitrary code execution and thus it "
            "is disallowed by default. If you trust the source of the artifact, you can "
            "override this error by passing `safe_mode=False` to the loading function, or "
            "calling `keras.config.enable_unsafe_deserialization()." % argument)
    raise NotImplementedError(
        "The `Lambda` layer's `%s` is a Python lambda saved as bytecode. nnlite never runs "
        "bytecode from a file, also with `safe_mode=False`. Rebuild the model in code (with "
        "the same `Lambda`) and call `model.load_weights(path)`, or use a named function "
        "decorated with `@nnlite.saving.register_keras_serializable()`." % argument)


def _revive_function(argument, config, safe_mode, custom_objects=None):
    from nnlite.saving.serialization_lib import deserialize_keras_object
    if callable(config):        # a live config (`get_live_config`)
        return config
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        _refuse_bytecode(argument, safe_mode)
    return deserialize_keras_object(config, custom_objects=custom_objects)


class Lambda(Layer):
    """Wraps a function of tensors as a layer: `output = function(inputs, **arguments)`.

    The function runs on Tensors when the model runs, so gradients flow through
    it when it uses `nnlite.ops` and Tensor operators. A lambda is saved as
    Python bytecode (as Keras does), which loading refuses; a named function
    is saved by its name (register it with
    `@nnlite.saving.register_keras_serializable()` or pass it in
    `custom_objects` to load it).

    Args:
        function: The function, called with the input tensor(s) first; it gets
            `mask=` and `training=` too when it takes them.
        output_shape: The output shape without the batch axis (a tuple, or a
            structure of them), or a function of the full input shape giving
            the full output shape. Defaults to `None`: found by running
            `function` on zeros.
        mask: `None` (no masking), a function `mask(inputs, previous_mask)`, or
            the mask to give every output. Defaults to `None`.
        arguments: Keyword arguments for `function`. Defaults to `None`.

    Input shape: anything `function` accepts.
    Output shape: what `function` returns.

    Example:

    >>> layer = Lambda(lambda x: x / 255.0)
    >>> layer(np.array([[255.0, 51.0]]))          # [[1.0, 0.2]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if not callable(function):
            raise TypeError("Lambda expects a callable `function`. Received: function=%r"
                            % (function,))
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError("Lambda `arguments` must be a dict. Received: arguments=%r"
                            % (arguments,))
        if output_shape is not None and not callable(output_shape) and \
                not isinstance(output_shape, (list, tuple, dict)):
            raise TypeError("Lambda `output_shape` must be a shape tuple, a structure of them "
                            "or a function. Received: output_shape=%r" % (output_shape,))
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = _as_shapes(output_shape) if not callable(output_shape) \
            else output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_takes_mask = "mask" in params
        self._fn_takes_training = "training" in params
        self.built = True

    @property
    def infers_output_by_call(self):
        """Whether the output shape (and dtype) is found by running the function."""
        return self._output_shape is None

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._shape_by_running(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_size(input_shape)

        def add_batch(shape):
            if _is_shape(shape):
                return (batch,) + tuple(shape)
            if isinstance(shape, dict):
                return {k: add_batch(v) for k, v in shape.items()}
            return [add_batch(s) for s in shape]
        return add_batch(self._output_shape)

    def _shape_by_running(self, input_shape):
        from nnlite.layers.input_layer import KerasTensor
        from nnlite.models.node import output_spec

        def symbolic(shape):
            return KerasTensor(shape, self.dtype)
        inputs = _structure_of_shapes(input_shape, symbolic)
        try:
            spec = output_spec(self, (inputs,), {})
        except Exception:
            raise NotImplementedError(
                "We could not automatically infer the shape of the Lambda's output. Please "
                "specify the `output_shape` argument for this Lambda layer.") from None
        return _shapes_of_spec(spec)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = {"function": _serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = _serialize_function(self._output_shape) \
                if callable(self._output_shape) else serialize_keras_object(self._output_shape)
        if self.mask is not None:
            config["mask"] = _serialize_function(self.mask) if callable(self.mask) \
                else serialize_keras_object(self.mask)
        config["arguments"] = serialize_keras_object(self.arguments)
        base = super().get_config()
        return {**base, **config}

    def get_live_config(self):
        """`get_config()` with the function, output shape and mask as the objects
        themselves (for copies in this process, e.g. `clone_model`)."""
        config = self.get_config()
        config["function"] = self.function
        if callable(self._output_shape):
            config["output_shape"] = self._output_shape
        if self.mask is not None:
            config["mask"] = self.mask
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Refuses a lambda saved as bytecode: ValueError (Keras's message) in safe
        mode, NotImplementedError with `safe_mode=False`; a named function is
        looked up as any saved function."""
        from nnlite.saving.serialization_lib import (deserialize_dtype,
                                                     deserialize_keras_object, in_safe_mode)
        if not isinstance(config, dict) or "function" not in config:
            raise TypeError("Lambda.from_config expects a dict with a 'function'. "
                            "Received: %r" % (config,))
        scoped = safe_mode if safe_mode is not None else in_safe_mode()
        safe = scoped is not False
        config = dict(config)
        config["function"] = _revive_function("function", config["function"], safe,
                                              custom_objects)
        if callable(config.get("output_shape")) or (
                isinstance(config.get("output_shape"), dict) and
                "class_name" in config["output_shape"]):
            config["output_shape"] = _revive_function("output_shape", config["output_shape"],
                                                      safe, custom_objects)
        elif config.get("output_shape") is not None:
            config["output_shape"] = _as_shapes(config["output_shape"])
        if callable(config.get("mask")) or (isinstance(config.get("mask"), dict) and
                                            "class_name" in config["mask"]):
            config["mask"] = _revive_function("mask", config["mask"], safe, custom_objects)
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"],
                                                           custom_objects=custom_objects)
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        return cls(**config)


def _first_size(shape):
    """The first size in a shape or structure of shapes (the batch size)."""
    if _is_shape(shape):
        return shape[0] if shape else None
    values = shape.values() if isinstance(shape, dict) else shape
    for v in values:
        return _first_size(v)
    return None


def _structure_of_shapes(shapes, fn):
    if _is_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _structure_of_shapes(v, fn) for k, v in shapes.items()}
    return [_structure_of_shapes(v, fn) for v in shapes]


def _shapes_of_spec(spec):
    """The shapes of an output spec ((shape, dtype) pairs in a structure)."""
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], str) and \
            _is_shape(spec[0]):
        return tuple(spec[0])
    if isinstance(spec, dict):
        return {k: _shapes_of_spec(v) for k, v in spec.items()}
    return type(spec)(_shapes_of_spec(v) for v in spec)
