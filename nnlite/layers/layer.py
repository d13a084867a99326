"""Layer base class: naming, weights, tracking, build and call.

A layer only builds and calls: `build(input_shape)` creates its weights and
`call(inputs, ...)` computes the output with `nnlite.ops`, whose ops record
themselves on the tape during training; gradients come from the tape, never
from the layer. So a layer keeps no per-call state and can be called many
times (a shared layer).
"""
import contextlib
import functools
import inspect
import threading
import warnings

import numpy as np

from nnlite import config, constraints, initializers, regularizers
from nnlite.backend.naming import auto_name
from nnlite.backend.tensor import Tensor, is_tensor
from nnlite.backend.variable import Variable

_call_context = threading.local()


class Layer:
    """Base class of all layers, as `keras.layers.Layer`.

    Lifecycle: `__init__` validates the arguments, `build(input_shape)` creates
    the weights (`add_weight`), `call(inputs)` computes the output with
    `nnlite.ops`. `__call__` builds on first use and passes `training=` and
    `mask=` only when `call` accepts them. Layers and variables assigned as
    attributes are tracked: their weights join this layer's.

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

    _keep_int_inputs = False    # True for layers that take integer indices
    _raw_inputs = False         # True: `call` gets the data as given (strings)
    supports_masking = False    # True: the input's mask passes on (`compute_mask`)
    warns_on_dropped_mask = True    # False: drops an input's mask silently (ops, as Keras)

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 **kwargs):
        object.__setattr__(self, "_tracked", [])
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
        self.dtype = str(np.dtype(getattr(dtype, "name", dtype) or config.floatx()))
        if self.dtype not in ("float32", "float64"):
            raise ValueError("Layers compute in float32 or float64. Received: dtype=%r" % (dtype,))
        self._trainable = bool(trainable)
        self.built = False
        self._weights = []
        self._build_input_shape = None
        self._inbound_nodes = []
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._call_losses = []          # add_loss() of the last call
        self._call_signature = _call_parameters(type(self).call)

    def __init_subclass__(cls, **kwargs):
        # as Keras, a layer is built once its `build` returns, whether or not
        # that `build` calls `super().build(...)` (`layer.build(shape)` by hand)
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            @functools.wraps(build)
            def build_then_mark_built(self, *args, **kw):
                result = build(self, *args, **kw)
                self.built = True
                return result
            build_then_mark_built._marks_built = True
            cls.build = build_then_mark_built

    def __setattr__(self, name, value):
        # layers (and lists of layers) assigned as attributes are tracked, in order
        if not name.startswith("__") and name not in ("_tracked",):
            tracked = self.__dict__.get("_tracked")
            if tracked is not None:
                for layer in _layers_in(value):
                    if layer is not self and all(layer is not t for t in tracked):
                        tracked.append(layer)
        object.__setattr__(self, name, value)

    def _sublayers(self):
        """The layers whose weights this one holds, in Keras's order."""
        return list(self.__dict__.get("_tracked", ()))

    def _flatten_layers(self):
        """This layer and every layer below it, each once (as Keras's)."""
        return _all_layers(self)

    # -- weights -----------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   autocast=True, regularizer=None, constraint=None, aggregation="none",
                   overwrite_with_gradient=False, name=None):
        """Creates a weight variable of `shape` filled by `initializer`, as Keras 3.

        `initializer` defaults to `"glorot_uniform"` for float weights (Keras's
        default). `regularizer` (a penalty on the weight, reported in `losses`
        while the weight is trainable) and `constraint` (applied by the
        optimizer after each update) are stored on the variable.
        """
        if isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        shape = tuple(int(d) for d in (shape or ()))
        init = initializers.get(initializer if initializer is not None else "glorot_uniform")
        var = Variable(init, shape=shape, dtype=dtype or self.dtype, trainable=trainable,
                       name=name or "variable")
        var.regularizer = regularizers.get(regularizer)
        var.constraint = constraints.get(constraint)
        var.path = "%s/%s" % (self.name, var.name)
        self._weights.append(var)
        return var

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True,
                     regularizer=None, constraint=None, name=None):
        """As `add_weight` (Keras 3's other spelling)."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype,
                               trainable=trainable, regularizer=regularizer,
                               constraint=constraint, name=name)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for layer in self._sublayers():   # as Keras: sublayers follow
            layer.trainable = value

    # -- losses --------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a scalar loss (a Tensor from ops) to this call's `losses`."""
        self._call_losses.append(loss)

    @property
    def losses(self):
        """The current penalties as scalar Tensors (Keras's `layer.losses`):
        the losses added during the last call (the activity penalty
        `regularizer(output) / batch_size` among them), then one penalty per
        trainable weight that has a regularizer; sublayers' follow."""
        from nnlite.ops import fused
        out = list(self._call_losses)
        for w in self._own_weights():
            if w.trainable and self.trainable and w.regularizer is not None:
                out.append(fused.penalty(w, w.regularizer))
        for layer in self._sublayers():
            out.extend(layer.losses)
        return out

    def _clear_losses(self):
        self._call_losses = []
        for layer in self._sublayers():
            layer._clear_losses()

    # -- weights -----------------------------------------------------------
    def _own_weights(self):
        return self._weights

    @property
    def weights(self):
        """All weights: this layer's (trainable first, in creation order), then
        each sublayer's (Keras's order)."""
        own = self._own_weights()
        out = [w for w in own if w.trainable] + [w for w in own if not w.trainable]
        for layer in self._sublayers():
            out.extend(v for v in layer.weights if all(v is not o for o in out))
        return out

    @property
    def variables(self):
        out = list(self._own_weights())
        for layer in self._sublayers():
            out.extend(v for v in layer.variables if all(v is not o for o in out))
        return out

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        out = [w for w in self._own_weights() if w.trainable]
        for layer in self._sublayers():
            out.extend(v for v in layer.trainable_weights if all(v is not o for o in out))
        return out

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        trainable = self.trainable_weights
        return [w for w in self.weights if all(w is not t for t in trainable)]

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    def get_weights(self):
        """Returns the weights as a list of NumPy arrays (copies)."""
        return [w.numpy() for w in self.variables]

    def set_weights(self, weights):
        """Sets the weights from a list of arrays in `get_weights()` order.

        Every shape is checked before any weight changes."""
        weights = _weight_list(weights)
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                "Layer %s expected %d weights, but received %d input weights."
                % (self.name, len(variables), len(weights)))
        arrays = []
        for var, value in zip(variables, weights):
            value = np.asarray(value)
            if value.shape != var.shape:
                raise ValueError(
                    "Layer %s weight shape %s is not compatible with provided weight shape %s."
                    % (self.name, var.shape, value.shape))
            if value.dtype.kind not in "biuf":
                raise TypeError("Layer %s weight %r must be set from real numbers. Received: "
                                "dtype=%s" % (self.name, var.name, value.dtype))
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                raise ValueError("Layer %s weight %r would be set to NaN or infinite values "
                                 "(%d of %d)" % (self.name, var.name,
                                                 int((~np.isfinite(value)).sum()), value.size))
            arrays.append(value)
        for var, value in zip(variables, arrays):
            var.assign(value)

    def count_params(self):
        """The number of scalars in all weights."""
        if not self.built:
            raise ValueError("You tried to call `count_params` on layer '%s', but the layer "
                             "isn't built. You can build it manually via: "
                             "`layer.build(input_shape)`." % self.name)
        return int(sum(int(np.prod(w.shape)) for w in self.variables))

    @property
    def input(self):
        """The input tensor of the layer's first call on symbolic tensors (a
        list when it took several), as Keras's `layer.input`."""
        return self._first_node_tensors("input_tensors", "input")

    @property
    def output(self):
        """The output tensor of the layer's first call on symbolic tensors (a
        list when it returned several), as Keras's `layer.output`: what
        `Model(model.inputs, model.layers[i].output)` reads feature maps from."""
        return self._first_node_tensors("output_tensors", "output")

    def _first_node_tensors(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError("The layer %s has never been called and thus has no defined "
                                 "%s." % (self.name, what))
        tensors = getattr(self._inbound_nodes[0], attr)
        return tensors[0] if len(tensors) == 1 else list(tensors)

    def check_input_data(self, data):
        """Checks a whole input array this layer reads straight from a model
        input, before `fit` or `evaluate` run their first step (so that a bad
        value found in a late batch cannot leave earlier batches trained).
        The default checks nothing; `Embedding` checks its indices."""

    # -- lifecycle ---------------------------------------------------------
    def build(self, input_shape):
        self._build_input_shape = _freeze_shape(input_shape)
        self.built = True

    @property
    def build_input_shape(self):
        """The input shape the layer was built for (batch axis first), or
        `None` before it is built. A layer built by an eager call keeps
        that call's batch size (`(2, 8)`), as Keras reports it; one built
        from a shape or a symbolic input has the shape it was given."""
        if not self.built:
            return None
        return self.__dict__.get("_build_call_shape") or self._build_input_shape

    def _maybe_build(self, input_shape):
        if not self.built:
            shape = _freeze_shape(input_shape)
            if _accepts_arg(type(self).build, "input_shape") or \
                    len(_call_parameters(type(self).build)) >= 2:
                self.build(shape)
            else:
                self.build()
            self._build_input_shape = shape
            self.built = True

    def build_from_config(self, config):
        """Builds the layer from the `build_config` Keras saves with it:
        `{"input_shape": shape}`, or `{"shapes_dict": {"<arg>_shape": shape}}`
        for a `build` of several arguments (an RNN given initial states)."""
        if not isinstance(config, dict) or not ("input_shape" in config or
                                                 isinstance(config.get("shapes_dict"), dict)):
            raise TypeError("build_config must be a dict with an 'input_shape' key. "
                            "Received: %r" % (config,))
        shapes = config["shapes_dict"] if "input_shape" not in config else \
            {"input_shape": config["input_shape"]}
        for name, shape in shapes.items():
            if not isinstance(shape, (list, tuple)):
                raise TypeError("build_config[%r] must be a list. Received: %r" % (name, shape))
        if "input_shape" in config or len(shapes) == 1:
            self._maybe_build(_json_shape(next(iter(shapes.values()))))
            return
        params = _call_parameters(type(self).build)
        unknown = [n for n in shapes if n not in params]
        if unknown:
            raise TypeError("build_config['shapes_dict'] names %s, which %s.build does not "
                            "take" % (unknown, type(self).__name__))
        if not self.built:
            frozen = {n: _json_shape(s) for n, s in shapes.items()}
            self.build(**frozen)
            self._build_input_shape = next(iter(frozen.values()))
            self.built = True

    def compute_output_shape(self, input_shape):
        """The shape of `call`'s output for inputs of `input_shape` (batch
        axis first; a list or dict of shapes for several inputs).

        As Keras 3, the default runs the layer symbolically: it builds the
        layer if needed, then runs `call` on zeros of that shape (unknown
        sizes as 1, then 2) with `training=False`, recording nothing on the
        tape and leaving the layer's state as it was. A size that depends on
        an unknown input size (the batch axis of `(None, 8)`) is `None`.
        Layers whose output shape follows from a formula override this.

        Example:

        >>> Dense(16).compute_output_shape((None, 8))
        (None, 16)
        """
        shapes = _shape_structure(input_shape)
        if not self.built:
            self._maybe_build(shapes)
        return self._symbolic_output_shape(shapes)

    def _symbolic_output_shape(self, input_shape):
        """`compute_output_shape` by a dry run of `call`, without building."""
        from nnlite.layers.input_layer import KerasTensor
        from nnlite.models.node import dry_run, flatten_specs, pack_like
        shapes = _shape_structure(input_shape)
        dtype = "int64" if self._keep_int_inputs else self.dtype
        symbolic = _map_shapes(lambda s: KerasTensor(s, dtype), shapes)
        spec = dry_run(self, (symbolic,), {})
        out = [tuple(shape) for shape, _ in flatten_specs(spec)]
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], str):
            return out[0]
        return pack_like(_spec_skeleton(spec), out)

    @contextlib.contextmanager
    def inference_scope(self):
        """A block in which calls of this layer are dry runs: nothing is
        recorded on the tape, nested calls run with `training=False`, and the
        losses `add_loss` collected by this layer and its sublayers are put
        back as they were when the block ends."""
        from nnlite.backend.tape import stop_recording
        saved = [(layer, list(layer._call_losses)) for layer in _all_layers(self)]
        outer = getattr(_call_context, "training", None)
        outer_symbolic = getattr(_call_context, "symbolic", False)
        _call_context.training = False
        _call_context.symbolic = True
        try:
            with stop_recording():
                yield
        finally:
            _call_context.training = outer
            _call_context.symbolic = outer_symbolic
            for layer, losses in saved:
                layer._call_losses = losses

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError("Layer %s does not implement call()" % type(self).__name__)

    def __call__(self, *args, **kwargs):
        """Runs the layer: builds it on first use, then `call`s it on Tensors.

        `training` and `mask` reach `call` only when it accepts them; a nested
        call that gives no `training` inherits the outer call's. Symbolic
        inputs (`Input(...)`) add a node to the functional graph instead.
        """
        if not args and "inputs" not in kwargs:
            raise TypeError("%s.__call__() missing the inputs" % type(self).__name__)
        if _symbolic_args(args, kwargs):
            from nnlite.models.node import symbolic_call
            return symbolic_call(self, args, kwargs)
        if args:
            inputs, rest = args[0], args[1:]
        else:
            inputs, rest = kwargs.pop("inputs"), ()
        if not self._raw_inputs:
            inputs = _convert_inputs(inputs, self.dtype, self._keep_int_inputs)
        if not self.built and not getattr(_call_context, "symbolic", False):
            # as Keras, a layer built by an eager call remembers that call's
            # shapes, batch size included (the summary of a subclassed model)
            self._build_call_shape = _shapes_of(inputs, keep_batch=True)
        if not self.built:
            self._maybe_build(_shapes_of(inputs))
        outer = getattr(_call_context, "training", None)
        training = kwargs.pop("training", None)
        if training is None:
            training = outer
        params = self._call_signature
        if "training" in params:
            kwargs["training"] = bool(training) if training is not None else \
                _default_of(type(self).call, "training")
        # masks, as Keras: the inputs' masks reach a `call(..., mask=None)`
        # given none; a layer that `supports_masking` passes its
        # `compute_mask` on to its outputs, any other drops it (with a warning)
        previous_mask = _masks_of(inputs)
        if "mask" in params:
            if kwargs.get("mask") is None:
                kwargs["mask"] = previous_mask
            previous_mask = kwargs["mask"]
        else:
            kwargs.pop("mask", None)
        _call_context.training = training
        self.__dict__["_call_losses"] = []   # a plain list: nothing for __setattr__ to track
        try:
            outputs = self.call(inputs, *rest, **kwargs)
        except (ValueError, TypeError) as e:
            raise _named(e, self) from None
        finally:
            _call_context.training = outer
        if self.activity_regularizer is not None:
            self._add_activity_loss(outputs)
        if self.supports_masking:
            self._set_output_masks(inputs, outputs, previous_mask)
        elif self.warns_on_dropped_mask and any(m is not None for m in _flatten(previous_mask)):
            warnings.warn("Layer '%s' (of type %s) was passed an input with a mask attached to "
                          "it. However, this layer does not support masking and will therefore "
                          "destroy the mask information. Downstream layers will not see the "
                          "mask." % (self.name, type(self).__name__), stacklevel=2)
        return outputs

    def compute_mask(self, inputs, previous_mask=None):
        """The mask of the outputs (Keras: the input's mask, unchanged)."""
        return previous_mask

    def _set_output_masks(self, inputs, outputs, previous_mask):
        flat = [t for t in _flatten(outputs) if isinstance(t, Tensor)]
        if not flat or all(t._keras_mask is not None for t in flat):
            return
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return
        for t, m in zip(flat, _flatten(masks)):
            if t._keras_mask is None and m is not None:
                t._keras_mask = m

    def _add_activity_loss(self, outputs):
        from nnlite.ops import fused
        for y in _flatten(outputs):
            if is_tensor(y) or isinstance(y, np.ndarray):
                batch = y.shape[0] if len(y.shape) else 1
                self._call_losses.append(fused.penalty(y, self.activity_regularizer,
                                                       batch if batch else 0))

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
        dims = tuple(shape)
    except TypeError:
        raise ValueError("%s must be a tuple of ints. Received: %s=%r"
                         % (argname, argname, shape)) from None
    for d in dims:
        # as Keras: floats (8.5, also 8.0) and strings are refused, not truncated
        if d is not None and (isinstance(d, (bool, np.bool_, str, bytes))
                              or not isinstance(d, (int, np.integer))):
            raise ValueError("%s must be a tuple of ints. Cannot convert %r to a shape: found "
                             "invalid dimension %r of type %s. Received: %s=%r"
                             % (argname, dims, d, type(d).__name__, argname, shape))
    shape = tuple(None if d is None else int(d) for d in dims)
    if any(d is not None and d < 0 for d in shape):
        raise ValueError("%s must hold non-negative sizes. Received: %s=%r"
                         % (argname, argname, shape))
    return shape


def _freeze_shape(shape):
    if isinstance(shape, list):
        return [_freeze_shape(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _freeze_shape(v) for k, v in shape.items()}
    return tuple(shape)


def _is_shape(shape):
    return isinstance(shape, (list, tuple)) and all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool))
        for d in shape)


def _shape_structure(shape):
    """A shape as a tuple, or a list / dict of them (several inputs)."""
    if _is_shape(shape):
        return tuple(None if d is None else int(d) for d in shape)
    if isinstance(shape, dict):
        return {k: _shape_structure(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        return [_shape_structure(s) for s in shape]
    raise ValueError("input_shape must be a shape tuple, or a list or dict of them. "
                     "Received: input_shape=%r" % (shape,))


def _map_shapes(fn, shapes):
    if isinstance(shapes, tuple):
        return fn(shapes)
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return [_map_shapes(fn, s) for s in shapes]


def _spec_skeleton(spec):
    """An output spec with each `(shape, dtype)` leaf replaced by None (the
    structure `pack_like` fills)."""
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], str):
        return None
    if isinstance(spec, dict):
        return {k: _spec_skeleton(v) for k, v in spec.items()}
    return type(spec)(_spec_skeleton(v) for v in spec)


def _all_layers(layer):
    """`layer` and every layer below it, each once."""
    out, todo = [], [layer]
    while todo:
        current = todo.pop()
        if all(current is not seen for seen in out):
            out.append(current)
            todo.extend(current._sublayers())
    return out


def _json_shape(shape):
    """A shape read from JSON: a list of dims becomes a tuple, a list of
    shapes a list of tuples."""
    if all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    return [_json_shape(s) for s in shape]


def _call_parameters(fn):
    try:
        return dict(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return {}


def _accepts_arg(fn, name):
    params = _call_parameters(fn)
    return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _default_of(fn, name):
    p = _call_parameters(fn).get(name)
    if p is None or p.default is inspect.Parameter.empty:
        return False
    return p.default


# attributes of the Layer machinery that hold layers (the saving walk skips them)
_MACHINERY = frozenset(("_tracked", "_inbound_nodes", "_layers"))


def saveable_children(layer):
    """`[(attribute, layer or list of layers)]`: the layers `layer` holds as
    attributes, in the order Keras's saving walk visits them (public names
    sorted, then private ones); its own variables are `own_variables(layer)`."""
    attrs = vars(layer)
    out = []
    for name in sorted(attrs, key=lambda n: "~" + n if n.startswith("_") else n):
        if name.startswith("__") or name in _MACHINERY:
            continue
        value = attrs[name]
        if isinstance(value, Layer) and value is not layer:
            out.append((name, value))
        elif isinstance(value, (list, tuple)):
            held = [v for v in value if isinstance(v, Layer) and v is not layer]
            if held:
                out.append((name, held))
    return out


def own_variables(layer):
    """The variables `layer` created itself (not its sublayers'), in Keras's
    saving order: trainable first, then the others, each in creation order."""
    own = layer._own_weights()
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def _layers_in(value):
    if isinstance(value, Layer):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, Layer)]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, Layer)]
    return []


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [y for v in x for y in _flatten(v)]
    if isinstance(x, dict):
        return [y for v in x.values() for y in _flatten(v)]
    return [x]


_KerasTensor = None
_PLAIN = (Tensor, bool, type(None))   # argument types that are never symbolic


def _symbolic_args(args, kwargs):
    """Whether a call's arguments hold a KerasTensor (a functional-API call)."""
    for a in args:
        if type(a) not in _PLAIN and _has_keras_tensor(a):
            return True
    for a in kwargs.values():
        if type(a) not in _PLAIN and _has_keras_tensor(a):
            return True
    return False


def _has_keras_tensor(x):
    global _KerasTensor
    if type(x) is Tensor:   # the eager call's usual argument
        return False
    if _KerasTensor is None:
        from nnlite.layers.input_layer import KerasTensor
        _KerasTensor = KerasTensor
    if isinstance(x, _KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_keras_tensor(v) for v in x)
    if isinstance(x, dict):
        return any(_has_keras_tensor(v) for v in x.values())
    return False


def _convert_inputs(x, dtype, keep_int=False):
    """Tensors pass through; arrays become Tensors in the layer's dtype
    (integer arrays stay integers for layers that take indices)."""
    if isinstance(x, (list, tuple)):
        return type(x)(_convert_inputs(v, dtype, keep_int) for v in x)
    if isinstance(x, dict):
        return {k: _convert_inputs(v, dtype, keep_int) for k, v in x.items()}
    if x is None:
        return x
    if is_tensor(x):
        if x.dtype != dtype and np.issubdtype(x.dtype, np.floating):
            from nnlite.ops import core
            mask = getattr(x, "_keras_mask", None)
            x = core.cast(x, dtype)      # autocast, as Keras does; the mask stays
            if mask is not None:
                x._keras_mask = mask
        return x
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError("Expected numeric input data. Received: dtype=%s" % arr.dtype)
    if arr.ndim == 0:
        raise ValueError("Input data must have a batch dimension. Received: shape=()")
    if not (keep_int and np.issubdtype(arr.dtype, np.integer)):
        arr = np.ascontiguousarray(arr, dtype=dtype)
    return Tensor(arr)


def _named(error, layer):
    """`error` with the layer that raised it named first, as Keras 3 does
    ("Exception encountered when calling ..."), once: an error from a nested
    layer keeps the innermost layer's name."""
    if getattr(error, "_nl_layer_named", False) or type(error) not in (ValueError, TypeError):
        return error
    named = type(error)("Exception encountered when calling %s.call() of layer '%s'.\n\n%s"
                        % (type(layer).__name__, layer.name, error))
    named._nl_layer_named = True
    named.__cause__ = error.__cause__
    return named


def _masks_of(x):
    """The `_keras_mask`s of the inputs: one mask, or a list / dict of them;
    None when no input carries one."""
    if isinstance(x, (list, tuple)):
        masks = [_masks_of(v) for v in x]
        return masks if any(m is not None for m in masks) else None
    if isinstance(x, dict):
        masks = {k: _masks_of(v) for k, v in x.items()}
        return masks if any(m is not None for m in masks.values()) else None
    return getattr(x, "_keras_mask", None) if is_tensor(x) else None


def _shapes_of(x, keep_batch=False):
    if isinstance(x, (list, tuple)):
        return [_shapes_of(v, keep_batch) for v in x]
    if isinstance(x, dict):
        return {k: _shapes_of(v, keep_batch) for k, v in x.items()}
    if x is None:
        return None
    # a layer that takes raw inputs may get Python numbers
    shape = tuple(x.shape) if hasattr(x, "shape") else np.shape(x)
    return (None,) + shape[1:] if shape and not keep_batch else shape


def _weight_list(weights):
    """`set_weights`'s argument as a list of arrays (a list or tuple)."""
    if not isinstance(weights, (list, tuple)):
        raise TypeError("set_weights expects a list of arrays (as get_weights() returns). "
                        "Received: %r" % (type(weights).__name__,))
    return list(weights)
