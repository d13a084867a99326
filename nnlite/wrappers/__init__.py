"""scikit-learn wrappers, as `keras.wrappers`, and batch prediction across processes.

`SKLearnClassifier`, `SKLearnRegressor` and `SKLearnTransformer` make an nnlite
model a scikit-learn estimator (for `GridSearchCV`, `cross_val_score`,
pipelines). scikit-learn is optional (`pip install 'nnlite-keras[sklearn]'`):
this module imports without it and the wrappers say how to install it.
"""
from nnlite.wrappers.batch_inference import predict_in_parallel
from nnlite.wrappers.sklearn_classifier import SKLearnClassifier
from nnlite.wrappers.sklearn_regressor import SKLearnRegressor
from nnlite.wrappers.sklearn_transformer import SKLearnTransformer

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer",
           "predict_in_parallel"]
