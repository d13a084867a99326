"""Layers, as `keras.layers`."""
from nnlite.layers.activation import Activation
from nnlite.layers.dense import Dense
from nnlite.layers.input_layer import Input, InputLayer, KerasTensor
from nnlite.layers.layer import Layer

ALL_OBJECTS_DICT = {"Activation": Activation, "Dense": Dense, "InputLayer": InputLayer}


def serialize(layer):
    return {"module": "keras.layers", "class_name": type(layer).__name__,
            "config": layer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise ValueError("Unknown layer: %r. Please ensure you are using a `custom_objects` "
                         "entry for custom layers." % (name,))
    return cls.from_config(config["config"])


__all__ = ["Activation", "Dense", "Input", "InputLayer", "KerasTensor", "Layer", "serialize",
           "deserialize"]
