"""Ops on KerasTensors: how `ops.relu(x)` works in the functional API.

Every public op of `nnlite.ops` is wrapped once (`install`) so that, called
with a KerasTensor anywhere in its arguments, it records an `OpLayer` node of
the functional graph instead of computing, as Keras 3's `Operation.__call__`
does. The node's output shape and dtype come from running the op on zeros of
the input shapes (`nnlite.models.node.output_spec`); when the model runs, the
node calls the same op on Tensors. Called on Tensors, arrays or numbers the
wrapped op is the op itself.

The op is saved by its public name (`OpLayer(op="mean")`, the call's other
arguments in the node), so nothing but nnlite's own ops is ever looked up
when a model is loaded.
"""
import functools
import inspect

# ops that answer about a KerasTensor instead of recording a node, or that
# have no symbolic meaning
_NOT_RECORDED = frozenset(("shape", "dtype", "is_tensor", "convert_to_numpy",
                           "convert_to_tensor", "ndim"))

_OPS = {}      # public name ("mean", "image.resize") -> the op as written


_KERAS_TENSOR = None    # the KerasTensor class, imported on first use (layers import ops)


def _keras_tensor_type():
    global _KERAS_TENSOR
    if _KERAS_TENSOR is None:
        from nnlite.layers.input_layer import KerasTensor
        _KERAS_TENSOR = KerasTensor
    return _KERAS_TENSOR


def _any_symbolic(values, kt):
    for v in values:
        if isinstance(v, kt):
            return True
        if isinstance(v, (list, tuple)) and _any_symbolic(v, kt):
            return True
        if isinstance(v, dict) and _any_symbolic(v.values(), kt):
            return True
    return False


def has_keras_tensor(args, kwargs=None):
    """Whether a KerasTensor is among `args` (and the values of `kwargs`), nested
    in lists, tuples and dicts."""
    kt = _keras_tensor_type()
    return _any_symbolic(args, kt) or bool(kwargs) and _any_symbolic(kwargs.values(), kt)


def _first_float_dtype(values, kt):
    for v in values:
        if isinstance(v, kt) and v.dtype in ("float32", "float64"):
            return v.dtype
        if isinstance(v, (list, tuple)):
            found = _first_float_dtype(v, kt)
            if found:
                return found
    return None


def symbolic_call(name, fn, args, kwargs):
    """`fn(*args, **kwargs)` recorded as an `OpLayer` node (some argument is a
    KerasTensor). The node keeps the arguments as given; a call with keywords
    only is bound to `fn`'s signature, so its first operand becomes positional
    (a layer call needs one)."""
    from nnlite.layers.op_layer import OpLayer
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError("ops.%s: %s" % (name, e)) from None
    if not args:
        args, kwargs = bound.args, bound.kwargs
    if not args:
        raise TypeError("ops.%s needs a positional argument to record on a KerasTensor."
                        % name)
    dtype = _first_float_dtype(list(args) + list(kwargs.values()), _keras_tensor_type())
    return OpLayer(name, dtype=dtype)(*args, **kwargs)


def recording(name, fn):
    """`fn` wrapped to record an `OpLayer` node when called on KerasTensors."""

    @functools.wraps(fn)
    def op(*args, **kwargs):
        kt = _KERAS_TENSOR or _keras_tensor_type()     # inlined: this runs on every op
        if _any_symbolic(args, kt) or (kwargs and _any_symbolic(kwargs.values(), kt)):
            return symbolic_call(name, fn, args, kwargs)
        return fn(*args, **kwargs)

    op.recorded_op_name = name
    return op


def install(namespace, names, prefix=""):
    """Replaces each public op `names` in the module dict `namespace` by its
    recording form (once: an op already wrapped stays as it is) and registers
    it under `prefix + name`."""
    for name in names:
        fn = namespace.get(name)
        if name in _NOT_RECORDED or not callable(fn) or isinstance(fn, type):
            continue
        public = prefix + name
        if getattr(fn, "recorded_op_name", None) is None:
            known = _OPS.get(public)
            # the same op reached through another namespace gets the same wrapper
            fn = known if getattr(known, "__wrapped__", None) is fn else recording(public, fn)
            namespace[name] = fn
        _OPS.setdefault(public, fn)


def get(name):
    """The public op called `name` (`"mean"`, `"image.resize"`)."""
    if not isinstance(name, str) or name not in _OPS:
        raise ValueError("Unknown op %r: expected the name of a public nnlite.ops "
                         "function. Received: op=%r" % (name, name))
    return _OPS[name]


def names():
    """The names of the ops that record nodes on KerasTensors, sorted."""
    return sorted(_OPS)
