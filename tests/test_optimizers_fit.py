"""fit() with optimizer options (clipping, weight decay, schedules, the Keras 2
decay, every built-in optimizer) gives the same results as a run forced onto
the layer path; only global_clipnorm keeps fit off the compiled plan."""
import warnings

import numpy as np
import pytest

from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop
from nnlite.optimizers.schedules import CosineDecay, ExponentialDecay
from nnlite.utils import set_random_seed


def _data(n=120, d=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    labels = np.abs(x[:, :k]).argmax(axis=1).astype(np.int64)
    return x, labels


def _fit(make_optimizer, allow_plans, epochs=2):
    x, labels = _data()
    set_random_seed(3)
    model = Sequential([Input(shape=(6,)), Dense(8, activation="relu"),
                        Dense(3, activation="softmax")])
    model._allow_plans = allow_plans
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model.compile(optimizer=make_optimizer(), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    history = model.fit(x, labels, epochs=epochs, batch_size=16, verbose=0, shuffle=False)
    return model, history


OPTIONS = {
    "sgd-clipnorm": lambda: SGD(learning_rate=0.5, clipnorm=0.1),
    "adam-clipvalue": lambda: Adam(learning_rate=0.05, clipvalue=0.01),
    "rmsprop-global-clipnorm": lambda: RMSprop(learning_rate=0.05, global_clipnorm=0.1),
    "sgd-weight-decay": lambda: SGD(learning_rate=0.5, weight_decay=0.5),
    "adam-schedule": lambda: Adam(learning_rate=ExponentialDecay(0.05, 2, 0.5)),
    "sgd-cosine": lambda: SGD(learning_rate=CosineDecay(0.5, 5)),
    "sgd-legacy-decay": lambda: SGD(learning_rate=0.5, decay=0.5),
}
PLAIN = {
    "sgd-clipnorm": lambda: SGD(learning_rate=0.5),
    "adam-clipvalue": lambda: Adam(learning_rate=0.05),
    "rmsprop-global-clipnorm": lambda: RMSprop(learning_rate=0.05),
    "sgd-weight-decay": lambda: SGD(learning_rate=0.5),
    "adam-schedule": lambda: Adam(learning_rate=0.05),
    "sgd-cosine": lambda: SGD(learning_rate=0.5),
    "sgd-legacy-decay": lambda: SGD(learning_rate=0.5),
}


@pytest.mark.parametrize("key", sorted(OPTIONS))
def test_fit_with_option_refuses_the_plan_and_matches_the_forced_layer_path(key):
    model, history = _fit(OPTIONS[key], allow_plans=True)
    # the compiled plan runs every option but global_clipnorm
    assert ("train" in model._plan_cache) == (key != "rmsprop-global-clipnorm")
    forced, forced_history = _fit(OPTIONS[key], allow_plans=False)
    for a, b in zip(model.get_weights(), forced.get_weights()):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)
    for k in history.history:
        np.testing.assert_allclose(history.history[k], forced_history.history[k], rtol=1e-5)


@pytest.mark.parametrize("key", sorted(OPTIONS))
def test_fit_option_changes_the_result(key):
    # the option is not ignored: without it training ends elsewhere
    with_option, _ = _fit(OPTIONS[key], allow_plans=True)
    without, _ = _fit(PLAIN[key], allow_plans=True)
    assert "train" in without._plan_cache
    assert not np.allclose(with_option.get_weights()[0], without.get_weights()[0], rtol=1e-4)


@pytest.mark.parametrize("make", [Adadelta, Adamax, Nadam, AdamW],
                         ids=lambda c: c.__name__)
def test_fit_with_optimizers_outside_the_plan_trains_on_the_layer_path(make):
    model, history = _fit(lambda: make(learning_rate=0.05), allow_plans=True)
    assert "train" in model._plan_cache       # the compiled plan runs them too
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert int(model.optimizer.iterations) == 2 * 8


def test_fit_with_a_schedule_advances_the_rate_with_iterations():
    model, _ = _fit(lambda: SGD(learning_rate=ExponentialDecay(0.5, 8, 0.5)), True, epochs=2)
    # 16 steps taken: the rate of the next step is 0.5 * 0.5 ** (16 / 8)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.125, rel=1e-6)


def test_learning_rate_assigned_between_fits_is_used_by_the_plan():
    # what ReduceLROnPlateau does: float(...) then assignment
    model, _ = _fit(lambda: SGD(learning_rate=0.5), allow_plans=True, epochs=1)
    model.optimizer.learning_rate = float(model.optimizer.learning_rate) * 0.1
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05, rel=1e-6)
    assert model.optimizer._lr() == pytest.approx(0.05, rel=1e-6)


@pytest.mark.parametrize("make", [lambda: Adagrad(learning_rate=0.1),
                                  lambda: Adagrad(learning_rate=0.3,
                                                  initial_accumulator_value=0.5, epsilon=1e-3)],
                         ids=["default", "custom"])
def test_adagrad_runs_in_the_plan_and_matches_the_layer_path(make):
    model, history = _fit(make, allow_plans=True)
    assert "train" in model._plan_cache
    forced, forced_history = _fit(make, allow_plans=False)
    for a, b in zip(model.get_weights(), forced.get_weights()):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)
    for k in history.history:
        np.testing.assert_allclose(history.history[k], forced_history.history[k], rtol=1e-5)
    accs = [v.numpy() for v in model.optimizer.variables if "accumulator" in v.name]
    forced_accs = [v.numpy() for v in forced.optimizer.variables if "accumulator" in v.name]
    for a, b in zip(accs, forced_accs):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)
