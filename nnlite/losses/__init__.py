"""Loss functions and classes, as `keras.losses`."""
from nnlite.losses.losses import (BinaryCrossentropy, CategoricalCrossentropy, Loss,
                                  LossFunctionWrapper, MeanAbsoluteError, MeanSquaredError,
                                  SparseCategoricalCrossentropy, binary_crossentropy,
                                  categorical_crossentropy, mean_absolute_error,
                                  mean_squared_error, sparse_categorical_crossentropy)

ALL_OBJECTS_DICT = {
    "mean_squared_error": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "MeanSquaredError": MeanSquaredError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "BinaryCrossentropy": BinaryCrossentropy,
    "CategoricalCrossentropy": CategoricalCrossentropy,
    "SparseCategoricalCrossentropy": SparseCategoricalCrossentropy,
    # Keras's short aliases
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
}

# mse, mae, ... as module attributes, as in Keras
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
bce = BCE = binary_crossentropy


def serialize(loss):
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    return getattr(loss, "__name__", loss)


def deserialize(config, custom_objects=None):
    if isinstance(config, dict):
        cls = (custom_objects or {}).get(config["class_name"]) or ALL_OBJECTS_DICT.get(config["class_name"])
        if cls is None:
            raise ValueError("Unknown loss: %r" % (config["class_name"],))
        return cls.from_config(config.get("config", {}))
    return get(config)


def get(identifier):
    """Resolves a loss name (`"mse"`, `"categorical_crossentropy"`, ...), a
    config dict, a class, a Loss instance or a function."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            raise ValueError("Could not interpret loss identifier: %r. Known names: %s"
                             % (identifier, ", ".join(sorted(ALL_OBJECTS_DICT))))
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss identifier: %r" % (identifier,))


__all__ = ["Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError",
           "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
           "mean_squared_error", "mean_absolute_error", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "get",
           "serialize", "deserialize", "mse", "mae", "bce", "MSE", "MAE", "BCE"]
