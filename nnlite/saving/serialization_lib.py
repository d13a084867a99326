"""Object <-> JSON-able config, in the format Keras 3 writes (`keras.saving`).

`serialize_keras_object(obj)` gives the dict Keras 3.15.1 writes for the same
object: `{"module", "class_name", "config", "registered_name"}` (plus
`"build_config"` for a built layer and `"compile_config"` for a compiled
model). `deserialize_keras_object(config)` turns such a dict back into an
object.

Reading a config never runs code from it: class names are looked up in
nnlite's own tables (by the Keras module the config names, `keras.layers`,
`keras.optimizers`, ...), in `custom_objects`, in the active
`custom_object_scope` and among `register_keras_serializable` names, and
nothing else. No module named in a config is ever imported, and serialized
bytecode (a `Lambda` layer's lambda) is refused: with Keras's message in
safe mode, and as not supported with `safe_mode=False` (nnlite never runs
code from a file). A `Lambda` of a named function loads like any function.
"""
import threading
import types

import numpy as np

from nnlite.saving.object_registration import (_GLOBAL_CUSTOM_NAMES, get_registered_name,
                                               get_registered_object)

DTYPE_POLICY_MODULE = "keras"


# ---------------------------------------------------------------------------
# the built-in objects, by Keras module
# ---------------------------------------------------------------------------
_BACKEND_OPTIMIZERS = tuple("keras.src.backend.%s.optimizers." % b
                            for b in ("torch", "jax", "tensorflow", "numpy"))


def _builtin_tables():
    """{keras module string: {class or function name: object}}, built on first use
    (the areas import nnlite.saving indirectly, so not at import time)."""
    global _TABLES
    if _TABLES is not None:
        return _TABLES
    from nnlite import (activations, constraints, initializers, layers, losses, metrics,
                        optimizers, regularizers)
    from nnlite.models.functional import Functional
    from nnlite.models.sequential import Sequential
    from nnlite.optimizers import schedules

    def classes(module_dict):
        return {k: v for k, v in module_dict.items() if isinstance(v, type) and k == v.__name__}

    opt = {cls.__name__: cls for cls in optimizers.ALL_OBJECTS_DICT.values()}
    sched = {name: getattr(schedules, name) for name in dir(schedules)
             if isinstance(getattr(schedules, name), type)}
    _TABLES = {
        "keras.layers": classes(layers.ALL_OBJECTS_DICT),
        "keras.initializers": classes(initializers.ALL_OBJECTS_DICT),
        "keras.regularizers": classes(regularizers.ALL_OBJECTS_DICT),
        "keras.constraints": classes(constraints.ALL_OBJECTS_DICT),
        "keras.optimizers": opt,
        "keras.optimizers.schedules": sched,
        "keras.losses": classes(losses.ALL_OBJECTS_DICT),
        "keras.metrics": classes(metrics.ALL_OBJECTS_DICT),
        "keras.src.models.functional": {"Functional": Functional},
        "keras": {"Sequential": Sequential, "Functional": Functional},
        "keras.models": {"Sequential": Sequential, "Functional": Functional},
    }
    # functions saved as {"module": "builtins", "class_name": "function", ...}
    functions = {}
    for table in (metrics.ALL_OBJECTS_DICT, losses.ALL_OBJECTS_DICT,
                  activations.ALL_OBJECTS_DICT):
        for name, obj in table.items():
            if isinstance(obj, types.FunctionType) and name == obj.__name__:
                functions[name] = obj
    _TABLES["builtins"] = functions
    _TABLES["keras.activations"] = dict(activations.ALL_OBJECTS_DICT)
    return _TABLES


_TABLES = None


def _keras_module_of(obj_or_cls):
    """The Keras module a built-in nnlite class or function is saved under, or None."""
    for module, table in _builtin_tables().items():
        if module in ("keras.models", "keras.activations"):
            continue
        name = getattr(obj_or_cls, "__name__", None)
        if name is not None and table.get(name) is obj_or_cls:
            return module
    return None


# ---------------------------------------------------------------------------
# serialization
# ---------------------------------------------------------------------------
def serialize_keras_object(obj):
    """Returns the JSON-able config Keras 3 writes for `obj`.

    Plain values stay as they are, tuples become lists, numpy scalars become
    Python numbers, numpy arrays become `{"class_name": "__numpy__", ...}`;
    functions become `{"module": "builtins", "class_name": "function",
    "config": name, ...}`; objects with `get_config()` become
    `{"module", "class_name", "config", "registered_name"}`.

    Args:
        obj: The object to serialize.

    Example:

    >>> serialize_keras_object(nnlite.regularizers.L2(0.01))
    {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.01},
     'registered_name': None}
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, np.generic) and obj.ndim == 0:
        return obj.item()
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {"class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        raise ValueError("Cannot serialize a lambda function: nnlite does not save "
                         "bytecode. Use a named function registered with "
                         "`@nnlite.saving.register_keras_serializable()`.")
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if isinstance(obj, type):
        raise TypeError("Cannot serialize a class (%s); serialize an instance." % obj.__name__)
    if not hasattr(obj, "get_config"):
        raise TypeError("Cannot serialize %r of type %s: it has no get_config() method."
                        % (obj, type(obj).__name__))
    return _serialize_instance(obj)


def _serialize_function(fn):
    if fn in _GLOBAL_CUSTOM_NAMES:
        return {"module": "builtins", "class_name": "function",
                "config": _GLOBAL_CUSTOM_NAMES[fn], "registered_name": "function"}
    return {"module": "builtins", "class_name": "function", "config": fn.__name__,
            "registered_name": "function"}


def _serialize_instance(obj):
    cls = type(obj)
    module = _keras_module_of(cls)
    if module is not None:
        # Keras names a class outside its public API (Functional, saved under
        # "keras.src.models.functional") by its registered name, the class name
        registered_name = cls.__name__ if module.startswith("keras.src.") else None
    else:
        # as Keras 3.15.1 writes custom objects: no module, found again by
        # the registered name ("package>Name") or the class name
        module = None
        registered_name = get_registered_name(cls)
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError("%s.get_config() must return a dict. Received: %r"
                        % (cls.__name__, config))
    result = {"module": module, "class_name": cls.__name__,
              "config": serialize_keras_object(config),
              "registered_name": registered_name}
    build_config = _get_build_config(obj)
    if build_config is not None:
        result["build_config"] = serialize_keras_object(build_config)
    if hasattr(obj, "get_compile_config"):
        # Keras writes `"compile_config": {}` for a model never compiled
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            result["compile_config"] = serialize_keras_object(compile_config)
    return result


_LAYERS_WITH_BUILD_CONFIG = ("Dense", "BatchNormalization", "LayerNormalization", "PReLU",
                              "Flatten", "Add", "Subtract", "Multiply", "Average", "Maximum",
                              "Minimum", "Concatenate", "Dot", "SimpleRNN", "LSTM", "GRU", "RNN",
                              "Bidirectional", "TimeDistributed")


def _get_build_config(obj):
    """Keras writes a build config for models and for the layers it builds
    when a model is built (in Keras 3.15.1, of nnlite's layers: Dense,
    BatchNormalization, LayerNormalization, PReLU and Flatten; custom layers
    with their own `build()`), not for the weightless ones it creates built."""
    from nnlite.layers.layer import Layer
    if hasattr(obj, "get_build_config"):
        return obj.get_build_config()
    if not isinstance(obj, Layer):
        return None
    if _keras_module_of(type(obj)) == "keras.layers":
        wants = type(obj).__name__ in _LAYERS_WITH_BUILD_CONFIG
    else:
        wants = type(obj).build is not Layer.build
    if wants:
        shape = getattr(obj, "_build_input_shape", None)
        if shape is not None:
            return {"input_shape": list(shape)}
    return None


def _build_from_config(obj, build_config):
    if hasattr(obj, "build_from_config"):
        obj.build_from_config(build_config)
        return
    from nnlite.layers.layer import Layer
    if isinstance(obj, Layer):
        obj.build_from_config(build_config)


def serialize_activation(fn):
    """A layer's `activation` entry: the name of a built-in activation (as
    Keras writes it), else the function's serialized form."""
    from nnlite import activations
    name = activations.serialize(fn)
    if activations.ALL_OBJECTS_DICT.get(name) is fn:
        return name
    return serialize_keras_object(fn)


def serialize_dtype(dtype):
    """The `dtype` entry of a layer config: a DTypePolicy dict, as Keras writes it."""
    return {"module": DTYPE_POLICY_MODULE, "class_name": "DTypePolicy",
            "config": {"name": dtype}, "registered_name": None}


def deserialize_dtype(dtype):
    """A dtype name from a layer config's `dtype` (a string, `None` or a DTypePolicy dict)."""
    if dtype is None or isinstance(dtype, str):
        return dtype
    if isinstance(dtype, dict):
        if dtype.get("class_name") not in ("DTypePolicy", "Policy"):
            raise ValueError("Unsupported dtype policy %r: nnlite only has plain float "
                             "policies (DTypePolicy)." % (dtype.get("class_name"),))
        config = dtype.get("config")
        if not isinstance(config, dict) or not isinstance(config.get("name"), str):
            raise ValueError("Malformed DTypePolicy config: %r" % (dtype,))
        name = config["name"]
        if name.startswith("mixed_"):
            raise ValueError("Mixed-precision policy %r is not supported by nnlite." % name)
        return name
    raise TypeError("dtype must be a string or a DTypePolicy config. Received: dtype=%r"
                    % (dtype,))


# ---------------------------------------------------------------------------
# deserialization
# ---------------------------------------------------------------------------
_LAMBDA_CLASSES = ("__lambda__",)

_safe_mode = threading.local()
_unsafe_globally = [False]


class SafeModeScope:
    """The `safe_mode` a deserialization runs in, seen by nested `from_config`
    calls (`in_safe_mode()`), as Keras's scope of the same name.

    Args:
        safe_mode: `True`, `False`, or `None` (inherit). Defaults to `True`.
    """

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_safe_mode, "value", None)
        if self.safe_mode is not None:
            _safe_mode.value = bool(self.safe_mode)
        return self

    def __exit__(self, *exc):
        _safe_mode.value = self._previous
        return False


def in_safe_mode():
    """The `safe_mode` of the innermost `SafeModeScope`: `False` after
    `nnlite.config.enable_unsafe_deserialization()`, else `None` outside any scope."""
    if _unsafe_globally[0]:
        return False
    return getattr(_safe_mode, "value", None)


def enable_unsafe_deserialization():
    """Lets deserialization run as with `safe_mode=False` everywhere (as Keras).
    nnlite still never runs bytecode from a config: a lambda then raises
    NotImplementedError instead of ValueError."""
    _unsafe_globally[0] = True


def deserialize_keras_object(config, custom_objects=None, safe_mode=True,
                             module_objects=None, **kwargs):
    """Turns a config written by `serialize_keras_object` (or by Keras 3) back
    into an object.

    Args:
        config: A dict `{"module", "class_name", "config", "registered_name"}`,
            a list, or a plain value.
        custom_objects: Optional dict mapping names to custom classes or
            functions. Defaults to `None`.
        safe_mode: Refuse configs that would run code (lambdas). nnlite never
            runs code from a config, so `False` only changes the message.
            Defaults to `True`.
        module_objects: Optional dict of name -> object searched before the
            built-in tables, e.g. `nnlite.metrics.ALL_OBJECTS_DICT` to read a
            Keras 2 config (no `module` key) whose class name exists both as a
            loss and as a metric. Defaults to `None`.

    Raises:
        TypeError: for a class that cannot be found, or a malformed config.
        ValueError: for Lambda layers and lambda functions.
    """
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError("custom_objects must be a dict. Received: custom_objects=%r"
                        % (custom_objects,))
    custom_objects = dict(custom_objects or {})
    scoped = in_safe_mode()      # an enclosing load's safe_mode wins, as in Keras
    safe_mode = scoped if scoped is not None else bool(safe_mode)
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode, module_objects)
                for c in config]
    if not isinstance(config, dict):
        raise TypeError("Could not parse config: expected a dict, a list or a plain value. "
                        "Received: %r (of type %s)" % (config, type(config).__name__))
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, module_objects)
                for k, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"]
    module = config.get("module")
    registered_name = config.get("registered_name")
    for key, value in (("class_name", class_name), ("module", module),
                       ("registered_name", registered_name)):
        if value is not None and not isinstance(value, str):
            raise TypeError("Malformed config: %r must be a string. Received: %r"
                            % (key, value))
    if class_name is None:
        raise TypeError("Malformed config: class_name is missing. Received: %r" % (config,))

    if class_name in _LAMBDA_CLASSES or (isinstance(inner, dict) and
                                        ("function_type" in inner and inner.get(
                                            "function_type") == "lambda")):
        _refuse_lambda(safe_mode)
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(inner.get("value", []), custom_objects, safe_mode))
    if class_name == "__numpy__":
        if not isinstance(inner, dict) or "value" not in inner:
            raise TypeError("Malformed __numpy__ config: %r" % (config,))
        return numpy_from_config(inner)
    if class_name == "__bytes__":
        if not isinstance(inner, dict) or not isinstance(inner.get("value"), str):
            raise TypeError("Malformed __bytes__ config: %r" % (config,))
        return inner["value"].encode("utf-8")
    if class_name == "__typespec__" or class_name == "__tensor__":
        raise TypeError("Config of class %r is not supported by nnlite." % class_name)
    if class_name == "function":
        if module_objects and isinstance(inner, str) and inner in module_objects:
            return module_objects[inner]
        return _deserialize_function(inner, module, custom_objects)
    if class_name in ("DTypePolicy", "Policy") and module in (None, "keras", "keras.mixed_precision"):
        return deserialize_dtype(config)

    if module_objects and isinstance(module_objects.get(class_name), type):
        cls = get_registered_object(registered_name or class_name, custom_objects) or \
            module_objects[class_name]
    else:
        cls = _find_class(class_name, module, registered_name, custom_objects)
    if not isinstance(inner, dict):
        raise TypeError("Malformed config for %s: 'config' must be a dict. Received: %r"
                        % (class_name, inner))
    from nnlite.saving.object_registration import CustomObjectScope
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        if not hasattr(cls, "from_config"):
            raise TypeError("%s cannot be built from a config: it has no from_config()."
                            % class_name)
        try:
            obj = _call_from_config(cls, inner, custom_objects)
        except TypeError as e:
            raise TypeError("%s could not be deserialized properly: %s. Config: %r"
                            % (class_name, e, inner)) from None
        build_config = config.get("build_config")
        if build_config and not getattr(obj, "built", False):
            _build_from_config(obj, build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj


_NUMPY_DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                           "uint32", "uint64", "float16", "float32", "float64"])
MAX_NUMPY_ELEMENTS = 1 << 24      # more than a 16 MB config.json can spell out


def _nested_shape(value):
    """The shape of a nested list of numbers, checked to be regular, and the
    element count, without allocating an array (iterative)."""
    shape = []
    probe = value
    while isinstance(probe, list):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    count = 0
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if depth < len(shape):
            if not isinstance(v, list) or len(v) != shape[depth]:
                raise ValueError("Malformed __numpy__ config: the value is not a regular "
                                 "nested list of shape %s" % (tuple(shape),))
            stack.extend((x, depth + 1) for x in v)
        else:
            if isinstance(v, list) or not isinstance(v, (bool, int, float)):
                raise ValueError("Malformed __numpy__ config: the value holds %r; only "
                                 "numbers and booleans are accepted" % (type(v).__name__,))
            count += 1
            if count > MAX_NUMPY_ELEMENTS:
                raise ValueError("Malformed __numpy__ config: more than %d values"
                                 % MAX_NUMPY_ELEMENTS)
    return tuple(shape), count


def numpy_from_config(inner):
    """The array of a `__numpy__` config: a plain numeric or bool dtype, a
    bounded size, and a declared `shape` (when given) that matches the data,
    all checked before anything is allocated."""
    dtype = inner.get("dtype")
    if dtype is None:
        dtype = "float64"
    if not isinstance(dtype, str) or dtype not in _NUMPY_DTYPES:
        raise ValueError("Malformed __numpy__ config: the dtype %r is not accepted (only "
                         "%s)" % (dtype, ", ".join(sorted(_NUMPY_DTYPES))))
    value = inner["value"]
    shape, count = _nested_shape(value)
    declared = inner.get("shape")
    if declared is not None:
        if not isinstance(declared, list) or not all(
                isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in declared):
            raise ValueError("Malformed __numpy__ config: the shape %r is not a list of "
                             "sizes" % (declared,))
        if tuple(declared) != shape:
            raise ValueError("Malformed __numpy__ config: it declares shape %s but its data "
                             "has shape %s (%d values)" % (tuple(declared), shape, count))
    try:
        return np.array(value, dtype=dtype)
    except OverflowError as e:
        raise ValueError("Malformed __numpy__ config: %s" % e) from None


def _call_from_config(cls, inner, custom_objects):
    from nnlite.models.model import Model
    from nnlite.optimizers.optimizer import Optimizer
    if issubclass(cls, (Model, Optimizer)):
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _refuse_lambda(safe_mode):
    if safe_mode:
        raise ValueError(
            "Requested the deserialization of a lambda function, whose Python bytecode is "
            "stored in the config. This is refused for safety (`safe_mode=True`): loading "
            "it would run arbitrary code.")
    raise ValueError("Lambda functions stored as bytecode are not supported by nnlite "
                     "(it never runs bytecode stored in a config).")


def _find_class(class_name, module, registered_name, custom_objects):
    """Looks a class up by name only: scopes, custom_objects, registry, then the
    built-in table of the Keras module the config names. Nothing is imported."""
    for name in (registered_name, class_name):
        if name:
            obj = get_registered_object(name, custom_objects)
            if obj is not None:
                return obj
    if class_name == "Model":
        raise TypeError("Could not locate class 'Model': nnlite cannot rebuild a subclassed "
                        "model from its config; register the subclass with "
                        "`@nnlite.saving.register_keras_serializable()`.")
    tables = _builtin_tables()
    if module is None:
        # Keras 2 style ({"class_name", "config"} only): try every table
        for table_module, table in tables.items():
            if table_module != "builtins" and class_name in table:
                return table[class_name]
    else:
        table = tables.get(module)
        if table is None and module.startswith(_BACKEND_OPTIMIZERS):
            # Keras on PyTorch or JAX writes its backend's optimizer subclass
            # (e.g. keras.src.backend.torch.optimizers.torch_adam.Adam)
            table = tables.get("keras.optimizers")
        if table is None and module.startswith("keras.src."):
            # Keras writes the private module for some classes (e.g. Functional)
            table = {}
        if table is not None and class_name in table:
            return table[class_name]
    raise TypeError(
        "Could not locate class '%s' (module %r). Make sure custom classes are decorated "
        "with `@nnlite.saving.register_keras_serializable()` or passed in "
        "`custom_objects`. nnlite never imports modules named in a config. Known classes "
        "for this module: %s"
        % (class_name, module, ", ".join(sorted(tables.get(module or "", {}))) or
           "(none: %s is not a Keras module nnlite knows)" % (module,)))


def _deserialize_function(name, module, custom_objects):
    if not isinstance(name, str):
        raise TypeError("Malformed function config: 'config' must be the function's name. "
                        "Received: %r" % (name,))
    obj = get_registered_object(name, custom_objects)
    if obj is not None:
        return obj
    tables = _builtin_tables()
    for table_module in ("builtins", "keras.activations"):
        if name in tables[table_module]:
            return tables[table_module][name]
    raise TypeError(
        "Could not locate function '%s' (module %r). Make sure custom functions are "
        "decorated with `@nnlite.saving.register_keras_serializable()` or passed in "
        "`custom_objects`. nnlite never imports modules named in a config." % (name, module))
