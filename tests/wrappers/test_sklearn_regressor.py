"""SKLearnRegressor: target reshaping, score, pickle."""
import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import make_regression  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402

from nnlite.wrappers import SKLearnRegressor  # noqa: E402
from wrapper_models import regressor_model  # noqa: E402

FAST = {"epochs": 2, "verbose": 0}


def data(n_targets=1):
    return make_regression(n_samples=50, n_features=4, n_targets=n_targets, random_state=0)


def test_regressor_feeds_one_dimensional_target_as_column():
    X, y = data()
    seen = {}

    def build(X, y):
        seen["y"] = y
        return regressor_model(X, y)
    SKLearnRegressor(build, fit_kwargs=FAST).fit(X, y)
    np.testing.assert_array_equal(seen["y"], y.reshape(-1, 1))


def test_regressor_predict_is_one_dimensional_for_one_dimensional_target():
    X, y = data()
    est = SKLearnRegressor(regressor_model, fit_kwargs=FAST).fit(X, y)
    pred = est.predict(X)
    assert pred.shape == (50,)
    np.testing.assert_allclose(pred, est.model_.predict(X, verbose=0)[:, 0], rtol=1e-6)


def test_regressor_rejects_multi_output_target_as_keras_does():
    # Keras validates y with scikit-learn's single-output rules
    X, y = data(n_targets=2)
    with pytest.raises(ValueError, match="1d array"):
        SKLearnRegressor(regressor_model, fit_kwargs=FAST).fit(X, y)


def test_regressor_score_is_r2():
    X, y = data()
    est = SKLearnRegressor(regressor_model, fit_kwargs=FAST).fit(X, y)
    assert est.score(X, y) == pytest.approx(r2_score(y, est.predict(X)))


def test_fitted_regressor_survives_pickle_with_identical_predictions():
    X, y = data()
    est = SKLearnRegressor(regressor_model, fit_kwargs=FAST).fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).predict(X), est.predict(X))
