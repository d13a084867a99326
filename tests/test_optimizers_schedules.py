"""Learning-rate schedules (nnlite.optimizers.schedules) against the Keras
formulas (keras/src/optimizers/schedules/learning_rate_schedule.py) written in
NumPy float64, plus their configs and serialization. Values from real Keras
are checked in test_optimizers_reference.py."""
import math

import numpy as np
import pytest

from nnlite import optimizers
from nnlite.backend import Variable
from nnlite.optimizers import schedules

STEPS = np.arange(0, 40)


def _check(sched, expected):
    got = np.array([float(sched(int(s))) for s in STEPS])
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay_formula(staircase):
    p = STEPS / 7.0
    p = np.floor(p) if staircase else p
    _check(schedules.ExponentialDecay(0.3, 7, 0.8, staircase=staircase), 0.3 * 0.8 ** p)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay_formula(staircase):
    p = STEPS / 5.0
    p = np.floor(p) if staircase else p
    _check(schedules.InverseTimeDecay(0.3, 5, 0.7, staircase=staircase), 0.3 / (1 + 0.7 * p))


def test_piecewise_constant_decay_boundaries_belong_to_the_left_interval():
    sched = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    expected = np.where(STEPS <= 10, 1.0, np.where(STEPS <= 20, 0.5, 0.1))
    _check(sched, expected)


def test_polynomial_decay_formula():
    s = np.minimum(STEPS, 25) / 25.0
    _check(schedules.PolynomialDecay(0.2, 25, 0.01, power=2.0), (0.2 - 0.01) * (1 - s) ** 2 + 0.01)


def test_polynomial_decay_cycle_formula():
    mult = np.where(STEPS == 0, 1.0, np.ceil(STEPS / 9.0))
    p = STEPS / (9.0 * mult)
    _check(schedules.PolynomialDecay(0.2, 9, 0.01, cycle=True), (0.2 - 0.01) * (1 - p) + 0.01)


def test_cosine_decay_formula():
    s = np.minimum(STEPS, 30) / 30.0
    _check(schedules.CosineDecay(0.2, 30, alpha=0.1),
           0.2 * ((1 - 0.1) * 0.5 * (1 + np.cos(np.pi * s)) + 0.1))


def test_cosine_decay_warmup_rises_linearly_then_decays_from_the_target():
    sched = schedules.CosineDecay(0.01, 20, warmup_target=0.1, warmup_steps=10)
    s = np.minimum(STEPS, 30)
    warm = 0.01 + (0.1 - 0.01) * s / 10.0
    decay = 0.1 * 0.5 * (1 + np.cos(np.pi * (s - 10) / 20.0))
    _check(sched, np.where(s < 10, warm, decay))


def _sgdr(step, lr0, first, t_mul, m_mul, alpha):
    """SGDR by walking the periods (an independent form of Keras's closed form)."""
    start, length, i = 0.0, float(first), 0
    while step >= start + length:
        start += length
        length *= t_mul
        i += 1
    frac = (step - start) / length
    return lr0 * ((1 - alpha) * 0.5 * m_mul ** i * (1 + math.cos(math.pi * frac)) + alpha)


@pytest.mark.parametrize("t_mul,m_mul,alpha", [(2.0, 1.0, 0.0), (1.0, 0.5, 0.1),
                                               (1.5, 0.8, 0.05)])
def test_cosine_decay_restarts_matches_period_walk(t_mul, m_mul, alpha):
    sched = schedules.CosineDecayRestarts(0.2, 4, t_mul=t_mul, m_mul=m_mul, alpha=alpha)
    _check(sched, [_sgdr(s, 0.2, 4, t_mul, m_mul, alpha) for s in STEPS])


def test_schedule_accepts_an_array_of_steps():
    sched = schedules.ExponentialDecay(0.1, 10, 0.9)
    out = sched(np.array([0, 5, 10]))
    assert out.dtype == np.float32 and out.shape == (3,)
    np.testing.assert_allclose(out, [0.1, 0.1 * 0.9 ** 0.5, 0.09], rtol=1e-6)


def test_schedule_accepts_the_iterations_variable():
    sched = schedules.ExponentialDecay(0.1, 1, 0.5)
    assert float(sched(Variable(3, shape=(), dtype="int64"))) == pytest.approx(0.0125)


@pytest.mark.parametrize("make", [
    lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
    lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
    lambda: schedules.PolynomialDecay(0.1, 0),
    lambda: schedules.CosineDecay(0.1, 0),
    lambda: schedules.CosineDecayRestarts(0.1, 0),
])
def test_non_positive_decay_steps_raise_value_error(make):
    with pytest.raises(ValueError, match="decay_steps"):
        make()


def test_piecewise_lengths_must_match():
    with pytest.raises(ValueError, match="boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])


def test_base_class_call_and_config_raise_not_implemented():
    base = schedules.LearningRateSchedule()
    with pytest.raises(NotImplementedError):
        base(0)
    with pytest.raises(NotImplementedError):
        base.get_config()


@pytest.mark.parametrize("sched", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.InverseTimeDecay(0.1, 10, 0.9),
    schedules.PiecewiseConstantDecay([3, 6], [0.3, 0.2, 0.1]),
    schedules.PolynomialDecay(0.1, 10, cycle=True),
    schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3),
    schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5),
], ids=lambda s: type(s).__name__)
def test_serialize_deserialize_round_trip(sched):
    config = schedules.serialize(sched)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == type(sched).__name__
    clone = schedules.deserialize(config)
    assert type(clone) is type(sched)
    assert clone.get_config() == sched.get_config()
    assert float(clone(7)) == float(sched(7))


def test_deserialize_unknown_schedule_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="Foo"):
        schedules.deserialize({"class_name": "Foo", "config": {}})


def test_custom_schedule_subclass_drives_an_optimizer():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.4 * 0.5 ** int(step)

        def get_config(self):
            return {}
    opt = optimizers.SGD(learning_rate=Halving())
    var = Variable(np.zeros(1, np.float32))
    for _ in range(3):
        opt.apply([np.ones(1, np.float32)], [var])
    np.testing.assert_allclose(var.numpy(), [-(0.4 + 0.2 + 0.1)], rtol=1e-6)


def test_optimizer_with_schedule_config_holds_the_serialized_schedule_and_round_trips():
    sched = schedules.CosineDecay(0.1, 100)
    opt = optimizers.Adam(learning_rate=sched)
    config = opt.get_config()
    assert config["learning_rate"] == schedules.serialize(sched)
    clone = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(clone._learning_rate, schedules.CosineDecay)
    assert clone.get_config() == config


def test_optimizer_with_schedule_has_no_learning_rate_variable():
    opt = optimizers.Adam(learning_rate=schedules.CosineDecay(0.1, 100))
    opt.apply([np.ones(2, np.float32)], [Variable(np.zeros(2, np.float32))])
    names = [v.name for v in opt.variables]
    assert "learning_rate" not in names and names[0] == "iteration"
