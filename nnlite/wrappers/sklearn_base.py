"""SKLBase: what the scikit-learn wrappers share, as Keras 3's `SKLBase`."""
import copy

from nnlite.wrappers.target_reshaper import TargetReshaper
from nnlite.wrappers.utils import (_check_model, _validate_data, assert_sklearn_installed,
                                   limit_worker_threads, sklearn, type_of_target)

if sklearn is not None:
    from sklearn.base import BaseEstimator
else:                                    # importable without scikit-learn
    class BaseEstimator:
        pass


class SKLBase(BaseEstimator):
    """Base class of the scikit-learn wrappers of nnlite models.

    Training has sources of randomness (initial weights, shuffling); seed them
    with `nnlite.utils.set_random_seed` for repeatable results.

    In a worker process (a `GridSearchCV(..., n_jobs=2)` worker, a Dask worker)
    `fit`, `predict` and `transform` set nnlite's C core to one thread, so the
    processes do not oversubscribe the cores; the `NNLITE_NUM_THREADS`
    environment variable overrides this.

    Args:
        model: An nnlite `Model` (compiled, with a loss and an optimizer), or a
            callable returning one. A `Model` is cloned with
            `nnlite.models.clone_model` before each fit, unless
            `warm_start=True`. A callable is called as
            `model(X=X, y=y, **model_kwargs)`, with `y` already encoded as the
            model will see it (one-hot for the classifier).
        warm_start: Whether to reuse the fitted model and its weights on the
            next `fit` (continue training) rather than start from a new model.
            Defaults to `False`.
        model_kwargs: Keyword arguments passed to `model` when it is a
            callable. Defaults to `None`.
        fit_kwargs: Keyword arguments passed to `model.fit` (`epochs`,
            `batch_size`, `verbose`, ...). Keyword arguments given to the
            wrapper's `fit` take precedence over these. Defaults to `None`.

    Attributes:
        model_: The fitted `Model`.
        history_: The `History` returned by `model.fit`.
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        assert_sklearn_installed(self.__class__.__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _more_tags(self):
        # scikit-learn < 1.6
        return {"non_deterministic": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        """A new unfitted estimator with the same parameters; a `Model` given
        as `model` is deep-copied (through the `.keras` format), a callable is
        shared. Used by `sklearn.base.clone`."""
        model = self.model if callable(self.model) else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start,
                          model_kwargs=copy.deepcopy(self.model_kwargs),
                          fit_kwargs=copy.deepcopy(self.fit_kwargs))

    @property
    def epoch_(self):
        """How many epochs the last `fit` ran (0 before any fit)."""
        history = getattr(self, "history_", None)
        return len(history.epoch) if history is not None else 0

    def _get_model(self, X, y):
        from nnlite.models.cloning import clone_model
        from nnlite.models.model import Model
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else clone_model(self.model)
        if not callable(self.model):
            raise TypeError("`model` must be an nnlite `Model` or a callable returning one. "
                            "Received: model=%r" % (self.model,))
        if self.model_kwargs is not None and not isinstance(self.model_kwargs, dict):
            raise TypeError("`model_kwargs` must be a dict or None. Received: "
                            "model_kwargs=%r" % (self.model_kwargs,))
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Fits the model to `X`, `y`.

        Args:
            X: Array-like of shape `(n_samples, n_features)`.
            y: Array-like of shape `(n_samples,)` or `(n_samples, n_outputs)`.
            **kwargs: Keyword arguments passed to `model.fit`, over
                `fit_kwargs`.

        Returns:
            `self`.
        """
        if self.fit_kwargs is not None and not isinstance(self.fit_kwargs, dict):
            raise TypeError("`fit_kwargs` must be a dict or None. Received: fit_kwargs=%r"
                            % (self.fit_kwargs,))
        limit_worker_threads()
        X, y = _validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        _check_model(model)
        fit_kwargs = dict(self.fit_kwargs or {})
        fit_kwargs.update(kwargs)
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def _predict_raw(self, X):
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        limit_worker_threads()
        X = _validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def predict(self, X):
        """The model's predictions for `X`, decoded back to the target's form."""
        return self._reverse_process_target(self._predict_raw(X))

    def _process_target(self, y, reset=False):
        """Regressors and transformers only reshape 1-D targets to `(n, 1)`."""
        type_of_target(y, raise_unknown=True)      # the right error for a bad target
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)
