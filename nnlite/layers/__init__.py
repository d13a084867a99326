"""Layers, as `keras.layers`."""
from nnlite.layers.activation import Activation
from nnlite.layers.batch_normalization import BatchNormalization
from nnlite.layers.dense import Dense
from nnlite.layers.dropout import Dropout
from nnlite.layers.elu import ELU
from nnlite.layers.flatten import Flatten
from nnlite.layers.input_layer import Input, InputLayer, KerasTensor
from nnlite.layers.layer import Layer
from nnlite.layers.layer_normalization import LayerNormalization
from nnlite.layers.leaky_relu import LeakyReLU
from nnlite.layers.prelu import PReLU
from nnlite.layers.relu import ReLU
from nnlite.layers.reshape import Reshape
from nnlite.layers.softmax import Softmax

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (
    Activation, BatchNormalization, Dense, Dropout, ELU, Flatten, InputLayer,
    LayerNormalization, LeakyReLU, PReLU, ReLU, Reshape, Softmax)}


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


__all__ = ["Activation", "BatchNormalization", "Dense", "Dropout", "ELU", "Flatten", "Input",
           "InputLayer", "KerasTensor", "Layer", "LayerNormalization", "LeakyReLU", "PReLU",
           "ReLU", "Reshape", "Softmax", "serialize", "deserialize"]
