"""Options shared by every optimizer (nnlite/optimizers/optimizer.py): clipping,
decoupled weight decay, constraints, the learning-rate property, Keras 2
idioms and bad input. References are the Keras rules
(keras/src/optimizers/base_optimizer.py: _clip_gradients, _clip_by_norm,
clip_by_global_norm, _apply_weight_decay, apply) written in NumPy float64.
"""
import warnings

import numpy as np
import pytest

from nnlite import optimizers
from nnlite.backend import Variable
from nnlite.optimizers.schedules import ExponentialDecay


def f32(x):
    return float(np.float32(x))


@pytest.fixture
def problem():
    rng = np.random.default_rng(5)
    w0 = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    grads = [[rng.normal(scale=2.0, size=w.shape) for w in w0] for _ in range(3)]
    w0 = [w.astype(np.float32).astype(np.float64) for w in w0]
    grads = [[g.astype(np.float32).astype(np.float64) for g in gs] for gs in grads]
    return w0, grads


def run(opt, w0, grads, names=("kernel", "bias")):
    variables = [Variable(w.astype(np.float32), name=n) for w, n in zip(w0, names)]
    for gs in grads:
        opt.apply([g.astype(np.float32) for g in gs], variables)
    return [v.numpy().astype(np.float64) for v in variables]


def ref_sgd(w0, grads, lr, clip=None, wd=None, decay_mask=(True, True)):
    """Plain SGD with a gradient transform `clip(list) -> list` and weight decay."""
    lr = f32(lr)
    w = [x.copy() for x in w0]
    for gs in grads:
        gs = clip(gs) if clip else gs
        if wd is not None:
            w = [x - x * wd * lr if use else x for x, use in zip(w, decay_mask)]
        w = [x - lr * g for x, g in zip(w, gs)]
    return w


def assert_close(got, ref):
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=2e-6, atol=2e-6)


# --------------------------------------------------------------------------
# clipping

def test_clipnorm_rescales_each_gradient_to_at_most_clipnorm(problem):
    w0, grads = problem
    clip = lambda gs: [g * 1.0 / max(np.linalg.norm(g), 1.0) for g in gs]
    got = run(optimizers.SGD(learning_rate=0.1, clipnorm=1.0), w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1, clip))


def test_clipnorm_leaves_small_gradients_alone(problem):
    w0, grads = problem
    got = run(optimizers.SGD(learning_rate=0.1, clipnorm=1e6), w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1))


def test_global_clipnorm_rescales_all_gradients_by_one_factor(problem):
    w0, grads = problem

    def clip(gs):
        norm = np.sqrt(sum(np.sum(g * g) for g in gs))
        return [g * min(1.0, 1.5 / norm) for g in gs]
    got = run(optimizers.SGD(learning_rate=0.1, global_clipnorm=1.5), w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1, clip))


def test_global_clipnorm_differs_from_per_variable_clipnorm(problem):
    w0, grads = problem
    a = run(optimizers.SGD(learning_rate=0.1, global_clipnorm=1.5), w0, grads)
    b = run(optimizers.SGD(learning_rate=0.1, clipnorm=1.5), w0, grads)
    assert not np.allclose(a[1], b[1], rtol=1e-4)


def test_clipvalue_clips_each_element(problem):
    w0, grads = problem
    clip = lambda gs: [np.clip(g, -0.5, 0.5) for g in gs]
    got = run(optimizers.SGD(learning_rate=0.1, clipvalue=0.5), w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1, clip))


def test_clipnorm_of_zero_gradient_gives_zero_step():
    var = Variable(np.ones(3, dtype=np.float32))
    optimizers.SGD(learning_rate=0.1, clipnorm=1.0).apply([np.zeros(3, np.float32)], [var])
    np.testing.assert_array_equal(var.numpy(), np.ones(3))


def test_clipping_does_not_change_the_callers_gradient():
    g = np.full(3, 10.0, dtype=np.float32)
    var = Variable(np.zeros(3, dtype=np.float32))
    optimizers.SGD(clipvalue=1.0).apply([g], [var])
    np.testing.assert_array_equal(g, np.full(3, 10.0))


def test_clipping_happens_before_the_optimizer_moments():
    # Adam's first moment is (1 - beta_1) times the clipped gradient
    var = Variable(np.zeros(3, dtype=np.float32))
    opt = optimizers.Adam(learning_rate=0.01, clipvalue=1e-3)
    opt.apply([np.array([5.0, -5.0, 0.0], np.float32)], [var])
    m = opt._momentums[0].numpy()
    np.testing.assert_allclose(m, [1e-4, -1e-4, 0.0], rtol=1e-5)


@pytest.mark.parametrize("kwargs", [dict(clipnorm=1.0, clipvalue=1.0),
                                    dict(clipnorm=1.0, global_clipnorm=1.0),
                                    dict(clipvalue=1.0, global_clipnorm=1.0)])
def test_two_clipping_arguments_raise_value_error(kwargs):
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(**kwargs)


@pytest.mark.parametrize("arg", ["clipnorm", "clipvalue", "global_clipnorm", "weight_decay"])
def test_negative_clipping_or_decay_raises_value_error_naming_it(arg):
    with pytest.raises(ValueError, match=arg):
        optimizers.SGD(**{arg: -1.0})


@pytest.mark.parametrize("arg", ["clipnorm", "weight_decay"])
def test_non_number_clipping_or_decay_raises_type_error(arg):
    with pytest.raises(TypeError, match=arg):
        optimizers.SGD(**{arg: "big"})


# --------------------------------------------------------------------------
# weight decay

def test_weight_decay_shrinks_weights_before_the_step(problem):
    w0, grads = problem
    got = run(optimizers.SGD(learning_rate=0.1, weight_decay=0.3), w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1, wd=0.3))


def test_weight_decay_uses_the_clipped_gradient_order(problem):
    # clip, then decay, then step (Keras _backend_apply_gradients)
    w0, grads = problem
    clip = lambda gs: [np.clip(g, -0.5, 0.5) for g in gs]
    got = run(optimizers.SGD(learning_rate=0.1, weight_decay=0.3, clipvalue=0.5), w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1, clip, wd=0.3))


def test_exclude_from_weight_decay_by_name(problem):
    w0, grads = problem
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.3)
    opt.exclude_from_weight_decay(var_names=["bias"])
    got = run(opt, w0, grads)
    assert_close(got, ref_sgd(w0, grads, 0.1, wd=0.3, decay_mask=(True, False)))


def test_exclude_from_weight_decay_by_variable(problem):
    w0, grads = problem
    variables = [Variable(w.astype(np.float32), name=n) for w, n in zip(w0, ("k", "b"))]
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.3)
    opt.exclude_from_weight_decay(var_list=[variables[0]])
    for gs in grads:
        opt.apply([g.astype(np.float32) for g in gs], variables)
    ref = ref_sgd(w0, grads, 0.1, wd=0.3, decay_mask=(False, True))
    assert_close([v.numpy().astype(np.float64) for v in variables], ref)


def test_exclude_from_weight_decay_after_build_applies_from_the_next_step():
    # Keras 3.15.1 (run): AdamW(0.1, weight_decay=0.5) on ones with zero
    # gradients gives 0.95, then 0.9025 for the kernel but 0.95 for the
    # bias excluded after the first step
    variables = [Variable(np.ones(2, np.float32), name="kernel"),
                 Variable(np.ones(2, np.float32), name="bias")]
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.apply([np.zeros(2, np.float32)] * 2, variables)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros(2, np.float32)] * 2, variables)
    np.testing.assert_allclose(variables[0].numpy(), [0.9025, 0.9025], rtol=1e-6)
    np.testing.assert_allclose(variables[1].numpy(), [0.95, 0.95], rtol=1e-6)


def test_adamw_is_adam_after_decoupled_decay():
    var_w = Variable(np.array([1.0, -2.0], dtype=np.float64))
    var_a = Variable(np.array([1.0, -2.0], dtype=np.float64))
    g = np.array([0.3, 0.1])
    optimizers.AdamW(learning_rate=0.1, weight_decay=0.5).apply([g], [var_w])
    # Adam from the decayed start
    var_a.assign(var_a.numpy() * (1 - 0.5 * f32(0.1)))
    optimizers.Adam(learning_rate=0.1).apply([g], [var_a])
    np.testing.assert_allclose(var_w.numpy(), var_a.numpy(), rtol=1e-7)


def test_adamw_weight_decay_none_raises():
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


# --------------------------------------------------------------------------
# constraints and gradients

def test_constraint_is_applied_after_the_update():
    var = Variable(np.array([0.5, -0.5], dtype=np.float32))
    var.constraint = lambda w: np.clip(w, -0.55, 0.55)
    optimizers.SGD(learning_rate=1.0).apply([np.array([-0.2, 0.2], np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [0.55, -0.55])


def test_variable_without_constraint_attribute_is_left_alone():
    var = Variable(np.array([0.5], dtype=np.float32))
    optimizers.SGD(learning_rate=1.0).apply([np.array([-0.2], np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [0.7])


def test_none_gradient_skips_its_variable_with_keras_warning():
    a = Variable(np.ones(2, np.float32), name="kernel")
    b = Variable(np.ones(2, np.float32), name="bias")
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['kernel'\]"):
        optimizers.SGD(learning_rate=0.5, weight_decay=0.1).apply(
            [None, np.ones(2, np.float32)], [a, b])
    np.testing.assert_array_equal(a.numpy(), np.ones(2))
    assert not np.allclose(b.numpy(), 1.0)


def test_all_gradients_none_raises():
    with pytest.raises(ValueError, match="No gradients"):
        optimizers.SGD().apply([None], [Variable(np.ones(2, np.float32))])


# --------------------------------------------------------------------------
# learning rate

def test_learning_rate_returns_a_variable_that_converts_to_float():
    opt = optimizers.Adam(learning_rate=0.1)
    assert float(opt.learning_rate) == f32(0.1)
    assert isinstance(opt.learning_rate, Variable)


def test_learning_rate_with_schedule_is_the_value_at_iterations():
    opt = optimizers.SGD(learning_rate=ExponentialDecay(0.1, 1, 0.5))
    var = Variable(np.zeros(2, np.float32))
    assert float(opt.learning_rate) == pytest.approx(0.1)
    opt.apply([np.ones(2, np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [-0.1, -0.1], rtol=1e-6)  # step 0 used 0.1
    assert float(opt.learning_rate) == pytest.approx(0.05)
    opt.apply([np.ones(2, np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [-0.15, -0.15], rtol=1e-6)


def test_setting_learning_rate_when_a_schedule_is_used_raises_type_error():
    opt = optimizers.SGD(learning_rate=ExponentialDecay(0.1, 1, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.01


def test_learning_rate_can_be_replaced_by_a_schedule():
    opt = optimizers.SGD(learning_rate=0.3)
    opt.learning_rate = ExponentialDecay(0.2, 1, 0.5)
    assert float(opt.learning_rate) == pytest.approx(0.2)
    assert len(opt.variables) == 1  # iteration only, as Keras drops the lr variable


def test_callable_learning_rate_is_called_each_step():
    rates = iter([0.5, 0.25])
    current = {"lr": 0.5}

    def lr():
        return current["lr"]
    opt = optimizers.SGD(learning_rate=lr)
    var = Variable(np.zeros(1, np.float32))
    for value in rates:
        current["lr"] = value
        opt.apply([np.ones(1, np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [-0.75])


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_learning_rate_raises_value_error(bad):
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate=bad)


def test_string_learning_rate_raises_type_error():
    with pytest.raises(TypeError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")


def test_setting_negative_learning_rate_raises_value_error():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = -1.0


# --------------------------------------------------------------------------
# Keras 2 idioms and unsupported options

def test_legacy_decay_warns_and_applies_keras_2_time_decay(problem):
    w0, grads = problem
    with pytest.warns(FutureWarning, match="decay="):
        opt = optimizers.SGD(learning_rate=0.1, decay=0.5)
    got = run(opt, w0, grads)
    w = [x.copy() for x in w0]
    for it, gs in enumerate(grads):
        lr = f32(f32(0.1) / (1 + 0.5 * it))
        w = [x - lr * g for x, g in zip(w, gs)]
    assert_close(got, w)


def test_legacy_decay_keeps_learning_rate_settable_and_round_trips():
    with pytest.warns(FutureWarning):
        opt = optimizers.Adam(learning_rate=0.1, decay=0.01)
    opt.learning_rate = 0.2
    config = opt.get_config()
    assert config["decay"] == 0.01
    with pytest.warns(FutureWarning):
        clone = optimizers.Adam.from_config(config)
    assert clone._decay == 0.01


def test_legacy_lr_keyword_works_for_every_optimizer():
    for name in optimizers.ALL_OBJECTS_DICT:
        with pytest.warns(FutureWarning, match="lr="):
            opt = optimizers.get({"class_name": name, "config": {"lr": 0.25}})
        assert float(opt.learning_rate) == 0.25


def test_legacy_lr_attribute_reads_and_sets_with_warning():
    opt = optimizers.SGD(learning_rate=0.1)
    with pytest.warns(FutureWarning, match="optimizer.lr"):
        assert float(opt.lr) == f32(0.1)
    with pytest.warns(FutureWarning):
        opt.lr = 0.5
    assert float(opt.learning_rate) == 0.5


def test_unknown_keyword_raises_value_error():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.SGD(momentun=0.9)


@pytest.mark.parametrize("kwargs", [dict(use_ema=True), dict(loss_scale_factor=128.0),
                                    dict(gradient_accumulation_steps=4)])
def test_unsupported_options_raise_not_implemented_error(kwargs):
    with pytest.raises(NotImplementedError, match=list(kwargs)[0]):
        optimizers.Adam(**kwargs)


def test_no_warning_for_plain_construction():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.Nadam(learning_rate=0.01, clipnorm=1.0)


def test_apply_without_variables_uses_the_built_variables():
    var = Variable(np.zeros(2, np.float32))
    opt = optimizers.SGD(learning_rate=0.5)
    opt.build([var])
    opt.apply([np.ones(2, np.float32)])
    np.testing.assert_allclose(var.numpy(), [-0.5, -0.5])


def test_apply_without_variables_before_build_raises():
    with pytest.raises(ValueError, match="build"):
        optimizers.SGD().apply([np.ones(2, np.float32)])


def test_learning_rate_accepts_numpy_scalars_and_0d_arrays():
    # what a LearningRateScheduler function may return
    opt = optimizers.SGD()
    opt.learning_rate = np.float32(0.25)
    assert float(opt.learning_rate) == 0.25
    opt.learning_rate = np.array(0.125)
    assert float(opt.learning_rate) == 0.125


def test_legacy_module_builds_keras_3_optimizers_with_warning():
    from nnlite.optimizers.legacy import Adam
    with pytest.warns(FutureWarning, match="legacy.Adam"):
        opt = Adam(learning_rate=0.02)
    assert type(opt) is optimizers.Adam
    assert float(opt.learning_rate) == f32(0.02)
