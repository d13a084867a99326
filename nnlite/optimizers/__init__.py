"""Optimizers, as `keras.optimizers`. String names are matched case-insensitively."""
from nnlite.optimizers import schedules
from nnlite.optimizers.adadelta import Adadelta
from nnlite.optimizers.adagrad import Adagrad
from nnlite.optimizers.adam import Adam
from nnlite.optimizers.adamax import Adamax
from nnlite.optimizers.adamw import AdamW
from nnlite.optimizers.nadam import Nadam
from nnlite.optimizers.optimizer import Optimizer
from nnlite.optimizers.rmsprop import RMSprop
from nnlite.optimizers.sgd import SGD

ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in (
    SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, Nadam, AdamW)}


def serialize(optimizer):
    """The Keras-shaped config dict of an optimizer."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError("Expected an Optimizer. Received: %r" % (optimizer,))
    from nnlite.saving import serialization_lib     # registered custom classes too
    return serialization_lib.serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from a dict made by `serialize` (the class name in any case)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("Could not deserialize an optimizer from %r" % (config,))
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(str(name).lower())
    if cls is None:
        raise ValueError("Unknown optimizer: '%s'. Known names: %s"
                         % (name, ", ".join(sorted(ALL_OBJECTS_DICT))))
    return cls.from_config(dict(config.get("config", {})), custom_objects=custom_objects)


def get(identifier):
    """Resolves `"adam"`, `"SGD"`, ... (any case), a config dict, a class or an
    instance to an optimizer instance with that class's defaults."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier.lower())
        if cls is None:
            raise ValueError("Could not interpret optimizer identifier: %s. Known names: %s"
                             % (identifier, ", ".join(sorted(ALL_OBJECTS_DICT))))
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError("Could not interpret optimizer identifier: %r" % (identifier,))


__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam",
           "AdamW", "schedules", "legacy", "get", "serialize", "deserialize"]


def __getattr__(name):
    # `nnlite.optimizers.legacy` (Keras 2 names) is imported on first use
    if name == "legacy":
        import importlib
        return importlib.import_module("nnlite.optimizers.legacy")
    raise AttributeError("module 'nnlite.optimizers' has no attribute %r" % (name,))
