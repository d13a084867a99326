"""Tests for nnlite.optimizers through the Python classes.

Each step test applies three steps to two variables and compares them with the
Keras 3 update rules (`keras/src/optimizers/{sgd,adam,rmsprop}.py`, listed in
KERAS_FACTS.md) computed here in NumPy float64, with the learning rate rounded
to float32 as Keras stores it.
"""
import math
import re

import numpy as np
import pytest

from nnlite import optimizers
from nnlite.backend import Variable

STEPS = 3


def f32(x):
    """A hyperparameter as Keras stores it (learning_rate is a float32 Variable)."""
    return float(np.float32(x))


@pytest.fixture
def problem():
    """Initial values of two variables and three gradients for each."""
    rng = np.random.default_rng(0)
    w0 = [rng.normal(scale=0.5, size=(3, 4)), rng.normal(scale=0.5, size=(4,))]
    grads = [[rng.normal(size=w.shape) for w in w0] for _ in range(STEPS)]
    # float32 round trip so the reference starts from the same numbers
    w0 = [w.astype(np.float32).astype(np.float64) for w in w0]
    grads = [[g.astype(np.float32).astype(np.float64) for g in gs] for gs in grads]
    return w0, grads


def run(opt, w0, grads):
    variables = [Variable(w.astype(np.float32)) for w in w0]
    for gs in grads:
        opt.apply([g.astype(np.float32) for g in gs], variables)
    return [v.numpy().astype(np.float64) for v in variables]


def assert_close(got, ref, w0):
    """Compares the displacements w - w0, to 1e-4 of their size.

    The updates run in float32; float32 hyperparameters such as
    1 - beta_2 = 1 - 0.999 carry a relative error near 1e-5 (Keras's own
    float32 arithmetic has errors of that size too), far below what a wrong
    rule changes.
    """
    for g, r, w in zip(got, ref, w0):
        np.testing.assert_allclose(g - w, r - w, rtol=1e-4, atol=1e-7)


# --------------------------------------------------------------------------
# NumPy references (float64)

def ref_sgd(w0, grads, lr=0.01, momentum=0.0, nesterov=False):
    lr = f32(lr)
    w = [x.copy() for x in w0]
    m = [np.zeros_like(x) for x in w0]
    for gs in grads:
        for i, g in enumerate(gs):
            if momentum == 0.0:
                w[i] = w[i] - lr * g
            else:
                m[i] = momentum * m[i] - lr * g
                if nesterov:
                    w[i] = w[i] + momentum * m[i] - lr * g
                else:
                    w[i] = w[i] + m[i]
    return w


def ref_adam(w0, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    lr = f32(lr)
    w = [x.copy() for x in w0]
    m = [np.zeros_like(x) for x in w0]
    v = [np.zeros_like(x) for x in w0]
    vhat = [np.zeros_like(x) for x in w0]
    for t, gs in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        for i, g in enumerate(gs):
            m[i] = m[i] + (g - m[i]) * (1 - beta_1)
            v[i] = v[i] + (g * g - v[i]) * (1 - beta_2)
            denom_v = v[i]
            if amsgrad:
                vhat[i] = np.maximum(vhat[i], v[i])
                denom_v = vhat[i]
            w[i] = w[i] - alpha * m[i] / (np.sqrt(denom_v) + epsilon)
    return w


def ref_rmsprop(w0, grads, lr=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    lr = f32(lr)
    w = [x.copy() for x in w0]
    v = [np.zeros_like(x) for x in w0]
    mg = [np.zeros_like(x) for x in w0]
    mom = [np.zeros_like(x) for x in w0]
    for gs in grads:
        for i, g in enumerate(gs):
            v[i] = rho * v[i] + (1 - rho) * g * g
            if centered:
                mg[i] = rho * mg[i] + (1 - rho) * g
                denom = v[i] - mg[i] ** 2 + epsilon
            else:
                denom = v[i] + epsilon
            inc = lr * g / np.sqrt(denom)
            if momentum > 0:
                mom[i] = momentum * mom[i] + inc
                w[i] = w[i] - mom[i]
            else:
                w[i] = w[i] - inc
    return w


# --------------------------------------------------------------------------
# SGD

def test_sgd_plain_three_steps_match_keras_rule(problem):
    w0, grads = problem
    assert_close(run(optimizers.SGD(), w0, grads), ref_sgd(w0, grads), w0)


def test_sgd_momentum_0_9_three_steps_match_keras_rule(problem):
    w0, grads = problem
    got = run(optimizers.SGD(learning_rate=0.1, momentum=0.9), w0, grads)
    assert_close(got, ref_sgd(w0, grads, lr=0.1, momentum=0.9), w0)


def test_sgd_nesterov_three_steps_match_keras_rule(problem):
    w0, grads = problem
    got = run(optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), w0, grads)
    assert_close(got, ref_sgd(w0, grads, lr=0.1, momentum=0.9, nesterov=True), w0)


def test_sgd_nesterov_differs_from_plain_momentum(problem):
    w0, grads = problem
    a = run(optimizers.SGD(learning_rate=0.1, momentum=0.9), w0, grads)
    b = run(optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), w0, grads)
    assert not np.allclose(a[0], b[0], rtol=1e-4)


def test_sgd_defaults_match_keras():
    opt = optimizers.SGD()
    assert float(opt.learning_rate) == f32(0.01)
    assert opt.momentum == 0.0 and opt.nesterov is False
    assert re.fullmatch(r"sgd(_\d+)?", opt.name)  # Keras auto_name("SGD")


def test_sgd_momentum_outside_unit_interval_raises():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)


# --------------------------------------------------------------------------
# Adam

def test_adam_defaults_three_steps_match_keras_rule(problem):
    w0, grads = problem
    assert_close(run(optimizers.Adam(), w0, grads), ref_adam(w0, grads), w0)


def test_adam_custom_hyperparameters_three_steps_match_keras_rule(problem):
    w0, grads = problem
    opt = optimizers.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3)
    assert_close(run(opt, w0, grads),
                 ref_adam(w0, grads, lr=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3), w0)


def test_adam_amsgrad_three_steps_match_keras_rule(problem):
    w0, grads = problem
    # shrinking gradients make v fall below its running maximum
    grads = [[g * s for g in gs] for gs, s in zip(grads, (3.0, 1.0, 0.2))]
    got = run(optimizers.Adam(learning_rate=0.05, amsgrad=True), w0, grads)
    assert_close(got, ref_adam(w0, grads, lr=0.05, amsgrad=True), w0)
    plain = ref_adam(w0, grads, lr=0.05)
    assert not np.allclose(got[0], plain[0], rtol=1e-4)


def test_adam_epsilon_is_added_to_sqrt_v_with_keras_default_1e_7():
    # gradients of 1e-7: sqrt(v_hat) and epsilon are the same size, so the
    # epsilon form and value show in the step
    w0 = [np.zeros(3)]
    grads = [[np.full(3, 1e-7)] for _ in range(STEPS)]
    got = run(optimizers.Adam(learning_rate=1.0), w0, grads)
    ref = ref_adam(w0, grads, lr=1.0, epsilon=1e-7)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-4)
    other = ref_adam(w0, grads, lr=1.0, epsilon=1e-8)
    assert not np.allclose(got[0], other[0], rtol=1e-2)


def test_adam_defaults_match_keras():
    opt = optimizers.Adam()
    assert float(opt.learning_rate) == f32(0.001)
    assert (opt.beta_1, opt.beta_2, opt.epsilon, opt.amsgrad) == (0.9, 0.999, 1e-7, False)
    assert re.fullmatch(r"adam(_\d+)?", opt.name)


# --------------------------------------------------------------------------
# RMSprop

def test_rmsprop_defaults_three_steps_match_keras_rule(problem):
    w0, grads = problem
    assert_close(run(optimizers.RMSprop(), w0, grads), ref_rmsprop(w0, grads), w0)


def test_rmsprop_centered_three_steps_match_keras_rule(problem):
    w0, grads = problem
    got = run(optimizers.RMSprop(learning_rate=0.01, centered=True), w0, grads)
    assert_close(got, ref_rmsprop(w0, grads, lr=0.01, centered=True), w0)


def test_rmsprop_momentum_three_steps_match_keras_rule(problem):
    w0, grads = problem
    got = run(optimizers.RMSprop(learning_rate=0.01, momentum=0.9), w0, grads)
    assert_close(got, ref_rmsprop(w0, grads, lr=0.01, momentum=0.9), w0)


def test_rmsprop_centered_with_momentum_three_steps_match_keras_rule(problem):
    w0, grads = problem
    got = run(optimizers.RMSprop(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True),
              w0, grads)
    assert_close(got, ref_rmsprop(w0, grads, lr=0.01, rho=0.8, momentum=0.5, centered=True),
                 w0)


def test_rmsprop_epsilon_is_inside_the_sqrt():
    # v = 0.1 * g^2 = 1e-9 for g = 1e-4: v + eps = 1.01e-7 under the sqrt
    w0 = [np.zeros(2)]
    grads = [[np.full(2, 1e-4)]]
    got = run(optimizers.RMSprop(learning_rate=1.0), w0, grads)
    np.testing.assert_allclose(got[0], -1e-4 / np.sqrt(1e-9 + 1e-7) * np.ones(2), rtol=1e-5)


def test_rmsprop_keras_doc_example_gives_9_683772():
    # keras.optimizers.RMSprop docstring: lr 0.1, var 10, loss var^2 / 2
    # (gradient = var); here on a variable of shape (1,)
    var = Variable(np.array([10.0], dtype=np.float32))
    opt = optimizers.RMSprop(learning_rate=0.1)
    opt.apply([np.array([10.0], dtype=np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [9.683772], atol=1e-6)


def test_rmsprop_keras_doc_example_on_scalar_variable():
    var = Variable(np.array(10.0, dtype=np.float32))
    opt = optimizers.RMSprop(learning_rate=0.1)
    opt.apply([np.array(10.0, dtype=np.float32)], [var])
    np.testing.assert_allclose(float(var), 9.683772, atol=1e-6)


@pytest.mark.parametrize("make", [lambda: optimizers.Adam(learning_rate=0.05),
                                  lambda: optimizers.RMSprop(learning_rate=0.05),
                                  lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9)])
def test_float64_variable_gets_float64_slots_and_updates(make, problem):
    w0, grads = problem
    opt = make()
    variables = [Variable(w, dtype="float64") for w in w0]
    for gs in grads:
        opt.apply(gs, variables)
    assert all(v.dtype == "float64" for v in variables)
    assert not np.array_equal(variables[0].numpy(), w0[0])


def test_rmsprop_defaults_match_keras():
    opt = optimizers.RMSprop()
    assert float(opt.learning_rate) == f32(0.001)
    assert (opt.rho, opt.momentum, opt.epsilon, opt.centered) == (0.9, 0.0, 1e-7, False)
    assert re.fullmatch(r"rm_sprop(_\d+)?", opt.name)  # as Keras names it


# --------------------------------------------------------------------------
# common behaviour

@pytest.mark.parametrize("make", [optimizers.SGD, optimizers.Adam, optimizers.RMSprop])
def test_iterations_counts_steps(make, problem):
    w0, grads = problem
    opt = make()
    assert int(opt.iterations) == 0
    variables = [Variable(w.astype(np.float32)) for w in w0]
    for k, gs in enumerate(grads, start=1):
        opt.apply([g.astype(np.float32) for g in gs], variables)
        assert int(opt.iterations) == k


def test_apply_gradients_takes_pairs_and_counts_one_step(problem):
    w0, grads = problem
    opt = optimizers.SGD()
    variables = [Variable(w.astype(np.float32)) for w in w0]
    opt.apply_gradients(zip([g.astype(np.float32) for g in grads[0]], variables))
    assert int(opt.iterations) == 1
    assert_close([v.numpy().astype(np.float64) for v in variables], ref_sgd(w0, grads[:1]),
                 w0)


def test_learning_rate_is_stored_as_float32():
    opt = optimizers.Adam(learning_rate=0.1)
    assert np.asarray(opt.learning_rate).dtype == np.float32
    assert float(opt.learning_rate) == f32(0.1)


def test_learning_rate_can_be_set_by_assignment(problem):
    w0, grads = problem
    opt = optimizers.SGD(learning_rate=0.01)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    assert_close(run(opt, w0, grads), ref_sgd(w0, grads, lr=0.5), w0)


def test_learning_rate_assignment_between_steps_takes_effect(problem):
    w0, grads = problem
    opt = optimizers.SGD(learning_rate=0.01)
    variables = [Variable(w.astype(np.float32)) for w in w0]
    opt.apply([g.astype(np.float32) for g in grads[0]], variables)
    opt.learning_rate = 0.2
    opt.apply([g.astype(np.float32) for g in grads[1]], variables)
    ref = ref_sgd(ref_sgd(w0, grads[:1], lr=0.01), grads[1:2], lr=0.2)
    assert_close([v.numpy().astype(np.float64) for v in variables], ref, w0)


def test_optimizer_used_with_different_variable_list_raises(problem):
    w0, grads = problem
    opt = optimizers.Adam()
    variables = [Variable(w.astype(np.float32)) for w in w0]
    opt.apply([g.astype(np.float32) for g in grads[0]], variables)
    others = [Variable(w.astype(np.float32)) for w in w0]
    with pytest.raises(ValueError):
        opt.apply([g.astype(np.float32) for g in grads[1]], others)


def test_gradient_count_must_match_variable_count(problem):
    w0, grads = problem
    opt = optimizers.SGD()
    variables = [Variable(w.astype(np.float32)) for w in w0]
    with pytest.raises(ValueError):
        opt.apply([grads[0][0].astype(np.float32)], variables)


def test_lr_keyword_is_accepted_with_a_future_warning():
    # Keras 3 rejects lr=; nnlite accepts the Keras 2 spelling with a warning
    with pytest.warns(FutureWarning, match="lr="):
        opt = optimizers.Adam(lr=0.01)
    assert float(opt.learning_rate) == f32(0.01)


# --------------------------------------------------------------------------
# get() and get_config()

@pytest.mark.parametrize("name, cls, lr", [
    ("Adam", optimizers.Adam, 0.001),
    ("adam", optimizers.Adam, 0.001),
    ("ADAM", optimizers.Adam, 0.001),
    ("SGD", optimizers.SGD, 0.01),
    ("sgd", optimizers.SGD, 0.01),
    ("RMSprop", optimizers.RMSprop, 0.001),
    ("rmsprop", optimizers.RMSprop, 0.001),
])
def test_get_is_case_insensitive_and_gives_default_hyperparameters(name, cls, lr):
    opt = optimizers.get(name)
    assert type(opt) is cls
    assert float(opt.learning_rate) == f32(lr)


def test_get_returns_a_new_instance_each_time():
    assert optimizers.get("adam") is not optimizers.get("adam")


def test_get_instance_is_returned_as_is():
    opt = optimizers.SGD(learning_rate=0.3)
    assert optimizers.get(opt) is opt


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="adamz"):
        optimizers.get("adamz")


BASE_KEYS = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
             "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
             "loss_scale_factor", "gradient_accumulation_steps"}


@pytest.mark.parametrize("make, extra", [
    (optimizers.SGD, {"momentum", "nesterov"}),
    (optimizers.Adam, {"beta_1", "beta_2", "epsilon", "amsgrad"}),
    (optimizers.RMSprop, {"rho", "momentum", "epsilon", "centered"}),
])
def test_get_config_has_keras_keys(make, extra):
    assert set(make().get_config()) == BASE_KEYS | extra


def test_get_config_learning_rate_is_the_float32_value_as_python_float():
    lr = optimizers.Adam().get_config()["learning_rate"]
    assert isinstance(lr, float)
    assert lr == f32(0.001)


def test_get_config_values_for_adam():
    config = optimizers.Adam(learning_rate=0.01, beta_1=0.8, amsgrad=True).get_config()
    assert config["beta_1"] == 0.8 and config["beta_2"] == 0.999
    assert config["epsilon"] == 1e-7 and config["amsgrad"] is True
    assert re.fullmatch(r"adam(_\d+)?", config["name"])


def test_from_config_round_trip_keeps_hyperparameters():
    opt = optimizers.RMSprop(learning_rate=0.02, rho=0.8, momentum=0.5, centered=True)
    clone = optimizers.RMSprop.from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()
