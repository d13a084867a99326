"""SKLearnClassifier: an nnlite model as a scikit-learn classifier (`keras.wrappers`)."""
import numpy as np

from nnlite.wrappers.sklearn_base import SKLBase
from nnlite.wrappers.target_reshaper import TargetReshaper
from nnlite.wrappers.utils import sklearn, type_of_target

if sklearn is not None:
    from sklearn.base import ClassifierMixin
else:
    class ClassifierMixin:
        pass


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """scikit-learn compatible classifier wrapper for nnlite models.

    The labels are one-hot encoded (scikit-learn's `OneHotEncoder`, also for
    two classes), so the model ends in `Dense(n_classes, activation="softmax")`
    trained with `categorical_crossentropy`; `predict` returns the label of
    the largest output, `predict_proba` the outputs. `score` is the accuracy.

    Args:
        model: An nnlite `Model` (compiled) or a callable
            `model(X, y, **model_kwargs)` returning one; `y` is the one-hot
            target, so `y.shape[1]` is the number of classes.
        warm_start: Whether to continue training the fitted model on the next
            `fit`. Defaults to `False`.
        model_kwargs: Keyword arguments of `model` when it is a callable.
            Defaults to `None`.
        fit_kwargs: Keyword arguments of `model.fit`. Defaults to `None`.

    Attributes:
        model_: The fitted `Model`.
        history_: The `History` of the fit.
        classes_: The class labels, sorted, shape `(n_classes,)`.

    Example:

    ```python
    from sklearn.model_selection import GridSearchCV
    from nnlite.layers import Dense, Input
    from nnlite.models import Model
    from nnlite.wrappers import SKLearnClassifier

    def make_model(X, y, units=16):
        inp = Input(shape=(X.shape[1],))
        hidden = Dense(units, activation="relu")(inp)
        out = Dense(y.shape[1], activation="softmax")(hidden)
        model = Model(inp, out)
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        return model

    est = SKLearnClassifier(make_model, fit_kwargs={"epochs": 20, "verbose": 0})
    search = GridSearchCV(est, {"model_kwargs": [{"units": 8}, {"units": 32}]}, cv=3)
    ```
    """

    def predict_proba(self, X):
        """The model's outputs for `X`, shape `(n_samples, n_classes)`, the
        columns in the order of `classes_`."""
        return self._predict_raw(X)

    def _process_target(self, y, reset=False):
        """One-hot encodes the labels (fitting the encoder when `reset`)."""
        target_type = type_of_target(y, raise_unknown=True)
        if target_type not in ("binary", "multiclass"):
            raise ValueError("Only binary and multiclass target types are supported. "
                             "Target type: %s" % target_type)
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder
            self._target_encoder = make_pipeline(
                TargetReshaper(), OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def _more_tags(self):
        # scikit-learn < 1.6
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags
