"""SKLearnClassifier: Keras's target encoding, predictions, scores, params, clone and pickle."""
import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402

from nnlite.layers import Dense, Input  # noqa: E402
from nnlite.models import Model, Sequential  # noqa: E402
from nnlite.utils import set_random_seed  # noqa: E402
from nnlite.wrappers import SKLearnClassifier  # noqa: E402
from wrapper_models import classifier_model  # noqa: E402

FAST = {"epochs": 2, "verbose": 0}


def data(n_classes=3, n=60):
    X, y = make_classification(n_samples=n, n_features=5, n_informative=4, n_redundant=0,
                               n_classes=n_classes, random_state=0)
    return X, y


def test_classifier_passes_one_hot_target_to_model_builder():
    X, y = data()
    seen = {}

    def build(X, y):
        seen["y"] = y
        return classifier_model(X, y)
    SKLearnClassifier(build, fit_kwargs=FAST).fit(X, y)
    np.testing.assert_array_equal(seen["y"], np.eye(3)[y])


def test_classifier_one_hot_encodes_binary_target_into_two_columns():
    X, y = data(n_classes=2)
    seen = {}

    def build(X, y):
        seen["y"] = y
        return classifier_model(X, y)
    SKLearnClassifier(build, fit_kwargs=FAST).fit(X, y)
    np.testing.assert_array_equal(seen["y"], np.eye(2)[y])


def test_classifier_predict_returns_original_labels_of_argmax():
    X, y = data()
    names = np.array(["cat", "dog", "eel"])
    est = SKLearnClassifier(classifier_model, fit_kwargs=FAST).fit(X, names[y])
    np.testing.assert_array_equal(est.classes_, names)
    proba = est.predict_proba(X)
    np.testing.assert_array_equal(est.predict(X), names[proba.argmax(axis=1)])


def test_classifier_predict_proba_is_model_output():
    X, y = data()
    est = SKLearnClassifier(classifier_model, fit_kwargs=FAST).fit(X, y)
    np.testing.assert_allclose(est.predict_proba(X),
                               est.model_.predict(X.astype("float32"), verbose=0), rtol=1e-6)
    assert est.predict_proba(X).shape == (60, 3)


def test_classifier_score_is_accuracy():
    X, y = data()
    est = SKLearnClassifier(classifier_model, fit_kwargs=FAST).fit(X, y)
    assert est.score(X, y) == pytest.approx(np.mean(est.predict(X) == y))


def test_classifier_learns_separable_data():
    set_random_seed(1)
    X, y = data(n_classes=2, n=200)
    est = SKLearnClassifier(classifier_model, model_kwargs={"units": 16},
                            fit_kwargs={"epochs": 30, "verbose": 0})
    assert est.fit(X, y).score(X, y) > 0.85


def test_classifier_rejects_single_class():
    X, _ = data()
    with pytest.raises(ValueError, match="only one class"):
        SKLearnClassifier(classifier_model, fit_kwargs=FAST).fit(X, np.zeros(60))


def test_classifier_rejects_continuous_target():
    X, _ = data()
    with pytest.raises(ValueError, match="Unknown label type|binary and multiclass"):
        SKLearnClassifier(classifier_model, fit_kwargs=FAST).fit(X, np.linspace(0, 1, 60))


def test_classifier_rejects_uncompiled_model():
    X, y = data()

    def build(X, y):
        return Sequential([Input((X.shape[1],)), Dense(y.shape[1], activation="softmax")])
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        SKLearnClassifier(build).fit(X, y)


def test_classifier_rejects_model_that_is_neither_model_nor_callable():
    X, y = data()
    with pytest.raises(TypeError, match="Received: model="):
        SKLearnClassifier(model="mlp").fit(X, y)


def test_classifier_predict_before_fit_raises_not_fitted():
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        SKLearnClassifier(classifier_model).predict(np.zeros((2, 5)))


def test_classifier_clones_a_model_instance_before_fit():
    X, y = data()
    inp = Input((5,))
    model = Model(inp, Dense(3, activation="softmax")(inp))
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    before = [w.copy() for w in model.get_weights()]
    est = SKLearnClassifier(model, fit_kwargs=FAST).fit(X, y)
    assert est.model_ is not model
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_classifier_warm_start_continues_the_fitted_model():
    X, y = data()
    est = SKLearnClassifier(classifier_model, warm_start=True, fit_kwargs=FAST).fit(X, y)
    first = est.model_
    weights = [w.copy() for w in first.get_weights()]
    est.fit(X, y)
    assert est.model_ is first
    assert any(not np.array_equal(a, b) for a, b in zip(weights, first.get_weights()))


def test_classifier_fit_keywords_override_fit_kwargs_without_changing_them():
    X, y = data()
    fit_kwargs = {"epochs": 1, "verbose": 0}
    est = SKLearnClassifier(classifier_model, fit_kwargs=fit_kwargs).fit(X, y, epochs=3)
    assert est.epoch_ == 3
    assert fit_kwargs == {"epochs": 1, "verbose": 0}


def test_classifier_get_params_and_set_params():
    est = SKLearnClassifier(classifier_model, model_kwargs={"units": 4})
    assert est.get_params() == {"model": classifier_model, "warm_start": False,
                                "model_kwargs": {"units": 4}, "fit_kwargs": None}
    est.set_params(model_kwargs={"units": 9}, fit_kwargs=FAST)
    assert est.model_kwargs == {"units": 9} and est.fit_kwargs == FAST


def test_classifier_clone_keeps_params_and_drops_fitted_state():
    X, y = data()
    est = SKLearnClassifier(classifier_model, model_kwargs={"units": 4}, fit_kwargs=FAST)
    est.fit(X, y)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "model_")


def test_fitted_classifier_survives_pickle_with_identical_predictions():
    X, y = data()
    est = SKLearnClassifier(classifier_model, fit_kwargs=FAST).fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
