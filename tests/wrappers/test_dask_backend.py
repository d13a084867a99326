"""The same sweep and batch prediction on a Dask LocalCluster (2 worker
processes of 1 thread), through joblib's Dask backend. Skipped without
`dask.distributed`."""
import logging

import numpy as np
import pytest

pytest.importorskip("sklearn")
distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from nnlite.layers import Dense, Input  # noqa: E402
from nnlite.models import Sequential  # noqa: E402
from nnlite.wrappers import SKLearnClassifier, predict_in_parallel  # noqa: E402
from wrapper_models import classifier_model, worker_threads  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def test_grid_search_runs_on_dask_workers(client):
    X, y = make_classification(n_samples=80, n_features=5, n_informative=3, n_redundant=0,
                               random_state=0)
    grid = {"model_kwargs": [{"units": 4}, {"units": 16}],
            "fit_kwargs": [{"epochs": 1, "verbose": 0}, {"epochs": 3, "verbose": 0}]}
    search = GridSearchCV(SKLearnClassifier(classifier_model), grid, cv=2, n_jobs=2)
    with joblib.parallel_backend("dask"):
        search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_dask_worker_processes_set_one_thread(client):
    assert set(client.run(worker_threads).values()) == {1}


def test_predict_in_parallel_on_dask_keeps_original_order(client):
    model = Sequential([Input((3,)), Dense(4, activation="tanh"), Dense(2)])
    x = np.random.default_rng(0).normal(size=(1001, 3)).astype("float32")
    got = predict_in_parallel(model, x, batch_size=64, client=client)
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)
