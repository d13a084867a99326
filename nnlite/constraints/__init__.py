"""Weight constraints, as `keras.constraints`.

`get(identifier)` resolves `None`, a name (`"max_norm"`, `"non_neg"`,
`"unit_norm"`, `"min_max_norm"` or a class name), a config dict, a class or an
instance to a constraint.
"""
from nnlite.backend.naming import to_snake_case
from nnlite.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

# function-style aliases, as keras.constraints.max_norm / non_neg / ...
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES = [Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm]
ALL_OBJECTS_DICT = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})


def serialize(constraint):
    """The config dict Keras writes for a constraint (`None` stays `None`)."""
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        return getattr(constraint, "__name__", None)
    from nnlite.saving import serialization_lib     # registered custom classes too
    return serialization_lib.serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """Rebuilds a constraint from `serialize()`'s dict (or a bare name)."""
    if isinstance(config, str):
        return get(config)
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise ValueError("Unknown constraint: %r. Please ensure you are using a "
                         "`custom_objects` entry for custom objects." % (name,))
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """Returns a constraint for `identifier` (`None`, name, dict, class,
    instance or callable `f(w) -> w`)."""
    if identifier is None:
        return None
    if isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier)
        if cls is None:
            raise ValueError("Could not interpret constraint identifier: %s" % (identifier,))
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret constraint identifier: %s" % (identifier,))


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
           "max_norm", "min_max_norm", "non_neg", "serialize", "unit_norm"]
