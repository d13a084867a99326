"""SKLearnRegressor: an nnlite model as a scikit-learn regressor (`keras.wrappers`)."""
from nnlite.wrappers.sklearn_base import SKLBase
from nnlite.wrappers.utils import sklearn

if sklearn is not None:
    from sklearn.base import RegressorMixin
else:
    class RegressorMixin:
        pass


class SKLearnRegressor(RegressorMixin, SKLBase):
    """scikit-learn compatible regressor wrapper for nnlite models.

    A 1-D target `(n,)` is fed to the model as `(n, 1)` and `predict` returns
    `(n,)` again; `score` is the coefficient of determination R².

    Args:
        model: An nnlite `Model` (compiled) or a callable
            `model(X, y, **model_kwargs)` returning one.
        warm_start: Whether to continue training the fitted model on the next
            `fit`. Defaults to `False`.
        model_kwargs: Keyword arguments of `model` when it is a callable.
            Defaults to `None`.
        fit_kwargs: Keyword arguments of `model.fit`. Defaults to `None`.

    Attributes:
        model_: The fitted `Model`.
        history_: The `History` of the fit.

    Example:

    ```python
    from sklearn.model_selection import cross_val_score
    from nnlite.layers import Dense, Input
    from nnlite.models import Model
    from nnlite.wrappers import SKLearnRegressor

    def make_model(X, y):
        inp = Input(shape=(X.shape[1],))
        out = Dense(y.shape[1])(Dense(16, activation="relu")(inp))
        model = Model(inp, out)
        model.compile(loss="mse", optimizer="adam")
        return model

    scores = cross_val_score(SKLearnRegressor(make_model), X, y, cv=3)
    ```
    """

    def _more_tags(self):
        # scikit-learn < 1.6
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags
