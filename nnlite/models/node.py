"""Nodes of the functional graph, and `symbolic_call`: a layer called on KerasTensors.

Each call of a layer on symbolic inputs adds one `Node` to
`layer._inbound_nodes`: the call's arguments (KerasTensors in place), its
input and output KerasTensors. Each output remembers where it came from in
`_keras_history = (layer, node_index, tensor_index)`; `Functional` walks
these back from a model's outputs to find the graph.
"""
import collections

import numpy as np

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index",
                                                       "tensor_index"])


class Node:
    """One call of `layer` in the graph.

    Args:
        layer: The layer called.
        call_args: The positional arguments of the call (KerasTensors kept).
        call_kwargs: The keyword arguments of the call.
        input_tensors: The KerasTensors among the arguments, flattened.
        output_tensors: The KerasTensors the call returned, flattened.
    """

    def __init__(self, layer, call_args, call_kwargs, input_tensors, output_tensors,
                 outputs=None):
        self.operation = layer
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs)
        self.input_tensors = list(input_tensors)
        self.output_tensors = list(output_tensors)
        # the structure the call returned (a tensor, a tuple, a list, a dict)
        self.outputs = outputs if outputs is not None else (
            self.output_tensors[0] if len(self.output_tensors) == 1 else self.output_tensors)
        nodes = getattr(layer, "_inbound_nodes", None)
        if nodes is None:
            nodes = []
            layer._inbound_nodes = nodes
        index = len(nodes)
        nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._keras_history = KerasHistory(layer, index, i)

    @property
    def is_input(self):
        return not self.input_tensors

    @property
    def parent_nodes(self):
        """The nodes that produce this node's inputs."""
        out = []
        for t in self.input_tensors:
            layer, node_index, _ = t._keras_history
            out.append(layer._inbound_nodes[node_index])
        return out

    def __repr__(self):
        return "<Node %s[%d]>" % (self.layer.name, self.layer._inbound_nodes.index(self))


# -- structures of tensors ------------------------------------------------------
def flatten(x):
    """The leaves of nested lists/tuples/dicts (dicts in sorted key order, as Keras)."""
    if isinstance(x, (list, tuple)):
        return [y for v in x for y in flatten(v)]
    if isinstance(x, dict):
        return [y for k in sorted(x) for y in flatten(x[k])]
    return [x]


def map_structure(fn, x):
    if isinstance(x, list):
        return [map_structure(fn, v) for v in x]
    if isinstance(x, tuple):
        if hasattr(x, "_fields"):
            return type(x)(*(map_structure(fn, v) for v in x))
        return tuple(map_structure(fn, v) for v in x)
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    return fn(x)


def pack_like(structure, flat):
    """Puts the values `flat` into the shape of `structure` (inverse of `flatten`)."""
    it = iter(flat)

    def pack(s):
        if isinstance(s, (list, tuple)):
            return type(s)(pack(v) for v in s)
        if isinstance(s, dict):
            packed = {k: pack(s[k]) for k in sorted(s)}
            return {k: packed[k] for k in s}
        return next(it)
    return pack(structure)


def _is_keras_tensor(x):
    from nnlite.layers.input_layer import KerasTensor
    return isinstance(x, KerasTensor)


def _is_shape(s):
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer))
                                                for d in s)


# -- symbolic calls -------------------------------------------------------------
def _overrides_compute_output_shape(layer):
    """Whether the layer's output shape comes from its `compute_output_shape`
    (not when it says the shape is found by running it, as a Lambda without
    `output_shape` does: `infers_output_by_call`)."""
    from nnlite.layers.layer import Layer
    if getattr(layer, "infers_output_by_call", False):
        return False
    return type(layer).compute_output_shape is not Layer.compute_output_shape


def _describe_shapes(shapes):
    return str(shapes)


def _primary_inputs(args, kwargs):
    return args[0] if args else kwargs.get("inputs")


def output_spec(layer, args, kwargs):
    """(structure of (shape, dtype) pairs) of `layer` called on the KerasTensors
    in `args`/`kwargs`: the layer's `compute_output_shape` when its class
    defines one, else a dry run of `call` on zero-filled Tensors."""
    inputs = _primary_inputs(args, kwargs)
    shapes = map_structure(lambda t: t.shape if _is_keras_tensor(t) else None, inputs)
    if _overrides_compute_output_shape(layer) and all(
            _is_keras_tensor(t) for t in flatten(inputs)):
        out = layer.compute_output_shape(shapes)
        # a layer whose outputs differ from its dtype (lookups give int64) says so
        return _shape_structure(out, getattr(layer, "output_dtype", None) or layer.dtype)
    return dry_run(layer, args, kwargs)


def _shape_structure(out, dtype):
    if _is_shape(out):
        return (tuple(out), dtype)
    if isinstance(out, dict):
        return {k: _shape_structure(v, dtype) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return type(out)(_shape_structure(v, dtype) for v in out)
    raise TypeError("compute_output_shape must return a shape tuple or a structure of "
                    "them. Received: %r" % (out,))


def dry_run(layer, args, kwargs):
    """Calls `layer.call` on zeros standing for the KerasTensors: unknown sizes
    as 1, then (when there are unknown sizes) as 2; a size that follows them
    is unknown (None) in the output."""
    from nnlite.backend import tape
    from nnlite.backend.tensor import Tensor
    from nnlite.layers.layer import _call_parameters
    symbolic = [t for t in flatten((args, kwargs)) if _is_keras_tensor(t)]
    has_unknown = any(d is None for t in symbolic for d in t.shape)

    def run(fill):
        def concrete(x):
            if _is_keras_tensor(x):
                shape = tuple(fill if d is None else d for d in x.shape)
                if x.dtype == "string":
                    # text stays a NumPy array (strings cannot become Tensors):
                    # empty strings, as the layer would receive them
                    return np.full(shape, "", dtype=object)
                return Tensor(np.zeros(shape, dtype=x.dtype))
            return x
        a = map_structure(concrete, args)
        k = map_structure(concrete, kwargs)
        params = _call_parameters(type(layer).call)
        if "training" in params and "training" not in k:
            k["training"] = False
        if "mask" not in params:
            k.pop("mask", None)
        if not a and "inputs" in k:
            a = (k.pop("inputs"),)
        with layer.inference_scope(), np.errstate(all="ignore"):
            return layer.call(*a, **k)

    first = run(1)
    second = run(2) if has_unknown else None
    if second is None:
        return map_structure(lambda y: (tuple(np.shape(y)), _dtype_name(y)), first)
    flat1, flat2 = flatten(first), flatten(second)
    specs = []
    for y1, y2 in zip(flat1, flat2):
        s1, s2 = tuple(np.shape(y1)), tuple(np.shape(y2))
        if len(s1) != len(s2):
            shape = tuple(None for _ in s1)
        else:
            shape = tuple(a if a == b else None for a, b in zip(s1, s2))
        specs.append((shape, _dtype_name(y1)))
    return pack_like(first, specs)


def _freeze(shape):
    if isinstance(shape, (list, tuple)) and not _is_shape(shape):
        return tuple(_freeze(s) for s in shape)
    if isinstance(shape, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in shape.items()))
    return tuple(shape) if shape is not None else None


def _dtype_name(y):
    return np.dtype(getattr(y, "dtype", np.asarray(y).dtype)).name


def symbolic_call(layer, args, kwargs):
    """`layer(*args, **kwargs)` on KerasTensors: builds the layer for the input
    shapes (batch axis included), computes the output KerasTensor(s), records a
    `Node` and returns the outputs (in the structure `call` returns)."""
    from nnlite.layers.input_layer import KerasTensor
    args, kwargs = tuple(args), dict(kwargs)
    inputs = _primary_inputs(args, kwargs)
    input_tensors = [t for t in flatten((args, kwargs)) if _is_keras_tensor(t)]
    for t in input_tensors:
        if t._keras_history is None:
            raise ValueError(
                "Layer %s was called on a KerasTensor that no layer produced (%r). Use "
                "`nnlite.Input(...)` to create model inputs." % (layer.name, t))
    shapes = map_structure(lambda t: t.shape if _is_keras_tensor(t) else
                           (tuple(np.shape(t)) if t is not None else None), inputs)
    was_built = layer.built
    try:
        layer._maybe_build(shapes)
        spec = output_spec(layer, args, kwargs)
        built_for = getattr(layer, "_build_input_shape", None)
        if was_built and built_for is not None and _freeze(built_for) != _freeze(shapes) and \
                _overrides_compute_output_shape(layer):
            # a built layer on new shapes: its weights must fit them, which
            # compute_output_shape does not check; a dry run does
            dry_run(layer, args, kwargs)
    except (ValueError, TypeError, IndexError) as e:
        message = str(e)
        if layer.name in message and _describe_shapes(shapes) in message:
            raise
        raise type(e)('Exception encountered when calling layer "%s" (%s) on inputs of '
                      "shape %s: %s" % (layer.name, type(layer).__name__,
                                        _describe_shapes(shapes), message)) from e
    counter = [0]

    def make(s):
        shape, dtype = s
        name = layer.name if counter[0] == 0 else "%s_%d" % (layer.name, counter[0])
        counter[0] += 1
        return KerasTensor(shape, dtype, name)

    outputs = _map_specs(make, spec)
    output_tensors = [t for t in flatten(outputs) if _is_keras_tensor(t)]
    Node(layer, args, kwargs, input_tensors, output_tensors, outputs=outputs)
    return outputs


def _map_specs(fn, spec):
    if isinstance(spec, tuple) and len(spec) == 2 and _is_shape(spec[0]) and \
            isinstance(spec[1], str):
        return fn(spec)
    if isinstance(spec, dict):
        mapped = {k: _map_specs(fn, spec[k]) for k in sorted(spec)}
        return {k: mapped[k] for k in spec}
    if isinstance(spec, (list, tuple)):
        return type(spec)(_map_specs(fn, v) for v in spec)
    raise TypeError("Unexpected output of a layer call: %r" % (spec,))


def flatten_specs(spec):
    """The (shape, dtype) pairs of an output spec structure, in `flatten` order."""
    out = []
    _map_specs(out.append, spec)
    return out
