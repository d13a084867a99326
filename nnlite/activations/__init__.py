"""Activation functions, as `keras.activations`.

`get(identifier)` resolves `None`, a name (`"relu"`, `"silu"`, ...) or a
callable to an activation function.
"""
from nnlite.activations.activations import (elu, exponential, gelu, hard_sigmoid, leaky_relu,
                                            linear, relu, selu, sigmoid, silu, softmax,
                                            softplus, softsign, swish, tanh)

ALL_OBJECTS_DICT = {
    "linear": linear, "relu": relu, "leaky_relu": leaky_relu, "sigmoid": sigmoid,
    "tanh": tanh, "softmax": softmax, "elu": elu, "selu": selu, "softplus": softplus,
    "softsign": softsign, "silu": silu, "swish": swish, "gelu": gelu,
    "hard_sigmoid": hard_sigmoid, "exponential": exponential,
}


def serialize(activation):
    """Returns the name of a built-in activation (or the function's name)."""
    for name, fn in ALL_OBJECTS_DICT.items():
        if fn is activation:
            return "silu" if fn is silu else name
    return getattr(activation, "__name__", str(activation))


def deserialize(config, custom_objects=None):
    if custom_objects and config in custom_objects:
        return custom_objects[config]
    return get(config)


def get(identifier):
    """Returns the activation function for `identifier`.

    Args:
        identifier: `None` (linear), a string name, or a callable.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = ALL_OBJECTS_DICT.get(identifier)
        if fn is None:
            raise ValueError(
                "Could not interpret activation function identifier: %r. Known names: %s"
                % (identifier, ", ".join(sorted(ALL_OBJECTS_DICT))))
        return fn
    if isinstance(identifier, dict):
        return get(identifier.get("config", identifier.get("class_name")))
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret activation function identifier: %r" % (identifier,))


__all__ = sorted(ALL_OBJECTS_DICT) + ["get", "serialize", "deserialize"]
