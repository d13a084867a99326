"""Functional: a model defined by a graph of layer calls, `Model(inputs, outputs)`.

`x = Input((4,)); h = Dense(8)(x); y = Dense(1)(h); Model(x, y)`: the layer
calls on KerasTensors recorded `Node`s (`nnlite.models.node`); the model walks
them back from its outputs to its inputs, orders them (deepest first, as
Keras does) and replays them on real Tensors when it is called.
"""
import collections
import inspect

import numpy as np

from nnlite.layers.input_layer import InputLayer, KerasTensor
from nnlite.layers.layer import Layer
from nnlite.models.model import Model
from nnlite.models.node import flatten, flatten_specs, map_structure, output_spec, pack_like
from nnlite.utils import summary_utils


class Functional(Model):
    """A model whose layers form a directed acyclic graph.

    Args:
        inputs: The model's inputs: a KerasTensor from `Input(...)`, a list of
            them, or a dict of them by name.
        outputs: The model's outputs: KerasTensors computed from `inputs`, as
            one tensor, a list or a dict.
        name: Defaults to `functional`, `functional_1`, ...
        trainable: Defaults to `True`.

    Example:

    >>> a = Input((4,), name="a"); b = Input((2,), name="b")
    >>> h = Dense(8, activation="relu")(concatenate([a, b]))
    >>> model = Model([a, b], Dense(1)(h))
    >>> model.predict([np.ones((3, 4)), np.ones((3, 2))]).shape
    (3, 1)
    """

    # integer inputs (token ids) keep their dtype until matched to an Input
    _keep_int_inputs = True

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        dtype = kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError("Unrecognized keyword arguments passed to Functional: %s"
                             % (kwargs,))
        if dtype is None:
            # the model converts arrays to its dtype: that of its float inputs
            floats = [t.dtype for t in flatten(inputs) if isinstance(t, KerasTensor)
                      and t.dtype in ("float32", "float64")]
            dtype = floats[0] if floats else None
        Model.__init__(self, name=name, trainable=trainable, dtype=dtype)
        self._inputs_struct = _copy_structure(_check_structure("inputs", inputs))
        self._outputs_struct = _copy_structure(_check_structure("outputs", outputs))
        self._input_tensors = flatten(self._inputs_struct)
        # a model taking text gets its inputs as given; each is converted by its Input
        self._raw_inputs = any(t.dtype == "string" for t in self._input_tensors)
        self._output_tensors = flatten(self._outputs_struct)
        for t in self._input_tensors:
            if not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(
                    "All `inputs` of a Functional model must come from `nnlite.Input(...)`. "
                    "Received: %r, produced by layer %s" % (t, t._keras_history[0].name))
        self._build_graph()
        self._layers = list(self._operations)
        shapes = [t.shape for t in self._input_tensors]
        self._build_input_shape = shapes[0] if len(shapes) == 1 else shapes
        self.built = True

    # -- graph ---------------------------------------------------------------
    def _build_graph(self):
        """Finds the nodes between inputs and outputs and orders them as Keras's
        `_build_map` does: by depth (distance to the outputs), deepest first,
        layers of one depth in the order the walk from the outputs met them."""
        input_ids = {id(t) for t in self._input_tensors}
        finished, in_progress = set(), set()
        order = []                       # nodes, each after the nodes it needs
        layer_index = {}

        def visit(tensor):
            layer, node_index, _ = tensor._keras_history
            node = layer._inbound_nodes[node_index]
            if id(node) in finished:
                return
            if id(node) in in_progress:
                raise ValueError("Tensor %r from layer '%s' is part of a cycle."
                                 % (tensor, layer.name))
            if id(layer) not in layer_index:
                layer_index[id(layer)] = len(layer_index)
            in_progress.add(id(node))
            if id(tensor) not in input_ids:
                if node.is_input:
                    raise ValueError(
                        "Graph disconnected: cannot find parent for tensor %r at layer "
                        '"%s": it comes from an Input that is not among the model\'s '
                        "inputs %s." % (tensor, layer.name,
                                        [t.name for t in self._input_tensors]))
                for t in node.input_tensors:
                    visit(t)
            in_progress.discard(id(node))
            finished.add(id(node))
            order.append(node)

        for t in self._output_tensors:
            visit(t)

        depth_of_node, depth_of_layer = {}, {}
        for node in reversed(order):
            depth = max(depth_of_node.setdefault(id(node), 0),
                        depth_of_layer.get(id(node.layer), 0))
            depth_of_layer[id(node.layer)] = depth
            depth_of_node[id(node)] = depth
            if node.is_input:
                continue
            for parent in node.parent_nodes:
                depth_of_node[id(parent)] = max(depth + 1, depth_of_node.get(id(parent), 0))
        nodes = {id(n): n for n in order}
        for t in self._input_tensors:
            layer = t._keras_history[0]
            if id(layer) not in depth_of_layer:      # an input no output uses
                depth_of_layer[id(layer)] = 0
                layer_index[id(layer)] = -1
                node = layer._inbound_nodes[0]
                depth_of_node[id(node)] = 0
                nodes[id(node)] = node
        by_depth = collections.defaultdict(list)
        for key, depth in depth_of_node.items():
            by_depth[depth].append(nodes[key])
        layers_by_depth = collections.defaultdict(list)
        layers = {}
        for node in nodes.values():
            layers[id(node.layer)] = node.layer
        for key, depth in depth_of_layer.items():
            layers_by_depth[depth].append(layers[key])
        operations = []
        for depth in sorted(layers_by_depth, reverse=True):
            operations.extend(sorted(layers_by_depth[depth],
                                     key=lambda l: layer_index[id(l)]))
        names = collections.Counter(l.name for l in operations)
        for n, count in names.items():
            if count > 1:
                raise ValueError('The name "%s" is used %d times in the model. All layer '
                                 "names should be unique." % (n, count))
        self._nodes_by_depth = dict(by_depth)
        self._network_nodes = {(id(n.layer), n.layer._inbound_nodes.index(n))
                               for n in nodes.values()}
        self._node_list = [n for d in sorted(by_depth, reverse=True) for n in by_depth[d]]
        self._operations = operations

    def executor_graph(self):
        """The graph as an executor reads it: `[(layer, sources, call_kwargs)]`,
        one entry per layer call, each after the calls it reads; `sources` are
        positions in this list, -1 the model's input. None for a model with
        several inputs or outputs, or with a call of several outputs."""
        if len(self._input_tensors) != 1 or len(self._output_tensors) != 1:
            return None
        where = {id(self._input_tensors[0]): -1}
        out = []
        for node in self._node_list:
            if node.is_input:
                continue
            if len(node.output_tensors) != 1 or any(id(t) not in where
                                                    for t in node.input_tensors):
                return None
            out.append((node.layer, [where[id(t)] for t in node.input_tensors],
                        dict(node.call_kwargs)))
            where[id(node.output_tensors[0])] = len(out) - 1
        if where.get(id(self._output_tensors[0])) != len(out) - 1:
            return None
        return out

    def _in_graph(self, layer, node_index):
        return (id(layer), node_index) in self._network_nodes

    def _own_node_indices(self, layer):
        return [i for i in range(len(layer._inbound_nodes)) if self._in_graph(layer, i)]

    def _sublayers(self):
        return list(self._layers)

    @property
    def layers(self):
        """The layers, InputLayers included, each once, deepest first (Keras's order)."""
        return list(self._layers)

    @property
    def operations(self):
        return list(self._operations)

    def graph_nodes(self):
        """The layer calls of this model's graph, as `Node`s, each after the
        nodes it reads (the order `call` runs them); an InputLayer's node
        (no inputs, `node.is_input`) comes before the calls that read it.

        Each node has `layer`, `input_tensors`, `output_tensors` (KerasTensors,
        flattened, with `shape` and `dtype`) and `parent_nodes` (the node that
        produced each input tensor, in the same order). Calls of a shared
        layer made outside this model are not included. `plot_model` draws
        the graph from these.
        """
        return list(self._node_list)

    def input_readers(self):
        """`(layer, input index)` for each layer call that reads a model input
        directly (index into `inputs`)."""
        position = {id(t): i for i, t in enumerate(self._input_tensors)}
        return [(node.layer, position[id(t)]) for node in self._node_list
                if not getattr(node, "is_input", False)
                for t in node.input_tensors if id(t) in position]

    # -- inputs and outputs ----------------------------------------------------------
    @property
    def inputs(self):
        return list(self._input_tensors)

    @property
    def outputs(self):
        return list(self._output_tensors)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = map_structure(lambda t: t.shape, self._inputs_struct)
        return _unpack_singleton(shapes)

    @property
    def output_shape(self):
        shapes = map_structure(lambda t: t.shape, self._outputs_struct)
        return _unpack_singleton(shapes)

    @property
    def input_names(self):
        return [t._keras_history[0].name for t in self._input_tensors]

    @property
    def output_names(self):
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [t._keras_history[0].name for t in self._output_tensors]

    # -- running ------------------------------------------------------------------------
    def build(self, input_shape=None):
        """A functional model is built when it is made; this checks nothing else."""
        self.built = True

    def _standardize_inputs(self, inputs):
        """The call's inputs as a flat list in `self.inputs` order."""
        struct = self._inputs_struct
        n = len(self._input_tensors)
        if isinstance(inputs, dict):
            if isinstance(struct, dict):
                keys = sorted(struct)
            else:
                keys = [t.name for t in self._input_tensors]
            missing = [k for k in keys if k not in inputs and not _optional(struct, k, self)]
            if missing:
                raise ValueError("Missing data for input(s) %s of model '%s'. Expected the "
                                 "keys %s. Received keys: %s"
                                 % (missing, self.name, keys, sorted(inputs)))
            flat = [inputs.get(k) for k in keys]
        elif isinstance(inputs, (list, tuple)):
            flat = list(inputs)
            if n == 1 and len(flat) != 1:
                flat = [inputs]
        else:
            flat = [inputs]
        if len(flat) != n:
            raise ValueError("Model '%s' expects %d input(s), but it received %d input "
                             "tensors." % (self.name, n, len(flat)))
        out = []
        for i, (t, x) in enumerate(zip(self._input_tensors, flat)):
            out.append(self._adapt_one_input(i, t, x))
        return out

    def _adapt_one_input(self, i, t, x):
        from nnlite import ops
        if x is None:
            if t._keras_history[0].optional:
                return None
            raise ValueError("Input %d (%s) of model '%s' is None but is not optional."
                             % (i, t.name, self.name))
        if t.dtype == "string":
            # raw text stays a NumPy array of str for the layers that take it
            x = np.asarray(x)
            if x.dtype.kind not in "USO":
                raise TypeError("Input %d (%s) of model '%s' takes strings. Received: "
                                "dtype=%s" % (i, t.name, self.name, x.dtype))
            expand, squeeze = np.expand_dims, np.squeeze
        else:
            if not ops.is_tensor(x) or x.dtype != np.dtype(t.dtype):
                x = ops.convert_to_tensor(x, dtype=t.dtype)
            expand, squeeze = ops.expand_dims, ops.squeeze
        expected = t.shape
        shape = tuple(x.shape)
        if len(shape) == len(expected) - 1 and expected[-1] == 1:
            x = expand(x, -1)
        elif len(shape) == len(expected) + 1 and shape[-1] == 1:
            x = squeeze(x, -1)
        shape = tuple(x.shape)
        if len(shape) != len(expected) or any(
                e is not None and e != a for e, a in zip(expected, shape)):
            raise ValueError('Input %d of layer "%s" is incompatible with the layer: expected '
                             "shape=%s, found shape=%s" % (i, self.name, expected, shape))
        return x

    def call(self, inputs, training=None, mask=None):
        """Runs the graph on `inputs` (arrays or Tensors: one, a list in
        `inputs` order, or a dict by input name) and returns the outputs in the
        structure the model was built with."""
        flat_inputs = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat_inputs, mask if isinstance(mask, (list, tuple)) else [mask]):
                if m is not None and x is not None:
                    x._keras_mask = m
        values = {id(t): v for t, v in zip(self._input_tensors, flat_inputs)}

        def value(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._node_list:
            if node.is_input:
                continue
            args = map_structure(value, node.call_args)
            kwargs = map_structure(value, node.call_kwargs)
            if training is not None and "training" not in kwargs:
                kwargs["training"] = training
            out = node.layer(*args, **kwargs)
            flat = flatten(out)
            if len(flat) != len(node.output_tensors):
                raise ValueError("Layer %s returned %d outputs, but its graph node has %d."
                                 % (node.layer.name, len(flat), len(node.output_tensors)))
            for t, v in zip(node.output_tensors, flat):
                values[id(t)] = v
        return pack_like(self._outputs_struct, [values[id(t)] for t in self._output_tensors])

    def compute_output_shape(self, input_shape):
        """The output shape(s) for input shape(s) `input_shape` (one shape, a
        list in `inputs` order or a dict by name), from each layer's rule."""
        if isinstance(input_shape, dict):
            keys = sorted(self._inputs_struct) if isinstance(self._inputs_struct, dict) \
                else [t.name for t in self._input_tensors]
            shapes = [input_shape[k] for k in keys]
        elif len(self._input_tensors) == 1 and not (
                isinstance(input_shape, (list, tuple)) and len(input_shape) == 1
                and isinstance(input_shape[0], (list, tuple))):
            shapes = [input_shape]
        else:
            shapes = list(input_shape)
        specs = {id(t): KerasTensor(tuple(s), t.dtype, t.name)
                 for t, s in zip(self._input_tensors, shapes)}

        def spec(x):
            return specs[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._node_list:
            if node.is_input:
                continue
            args = map_structure(spec, node.call_args)
            kwargs = map_structure(spec, node.call_kwargs)
            out = flatten_specs(output_spec(node.layer, args, kwargs))
            for t, (shape, dtype) in zip(node.output_tensors, out):
                specs[id(t)] = KerasTensor(shape, dtype, t.name)
        result = pack_like(self._outputs_struct,
                           [specs[id(t)].shape for t in self._output_tensors])
        return _unpack_singleton(result)

    # -- summary ------------------------------------------------------------------------
    def _is_sequential_like(self):
        nodes = []
        for depth_nodes in self._nodes_by_depth.values():
            if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and
                                        len(depth_nodes[0].input_tensors) > 1):
                return False
            nodes += depth_nodes
        ids = {id(n) for n in nodes}
        for layer in self.layers:
            if sum(1 for n in layer._inbound_nodes if id(n) in ids) > 1:
                return False
        return True

    def _summary_rows(self, connections, expand_nested=False):
        rows = []

        def add(layer, level, indices):
            nodes = getattr(layer, "_inbound_nodes", None) or []
            if indices:
                outs = nodes[indices[-1]].output_tensors
                shapes = [summary_utils.shape_text(t.shape) for t in outs]
                shape = shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"
            else:
                shape = summary_utils.built_output_shape_text(layer)
            params = layer.count_params() if layer.built else None
            prefix = "   " * level + "└ " if level else ""
            row = (prefix + layer.name, type(layer).__name__, shape, params)
            if connections:
                links = []
                for i in indices:
                    for t in nodes[i].input_tensors:
                        src, node_index, tensor_index = t._keras_history
                        links.append("%s[%d][%d]" % (src.name, node_index, tensor_index))
                row += (", ".join(links) or "-",)
            rows.append(row)
            if expand_nested and isinstance(layer, Model):
                for inner in layer.layers:
                    add(inner, level + 1, [])

        for layer in self.layers:
            add(layer, 0, self._own_node_indices(layer))
        return rows

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints Keras 3's table of layers: InputLayers included, and a
        `Connected to` column unless the graph is a plain chain."""
        connections = not self._is_sequential_like()
        rows = self._summary_rows(connections, expand_nested)
        trainable_w = self.trainable_weights
        weights = self.weights
        trainable = sum(int(np.prod(w.shape)) for w in trainable_w)
        total = sum(int(np.prod(w.shape)) for w in weights)
        trainable_bytes = sum(np.asarray(w.value).nbytes for w in trainable_w)
        all_bytes = sum(np.asarray(w.value).nbytes for w in weights)
        opt_params = opt_bytes = None
        optimizer = getattr(self, "optimizer", None)
        if optimizer is not None and getattr(optimizer, "built", False):
            opt_vars = optimizer.variables
            opt_params = sum(int(np.prod(v.shape)) for v in opt_vars)
            opt_bytes = sum(np.asarray(v.value).nbytes for v in opt_vars)
        summary_utils.print_summary(self.name, rows, total, trainable, total - trainable,
                      optimizer_params=opt_params, line_length=line_length, print_fn=print_fn,
                      trainable_bytes=trainable_bytes,
                      non_trainable_bytes=all_bytes - trainable_bytes,
                      optimizer_bytes=opt_bytes, connections=connections)

    # -- config ---------------------------------------------------------------------------
    def get_config(self):
        """Keras 3's functional config: `{name, trainable, layers, input_layers,
        output_layers}`; each layer entry adds `name` and `inbound_nodes` (one
        `{"args", "kwargs"}` per call, KerasTensors as `__keras_tensor__`)."""
        from nnlite.saving.serialization_lib import serialize_keras_object
        # As Keras 3 numbers nodes: a tensor argument names its node among the layer's
        # nodes in this graph (`arg_index`); input_layers/output_layers do too, but
        # count one more for a Functional layer (`reindex`: Keras keeps Keras 2's
        # "pre-existing node" of nested models there, and from_config takes it off).
        reindex, arg_index = {}, {}
        for layer in self._operations:
            offset = 1 if isinstance(layer, Functional) else 0
            kept = 0
            for i in range(len(layer._inbound_nodes)):
                if self._in_graph(layer, i):
                    arg_index[(id(layer), i)] = kept
                    reindex[(id(layer), i)] = kept + offset
                    kept += 1

        def tensor_config(t):
            layer, node_index, tensor_index = t._keras_history
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(t.shape), "dtype": t.dtype,
                               "keras_history": [layer.name,
                                                 arg_index[(id(layer), node_index)],
                                                 tensor_index]}}

        def serialize_arg(x):
            if isinstance(x, KerasTensor):
                return tensor_config(x)
            if isinstance(x, (list, tuple)):
                return [serialize_arg(v) for v in x]
            if isinstance(x, dict):
                return {k: serialize_arg(v) for k, v in x.items()}
            return serialize_keras_object(x)

        layer_configs = []
        for layer in self._operations:
            inbound = []
            for i in self._own_node_indices(layer):
                node = layer._inbound_nodes[i]
                if node.is_input:
                    continue
                inbound.append({"args": serialize_arg(list(node.call_args)),
                                "kwargs": serialize_arg(_keras_call_kwargs(node))})
            entry = serialize_keras_object(layer)
            entry["name"] = layer.name
            entry["inbound_nodes"] = inbound
            layer_configs.append(entry)

        def triple(t):
            layer, node_index, tensor_index = t._keras_history
            return [layer.name, reindex[(id(layer), node_index)], tensor_index]

        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs,
                "input_layers": map_structure(triple, self._inputs_struct),
                "output_layers": map_structure(triple, self._outputs_struct)}

    def get_build_config(self):
        # Keras 3 writes this for every Functional (built when it is made)
        return {"input_shape": None}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds the model (new weights) from `get_config()`'s dict or the
        one Keras 3 writes: the layers are made from their configs, then their
        calls are replayed in the recorded order."""
        from nnlite.saving.serialization_lib import deserialize_keras_object
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise TypeError("A Functional config must be a dict with a 'layers' list. "
                            "Received: %r" % (config,))
        for key in ("input_layers", "output_layers"):
            if key not in config:
                raise TypeError("A Functional config needs %r. Received keys: %s"
                                % (key, sorted(config)))
        created = {}
        pending = collections.OrderedDict()
        for entry in config["layers"]:
            if not isinstance(entry, dict) or "class_name" not in entry:
                raise TypeError("Each entry of a Functional config's 'layers' must be a layer "
                                "config dict. Received: %r" % (entry,))
            layer = deserialize_keras_object(entry, custom_objects=custom_objects)
            if not isinstance(layer, Layer):
                raise TypeError("Entry %r of 'layers' is not a layer config (it gave %s)."
                                % (entry.get("class_name"), type(layer).__name__))
            name = entry.get("name", layer.name)
            created[name] = layer
            nodes = entry.get("inbound_nodes", [])
            if not isinstance(nodes, list):
                raise TypeError("'inbound_nodes' of layer %s must be a list. Received: %r"
                                % (name, nodes))
            pending[name] = list(nodes)

        def get_tensor(name, node_index, tensor_index, io=False):
            # `io`: an input_layers/output_layers triple, where Keras 3 (as Keras 2)
            # counts a nested Functional's nodes from 1; call arguments count from 0
            if name not in created:
                raise ValueError("The config refers to an unknown layer %r." % (name,))
            layer = created[name]
            if io and isinstance(layer, Functional):
                node_index -= 1
            if node_index >= len(layer._inbound_nodes):
                raise IndexError(name)
            return layer._inbound_nodes[node_index].output_tensors[tensor_index]

        def revive(x):
            if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
                history = x.get("config", {}).get("keras_history")
                if not isinstance(history, list) or len(history) != 3:
                    raise TypeError("Malformed __keras_tensor__ config: %r" % (x,))
                return get_tensor(*history)
            if isinstance(x, list):
                if len(x) == 3 and isinstance(x[0], str) and isinstance(x[1], int) and \
                        isinstance(x[2], int) and x[0] in created:
                    return get_tensor(*x)      # Keras 2's [layer, node, tensor(, kwargs)]
                return [revive(v) for v in x]
            if isinstance(x, dict):
                if "class_name" in x and "config" in x:
                    return deserialize_keras_object(x, custom_objects=custom_objects)
                return {k: revive(v) for k, v in x.items()}
            return x

        def replay(layer, node_data):
            if isinstance(node_data, dict):
                args = revive(node_data.get("args", []))
                kwargs = revive(node_data.get("kwargs", {}))
            else:     # Keras 2: a list of [layer, node, tensor, kwargs]
                tensors = []
                kwargs = {}
                for item in node_data:
                    tensors.append(get_tensor(*item[:3]))
                    if len(item) > 3 and item[3]:
                        kwargs = dict(item[3])
                args = [tensors[0] if len(tensors) == 1 else tensors]
            layer(*args, **kwargs)

        while pending:
            progressed = False
            for name in list(pending):
                layer = created[name]
                queue = pending[name]
                while queue:
                    try:
                        replay(layer, queue[0])
                    except IndexError:
                        break
                    queue.pop(0)
                    progressed = True
                if not queue:
                    del pending[name]
            if pending and not progressed:
                raise ValueError("Cannot rebuild the functional graph: the nodes of %s refer "
                                 "to layer calls that never happen." % (sorted(pending),))

        def map_tensors(x):
            if isinstance(x, list) and len(x) == 3 and isinstance(x[0], str):
                return get_tensor(*x, io=True)
            if isinstance(x, dict):
                return {k: map_tensors(v) for k, v in x.items()}
            if isinstance(x, (list, tuple)):
                return [map_tensors(v) for v in x]
            raise TypeError("Malformed input_layers/output_layers entry: %r" % (x,))

        inputs = map_tensors(config["input_layers"])
        outputs = map_tensors(config["output_layers"])
        # as Keras: a list of one is the tensor itself
        if isinstance(inputs, list) and len(inputs) == 1:
            inputs = inputs[0]
        if isinstance(outputs, list) and len(outputs) == 1:
            outputs = outputs[0]
        return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
                   trainable=config.get("trainable", True))


# -- helpers ----------------------------------------------------------------------------
def _keras_call_kwargs(node):
    """A node's call kwargs as Keras 3 records them: a layer whose `call` takes `mask`
    (Keras's Sequential.call does), called on one tensor argument with no mask, gets
    `mask` = that input's mask (`None` here) in its recorded kwargs."""
    from nnlite.models.sequential import Sequential
    layer, kwargs = node.layer, dict(node.call_kwargs)
    takes_mask = "mask" in inspect.signature(layer.call).parameters or isinstance(layer, Sequential)
    if not takes_mask or kwargs.get("mask") is not None:
        return kwargs
    tensor_args = [x for x in list(node.call_args) + list(kwargs.values())
                   if any(isinstance(t, KerasTensor) for t in flatten(x))]
    if len(tensor_args) == 1 and all(getattr(t, "_keras_mask", None) is None
                                     for t in flatten(tensor_args[0])):
        kwargs["mask"] = None
    return kwargs


def _check_structure(what, x):
    leaves = flatten(x)
    if not leaves:
        raise ValueError("A Functional model needs at least one tensor in `%s`. Received: "
                         "%s=%r" % (what, what, x))
    for t in leaves:
        if not isinstance(t, KerasTensor):
            raise ValueError("All `%s` of a Functional model must be KerasTensors (made by "
                             "`Input(...)` and layer calls). Received: %r of type %s"
                             % (what, t, type(t).__name__))
        if t._keras_history is None:
            raise ValueError("The tensor %r in `%s` was not produced by a layer: use "
                             "`nnlite.Input(...)`." % (t, what))
    return x


def _copy_structure(x):
    if isinstance(x, (list, tuple)):
        return [_copy_structure(v) for v in x] if isinstance(x, list) else \
            tuple(_copy_structure(v) for v in x)
    if isinstance(x, dict):
        return {k: _copy_structure(v) for k, v in x.items()}
    return x


def _optional(struct, key, model):
    for t in model._input_tensors:
        if t.name == key or (isinstance(struct, dict) and struct.get(key) is t):
            return t._keras_history[0].optional
    return False


def _unpack_singleton(x):
    if isinstance(x, (list, tuple)) and len(x) == 1 and not isinstance(x[0], (int, type(None))):
        return x[0]
    return x

