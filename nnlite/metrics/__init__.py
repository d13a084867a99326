"""Metrics, as `keras.metrics`."""
from nnlite.backend.naming import to_snake_case
from nnlite.losses.losses import (binary_crossentropy, categorical_crossentropy,
                                  categorical_hinge, hinge, kl_divergence, mean_absolute_error,
                                  mean_absolute_percentage_error, mean_squared_error,
                                  mean_squared_logarithmic_error, poisson,
                                  sparse_categorical_crossentropy, squared_hinge)
from nnlite.metrics.accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                             SparseCategoricalAccuracy,
                                             SparseTopKCategoricalAccuracy,
                                             TopKCategoricalAccuracy, accuracy,
                                             binary_accuracy,
                                             categorical_accuracy, sparse_categorical_accuracy,
                                             sparse_top_k_categorical_accuracy,
                                             top_k_categorical_accuracy)
from nnlite.metrics.confusion_metrics import AUC, Precision, Recall
from nnlite.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from nnlite.metrics.metric import Mean, MeanMetricWrapper, Metric
from nnlite.metrics.probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy,
                                                  KLDivergence, Poisson,
                                                  SparseCategoricalCrossentropy)
from nnlite.metrics.regression_metrics import (CosineSimilarity, LogCoshError, MeanAbsoluteError,
                                               MeanAbsolutePercentageError,
                                               MeanSquaredError, MeanSquaredLogarithmicError,
                                               RootMeanSquaredError)

_CLASSES = (Metric, Mean, MeanMetricWrapper,
            MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError,
            MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity,
            LogCoshError, AUC, Precision, Recall,
            Hinge, SquaredHinge, CategoricalHinge,
            KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
            SparseCategoricalCrossentropy,
            Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
            TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy)

# as keras/src/metrics/__init__.py: each class by its name and its snake_case
# name ("AUC" and "auc", "RootMeanSquaredError" and "root_mean_squared_error"),
# plus the short aliases; strings give metric objects, not functions.
# Keras 3.15.1 rejects "rmse", "huber", "log_cosh" and "kld" here.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})
# base classes need arguments and are not built from a string
_NOT_BY_NAME = ("Metric", "metric", "MeanMetricWrapper", "mean_metric_wrapper")

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error


def get(identifier):
    """Resolves a metric name, class, instance or function. `"accuracy"` and
    `"acc"` depend on the loss and shapes: `Model.compile` resolves them."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        obj = None if identifier in _NOT_BY_NAME else ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            known = sorted(k for k in ALL_OBJECTS_DICT if k not in _NOT_BY_NAME)
            raise ValueError("Could not interpret metric identifier: %r. Known names: %s"
                             % (identifier, ", ".join(known + ["accuracy", "acc"])))
        return obj()
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret metric identifier: %r" % (identifier,))


__all__ = [cls.__name__ for cls in _CLASSES] + [
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge", "squared_hinge",
    "categorical_hinge", "mse", "mae", "mape", "msle", "MSE", "MAE", "MAPE", "MSLE", "get"]
