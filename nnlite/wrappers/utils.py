"""Helpers of the scikit-learn wrappers, as `keras.src.wrappers.utils` and
`keras.src.wrappers.fixes`: the optional import of scikit-learn, the model
check, data validation across scikit-learn versions, and the thread count of
worker processes."""
import multiprocessing
import os

try:
    import sklearn
except ImportError:
    sklearn = None


def assert_sklearn_installed(symbol_name):
    """Raises an ImportError naming `pip install scikit-learn` when scikit-learn
    is missing (it is an optional dependency, the `sklearn` extra)."""
    if sklearn is None:
        raise ImportError(
            "%s requires `scikit-learn` to be installed. Run `pip install scikit-learn` "
            "(or `pip install 'nnlite-keras[sklearn]'`) to install it." % symbol_name)


def _check_model(model):
    """Raises unless `model` is a compiled nnlite model with a loss and an optimizer."""
    from nnlite.models.model import Model
    if not isinstance(model, Model):
        raise TypeError("`model` must be an nnlite `Model` or a callable returning one. "
                        "Received: model of type %s" % type(model).__name__)
    if not model.compiled or not model.loss or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an "
                           "optimizer.")


def _validate_data(estimator, *args, **kwargs):
    """`sklearn.utils.validation.validate_data` (scikit-learn >= 1.6) or the
    older `BaseEstimator._validate_data`."""
    try:
        from sklearn.utils.validation import validate_data
    except ImportError:
        return estimator._validate_data(*args, **kwargs)
    return validate_data(estimator, *args, **kwargs)


def type_of_target(y, input_name="", raise_unknown=False):
    """scikit-learn's `type_of_target`, raising on `"unknown"` when asked."""
    from sklearn.utils.multiclass import type_of_target as sk_type_of_target
    target_type = sk_type_of_target(y, input_name=input_name)
    if raise_unknown and target_type == "unknown":
        raise ValueError("Unknown label type for %s: %r" % (input_name or "data", y))
    return target_type


def limit_worker_threads():
    """In a worker process (joblib's loky workers, Dask worker processes, any
    `multiprocessing` child), sets nnlite's C core to 1 thread, so that
    `n_jobs` processes use `n_jobs` cores rather than `n_jobs` times all of
    them. The `NNLITE_NUM_THREADS` environment variable, when set, wins.
    Returns the thread count in force."""
    from nnlite import config
    if not os.environ.get("NNLITE_NUM_THREADS") and \
            multiprocessing.parent_process() is not None and config.get_num_threads() != 1:
        config.set_num_threads(1)
    return config.get_num_threads()
