"""SKLearnTransformer: an nnlite model as a scikit-learn transformer (`keras.wrappers`)."""
from nnlite.wrappers.sklearn_base import SKLBase
from nnlite.wrappers.utils import sklearn

if sklearn is not None:
    from sklearn.base import TransformerMixin
else:
    class TransformerMixin:
        pass


class SKLearnTransformer(TransformerMixin, SKLBase):
    """scikit-learn compatible transformer wrapper for nnlite models.

    A transformer in scikit-learn's sense (a pipeline step), not the attention
    architecture: `fit(X, y)` trains the model, `transform(X)` returns its
    outputs, e.g. an embedding fed to the next step of a pipeline.

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
    from sklearn.frozen import FrozenEstimator     # scikit-learn >= 1.6
    from sklearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from nnlite.wrappers import SKLearnTransformer

    embed = SKLearnTransformer(model=fitted_encoder, warm_start=True)
    pipe = make_pipeline(FrozenEstimator(embed.fit(X, y)), LogisticRegression())
    ```
    """

    def transform(self, X):
        """The model's outputs for `X`, shape `(n_samples, n_outputs)`."""
        return self._predict_raw(X)

    def _more_tags(self):
        # scikit-learn < 1.6
        return {"preserves_dtype": []}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
