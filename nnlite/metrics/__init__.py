"""Metrics, as `keras.metrics`."""
from nnlite.losses.losses import mean_absolute_error, mean_squared_error
from nnlite.metrics.accuracy_metrics import (BinaryAccuracy, CategoricalAccuracy,
                                             SparseCategoricalAccuracy, binary_accuracy,
                                             categorical_accuracy, sparse_categorical_accuracy)
from nnlite.metrics.metric import Mean, MeanMetricWrapper, Metric
from nnlite.metrics.regression_metrics import MeanAbsoluteError, MeanSquaredError

ALL_OBJECTS_DICT = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_squared_error": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "BinaryAccuracy": BinaryAccuracy,
    "CategoricalAccuracy": CategoricalAccuracy,
    "SparseCategoricalAccuracy": SparseCategoricalAccuracy,
    "MeanSquaredError": MeanSquaredError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "Mean": Mean,
}

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


def get(identifier):
    """Resolves a metric name, class, instance or function. `"accuracy"` and
    `"acc"` depend on the loss and shapes: `Model.compile` resolves them."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            raise ValueError("Could not interpret metric identifier: %r. Known names: %s"
                             % (identifier, ", ".join(sorted(ALL_OBJECTS_DICT) + ["accuracy", "acc"])))
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret metric identifier: %r" % (identifier,))


__all__ = ["Metric", "Mean", "MeanMetricWrapper", "BinaryAccuracy", "CategoricalAccuracy",
           "SparseCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError",
           "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "mean_squared_error", "mean_absolute_error", "mse", "mae", "get"]
