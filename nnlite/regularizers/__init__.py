"""Regularizers, as `keras.regularizers`.

`get(identifier)` resolves `None`, a name (`"l1"`, `"l2"`, `"l1l2"`,
`"orthogonal_regularizer"`, also `"l1_l2"`), a config dict, a class or an
instance to a regularizer.
"""
from nnlite.backend.naming import to_snake_case
from nnlite.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

# function-style aliases, as keras.regularizers.l1 / l2 / l1_l2
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = [Regularizer, L1, L2, L1L2, OrthogonalRegularizer]
ALL_OBJECTS_DICT = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})


def serialize(regularizer):
    """The config dict Keras writes for a regularizer (`None` stays `None`)."""
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        return getattr(regularizer, "__name__", None)
    from nnlite.saving import serialization_lib     # registered custom classes too
    return serialization_lib.serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """Rebuilds a regularizer from `serialize()`'s dict (or a bare name)."""
    if isinstance(config, str):
        return get(config) if not custom_objects or config not in custom_objects \
            else custom_objects[config]
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise ValueError("Unknown regularizer: %r. Please ensure you are using a "
                         "`custom_objects` entry for custom objects." % (name,))
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """Returns a regularizer for `identifier`.

    Args:
        identifier: `None`, a name, a config dict, a class, an instance or a
            callable `f(x) -> penalty`.

    The string `"l1_l2"` (which Keras 3's docstring advertises but its lookup
    does not know) gives `L1L2(l1=0.01, l2=0.01)`, as Keras 2 did; `"l1l2"`
    gives Keras 3's `L1L2()`.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier == "l1_l2":
            return L1L2(l1=0.01, l2=0.01)
        cls = ALL_OBJECTS_DICT.get(identifier)
        if cls is None:
            raise ValueError("Could not interpret regularizer identifier: %s" % (identifier,))
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret regularizer identifier: %s" % (identifier,))


__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get",
           "l1", "l1_l2", "l2", "orthogonal_regularizer", "serialize"]
