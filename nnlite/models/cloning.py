"""clone_model: a new model with the same structure and freshly initialised weights."""
from nnlite.layers.input_layer import Input, InputLayer, KerasTensor
from nnlite.models.node import flatten, map_structure, pack_like


def _default_clone(layer):
    # a layer holding Python functions (Lambda) gives them as they are, not as
    # the bytecode its saved config holds (which from_config refuses)
    live = getattr(layer, "get_live_config", None)
    config = live() if live is not None else layer.get_config()
    return layer.__class__.from_config(config)


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False):
    """Clones a `Sequential` or functional model, as `keras.models.clone_model`.

    Each layer is rebuilt from its config (same names), so the clone has new,
    freshly initialised weights and shares no variable with `model`. A compiled
    model's clone comes back compiled, with a new optimizer of the same config.

    Args:
        model: A `Sequential` or functional `Model`.
        input_tensors: Optional KerasTensor(s) from `Input(...)` to build the
            clone on, in the structure of `model.inputs`. Defaults to new
            Inputs of the same shapes, dtypes and names.
        clone_function: Optional `fn(layer) -> layer` giving each layer of the
            clone (e.g. to share a layer, `lambda l: l`). Defaults to a new
            layer from `layer.get_config()`.
        call_function: Optional `fn(layer, *args, **kwargs)` that calls the
            cloned layer in the graph (functional models only). Defaults to
            `layer(*args, **kwargs)`.
        recursive: Whether to clone nested models layer by layer with
            `clone_function` too. Defaults to `False`.

    Example:

    >>> clone = clone_model(model)          # same architecture, new weights
    >>> clone.set_weights(model.get_weights())
    """
    from nnlite.models.functional import Functional
    from nnlite.models.sequential import Sequential
    if clone_function is not None and not callable(clone_function):
        raise ValueError("Expected `clone_function` to be callable. Received: "
                         "clone_function=%r" % (clone_function,))
    if call_function is not None and not callable(call_function):
        raise ValueError("Expected `call_function` to be callable. Received: "
                         "call_function=%r" % (call_function,))
    base = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function,
                               call_function=call_function, recursive=True)
        return base(layer)

    if isinstance(model, Sequential):
        new = _clone_sequential(model, input_tensors, clone_layer)
    elif isinstance(model, Functional):
        new = _clone_functional(model, input_tensors, clone_layer, call_function)
    else:
        from nnlite.models.model import Model
        if not isinstance(model, Model) or clone_function is not None or \
                input_tensors is not None or call_function is not None:
            raise ValueError("Arguments clone_function, call_function and input_tensors are "
                             "only supported for Sequential models or Functional models. "
                             "Received model of type '%s'." % type(model).__name__)
        # as Keras: a subclassed model is cloned through its config
        from nnlite.saving import serialization_lib
        config = serialization_lib.serialize_keras_object(model)
        new = serialization_lib.deserialize_keras_object(
            config, custom_objects={type(model).__name__: type(model)})
    if getattr(model, "compiled", False):
        new.compile_from_config(model.get_compile_config())
    return new


def _clone_sequential(model, input_tensors, clone_layer):
    from nnlite.models.sequential import Sequential
    layers = []
    if input_tensors is not None:
        tensors = flatten(input_tensors)
        if len(tensors) != 1 or not isinstance(tensors[0], KerasTensor):
            raise ValueError("A Sequential model takes one input tensor. Received: "
                             "input_tensors=%r" % (input_tensors,))
        layers.append(tensors[0])
    elif model._input_layer is not None:
        src = model._input_layer
        layers.append(InputLayer(batch_shape=src.batch_shape, dtype=src.dtype, name=src.name))
    for layer in model.layers:
        new = clone_layer(layer)
        if isinstance(new, InputLayer):
            continue
        layers.append(new)
    clone = Sequential(layers, name=model.name, trainable=model.trainable)
    shape = getattr(model, "_build_input_shape", None)
    if not clone.built and model.built and shape is not None:
        clone.build(shape)
    return clone


def _clone_functional(model, input_tensors, clone_layer, call_function):
    from nnlite.models.functional import Functional
    if input_tensors is not None:
        given = flatten(input_tensors)
        if len(given) != len(model.inputs):
            raise ValueError("clone_model: the model has %d inputs but input_tensors holds %d."
                             % (len(model.inputs), len(given)))
        for t in given:
            if not isinstance(t, KerasTensor) or t._keras_history is None:
                raise ValueError("input_tensors must be KerasTensors from `Input(...)`. "
                                 "Received: %r" % (t,))
    else:
        given = [Input(batch_shape=t.shape, dtype=t.dtype, name=t._keras_history[0].name)
                 for t in model.inputs]
    values = {id(t): v for t, v in zip(model.inputs, given)}
    clones = {}

    def value(x):
        return values[id(x)] if isinstance(x, KerasTensor) else x

    for node in model._node_list:
        if node.is_input:
            continue
        layer = node.layer
        if id(layer) not in clones:          # a shared layer is cloned once
            clones[id(layer)] = clone_layer(layer)
        new = clones[id(layer)]
        args = map_structure(value, node.call_args)
        kwargs = map_structure(value, node.call_kwargs)
        out = call_function(new, *args, **kwargs) if call_function else new(*args, **kwargs)
        for t, v in zip(node.output_tensors, flatten(out)):
            values[id(t)] = v
    inputs = pack_like(model._inputs_struct, given)
    outputs = pack_like(model._outputs_struct, [values[id(t)] for t in model.outputs])
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)
