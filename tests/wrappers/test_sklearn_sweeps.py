"""GridSearchCV and cross_val_score over the wrappers on local processes
(joblib's loky backend), one C-core thread per worker process."""
import numpy as np
import pytest

pytest.importorskip("sklearn")

from joblib import Parallel, delayed  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402

from nnlite.wrappers import SKLearnClassifier  # noqa: E402
from wrapper_models import classifier_model, worker_threads  # noqa: E402

GRID = {"model_kwargs": [{"units": 4}, {"units": 16}],
        "fit_kwargs": [{"epochs": 1, "verbose": 0}, {"epochs": 3, "verbose": 0}]}


def data():
    return make_classification(n_samples=80, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=2, random_state=0)


def test_grid_search_over_two_hyperparameters_on_two_processes():
    X, y = data()
    search = GridSearchCV(SKLearnClassifier(classifier_model), GRID, cv=2, n_jobs=2)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_params_ in search.cv_results_["params"]
    # refit on the whole data in this process
    assert search.best_estimator_.predict(X).shape == (80,)


def test_cross_val_score_on_two_processes_gives_a_score_per_fold():
    X, y = data()
    est = SKLearnClassifier(classifier_model, fit_kwargs={"epochs": 2, "verbose": 0})
    scores = cross_val_score(est, X, y, cv=3, n_jobs=2)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))


def test_worker_process_sets_one_thread(monkeypatch):
    monkeypatch.delenv("NNLITE_NUM_THREADS", raising=False)
    assert Parallel(n_jobs=2)(delayed(worker_threads)(i) for i in range(2)) == [1, 1]


def test_environment_variable_sets_worker_threads(monkeypatch):
    # the workers inherit the variable; nnlite's core reads it at import
    monkeypatch.setenv("NNLITE_NUM_THREADS", "2")
    from joblib.externals.loky import get_reusable_executor
    get_reusable_executor(max_workers=2, kill_workers=True).shutdown(wait=True)
    try:
        assert Parallel(n_jobs=2)(delayed(worker_threads)(i) for i in range(2)) == [2, 2]
    finally:
        get_reusable_executor(max_workers=2, kill_workers=True).shutdown(wait=True)


def test_main_process_keeps_its_thread_count():
    from nnlite import config
    before = config.get_num_threads()
    assert worker_threads() == before
