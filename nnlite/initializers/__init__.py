"""Weight initializers, as `keras.initializers`."""
from nnlite.backend.naming import to_snake_case
from nnlite.initializers.constant_initializers import Constant, Ones, Zeros
from nnlite.initializers.initializer import Initializer
from nnlite.initializers.orthogonal_initializers import (Identity, IdentityInitializer,
                                                         Orthogonal, OrthogonalInitializer)
from nnlite.initializers.random_initializers import (GlorotNormal, GlorotUniform, HeNormal,
                                                     HeUniform, LecunNormal, LecunUniform,
                                                     RandomNormal, RandomUniform,
                                                     TruncatedNormal, VarianceScaling)

_CLASSES = [Constant, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
            LecunNormal, LecunUniform, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, Orthogonal, Identity]
ALL_OBJECTS_DICT = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})
ALL_OBJECTS_DICT.update({"uniform": RandomUniform, "normal": RandomNormal,
                         "one": Ones, "zero": Zeros,
                         "OrthogonalInitializer": Orthogonal, "IdentityInitializer": Identity})


def serialize(initializer):
    from nnlite.saving import serialization_lib     # registered custom classes too
    return serialization_lib.serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    cls = (custom_objects or {}).get(config["class_name"]) or ALL_OBJECTS_DICT.get(config["class_name"])
    if cls is None:
        raise ValueError("Unknown initializer: %r" % (config["class_name"],))
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """Resolves `None`, a name (`"glorot_uniform"`, `"he_normal"`, ...), a config
    dict, a class or an initializer instance to an initializer."""
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier)
        if cls is None:
            raise ValueError("Could not interpret initializer identifier: %r" % (identifier,))
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret initializer identifier: %r" % (identifier,))


__all__ = [c.__name__ for c in _CLASSES] + ["IdentityInitializer", "Initializer",
                                            "OrthogonalInitializer", "get", "serialize",
                                            "deserialize"]
