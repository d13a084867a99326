"""SKLearnTransformer: transform returns the model's outputs; works in a Pipeline."""
import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import make_regression  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from nnlite.wrappers import SKLearnTransformer  # noqa: E402
from wrapper_models import regressor_model  # noqa: E402

FAST = {"epochs": 1, "verbose": 0}


def test_transformer_transform_is_model_output():
    X, y = make_regression(n_samples=40, n_features=4, random_state=0)
    est = SKLearnTransformer(regressor_model, fit_kwargs=FAST).fit(X, y)
    np.testing.assert_allclose(est.transform(X), est.model_.predict(X, verbose=0), rtol=1e-6)
    assert est.transform(X).shape == (40, 1)


def test_transformer_feeds_the_next_pipeline_step():
    X, y = make_regression(n_samples=40, n_features=4, random_state=0)
    pipe = make_pipeline(SKLearnTransformer(regressor_model, fit_kwargs=FAST),
                         LinearRegression()).fit(X, y)
    features = pipe[0].transform(X)
    expected = LinearRegression().fit(features, y).predict(features)
    np.testing.assert_allclose(pipe.predict(X), expected, rtol=1e-6)
