"""Loss functions and classes, as `keras.losses`."""
from nnlite.losses.losses import (BinaryCrossentropy, BinaryFocalCrossentropy,
                                  CategoricalCrossentropy, CategoricalHinge, CosineSimilarity,
                                  Hinge, Huber, KLDivergence, LogCosh, Loss,
                                  LossFunctionWrapper, MeanAbsoluteError,
                                  MeanAbsolutePercentageError, MeanSquaredError,
                                  MeanSquaredLogarithmicError, Poisson,
                                  SparseCategoricalCrossentropy, SquaredHinge,
                                  binary_crossentropy, binary_focal_crossentropy,
                                  categorical_crossentropy, categorical_hinge, cosine_similarity,
                                  hinge, huber, kl_divergence, log_cosh, mean_absolute_error,
                                  mean_absolute_percentage_error, mean_squared_error,
                                  mean_squared_logarithmic_error, poisson,
                                  sparse_categorical_crossentropy, squared_hinge)

_CLASSES = (Loss, LossFunctionWrapper, KLDivergence, Poisson, BinaryCrossentropy,
            BinaryFocalCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
            MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
            MeanSquaredLogarithmicError, CosineSimilarity, LogCosh, Huber, Hinge, SquaredHinge,
            CategoricalHinge)
_FUNCTIONS = (kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy,
              categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error,
              mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, cosine_similarity, log_cosh, huber, hinge,
              squared_hinge, categorical_hinge)

# as keras/src/losses/__init__.py: every class and function by its own name,
# plus the short aliases (Keras 3.15.1 rejects "logcosh", "cce" and "huber_loss")
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
})
# strings that name the base classes cannot be trained and are not offered
_NOT_BY_NAME = ("Loss", "LossFunctionWrapper")

# mse, mae, ... as module attributes, as in Keras
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
bce = BCE = binary_crossentropy
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence


def serialize(loss):
    """The Keras config of a loss: a class's `{module, class_name, config, ...}`,
    or for a function `{"module": "builtins", "class_name": "function", ...}`."""
    from nnlite.saving.serialization_lib import serialize_keras_object
    return serialize_keras_object(loss)


def deserialize(config, custom_objects=None):
    """A loss from `serialize()`'s output (or Keras's), or from a name."""
    if isinstance(config, dict):
        from nnlite.saving.serialization_lib import deserialize_keras_object
        return deserialize_keras_object(config, custom_objects=custom_objects,
                                        module_objects=ALL_OBJECTS_DICT)
    return get(config)


def get(identifier):
    """Resolves a loss name (`"mse"`, `"categorical_crossentropy"`, `"Huber"`,
    ...), a config dict, a class, a Loss instance or a function."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = None if identifier in _NOT_BY_NAME else ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            known = sorted(k for k in ALL_OBJECTS_DICT if k not in _NOT_BY_NAME)
            raise ValueError("Could not interpret loss identifier: %r. Known names: %s"
                             % (identifier, ", ".join(known)))
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss identifier: %r" % (identifier,))


__all__ = [obj.__name__ for obj in _CLASSES + _FUNCTIONS] + [
    "get", "serialize", "deserialize", "mse", "mae", "bce", "mape", "msle", "kld",
    "MSE", "MAE", "BCE", "MAPE", "MSLE", "KLD"]
