"""Optimizers, as `keras.optimizers`. String names are matched case-insensitively."""
from nnlite.optimizers.adam import Adam
from nnlite.optimizers.optimizer import Optimizer
from nnlite.optimizers.rmsprop import RMSprop
from nnlite.optimizers.sgd import SGD

ALL_OBJECTS_DICT = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def serialize(optimizer):
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(name.lower())
    if cls is None:
        raise ValueError("Unknown optimizer: %r" % (name,))
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """Resolves `"adam"`, `"SGD"`, ... (any case), a config dict, a class or an
    instance to an optimizer instance with that class's defaults."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier.lower())
        if cls is None:
            raise ValueError("Could not interpret optimizer identifier: %r. Known names: %s"
                             % (identifier, ", ".join(sorted(ALL_OBJECTS_DICT))))
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError("Could not interpret optimizer identifier: %r" % (identifier,))


__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "get", "serialize", "deserialize"]
