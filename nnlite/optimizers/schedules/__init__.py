"""Learning-rate schedules, as `keras.optimizers.schedules`."""
from nnlite.optimizers.schedules.cosine_decay import CosineDecay
from nnlite.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from nnlite.optimizers.schedules.exponential_decay import ExponentialDecay
from nnlite.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from nnlite.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from nnlite.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from nnlite.optimizers.schedules.polynomial_decay import PolynomialDecay

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (
    CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay,
    PiecewiseConstantDecay, PolynomialDecay)}


def serialize(learning_rate_schedule):
    """The Keras-shaped config dict of a schedule."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError("Expected a LearningRateSchedule. Received: %r"
                        % (learning_rate_schedule,))
    from nnlite.saving import serialization_lib     # registered custom classes too
    return serialization_lib.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """A schedule from a dict made by `serialize` (or `{"class_name", "config"}`)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("Could not deserialize a learning rate schedule from %r" % (config,))
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise ValueError("Unknown decay: '%s'. Known schedules: %s"
                         % (name, ", ".join(sorted(ALL_OBJECTS_DICT))))
    return cls.from_config(dict(config.get("config", {})))


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "InverseTimeDecay", "PolynomialDecay", "CosineDecay", "CosineDecayRestarts",
           "serialize", "deserialize"]
