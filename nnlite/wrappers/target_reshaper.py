"""TargetReshaper: 1-D targets to 2-D and back, as Keras's wrappers use it."""
from nnlite.wrappers.utils import sklearn

if sklearn is not None:
    from sklearn.base import BaseEstimator, TransformerMixin
else:                                    # importable without scikit-learn
    class BaseEstimator:
        pass

    class TransformerMixin:
        pass


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Turns a 1-D target `(n,)` into `(n, 1)` and back.

    For pipelines whose transformers (`OneHotEncoder`) accept only 2-D input.

    Attributes:
        ndim_: The number of dimensions of the target it was fitted on.
    """

    def fit(self, y):
        """Records `y.ndim`; returns `self`."""
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        """`y` with at least 2 dimensions: `(n,)` becomes `(n, 1)`."""
        if y.ndim == 1:
            return y.reshape(-1, 1)
        return y

    def inverse_transform(self, y):
        """Undoes `transform`: a `(n, 1)` array goes back to `(n,)` when the
        fitted target was 1-D; anything else is returned unchanged."""
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        if self.ndim_ == 1 and y.ndim == 2:
            return y.squeeze(axis=1)
        return y
