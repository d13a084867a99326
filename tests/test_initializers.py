"""Tests for nnlite.initializers: aliases, bounds, spreads and seeding.

References are the published formulas Keras 3 documents in
`keras/src/initializers/random_initializers.py`: Glorot/He/LeCun limits and
stddevs, and the truncated normal used by VarianceScaling (stddev divided by
.87962566103423978, the std of a unit normal truncated to [-2, 2], so the
truncated samples end up with the target std).
"""
import math

import numpy as np
import pytest

from nnlite import initializers
from nnlite.utils import set_random_seed

# std of a standard normal truncated to [-2, 2]
TRUNC_STD = 0.87962566103423978

BIG = (400, 500)  # fan_in 400, fan_out 500: 200k samples


# --------------------------------------------------------------------------
# aliases

@pytest.mark.parametrize("alias, cls", [
    ("glorot_uniform", initializers.GlorotUniform),
    ("glorot_normal", initializers.GlorotNormal),
    ("he_normal", initializers.HeNormal),
    ("he_uniform", initializers.HeUniform),
    ("lecun_normal", initializers.LecunNormal),
    ("lecun_uniform", initializers.LecunUniform),
    ("zeros", initializers.Zeros),
    ("ones", initializers.Ones),
    ("random_normal", initializers.RandomNormal),
    ("random_uniform", initializers.RandomUniform),
    ("truncated_normal", initializers.TruncatedNormal),
    ("uniform", initializers.RandomUniform),
    ("normal", initializers.RandomNormal),
    ("GlorotUniform", initializers.GlorotUniform),
    ("HeNormal", initializers.HeNormal),
])
def test_string_alias_resolves_to_class_instance(alias, cls):
    assert type(initializers.get(alias)) is cls


def test_get_class_returns_an_instance():
    assert type(initializers.get(initializers.HeUniform)) is initializers.HeUniform


def test_get_instance_is_returned_as_is():
    init = initializers.GlorotNormal(seed=1)
    assert initializers.get(init) is init


def test_get_none_returns_none():
    assert initializers.get(None) is None


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="no_such_init"):
        initializers.get("no_such_init")


# --------------------------------------------------------------------------
# constant initializers

def test_zeros_fills_with_zero():
    w = initializers.Zeros()((3, 4))
    assert w.shape == (3, 4)
    np.testing.assert_array_equal(w, np.zeros((3, 4)))


def test_ones_fills_with_one():
    np.testing.assert_array_equal(initializers.Ones()((5,)), np.ones(5))


def test_constant_fills_with_value():
    np.testing.assert_array_equal(initializers.Constant(0.25)((2, 2)), np.full((2, 2), 0.25))


# --------------------------------------------------------------------------
# uniform bounds

@pytest.mark.parametrize("cls, limit", [
    (initializers.GlorotUniform, math.sqrt(6.0 / (BIG[0] + BIG[1]))),
    (initializers.HeUniform, math.sqrt(6.0 / BIG[0])),
    (initializers.LecunUniform, math.sqrt(3.0 / BIG[0])),
])
def test_uniform_variant_stays_within_limit_and_reaches_it(cls, limit):
    w = cls(seed=3)(BIG).astype(np.float64)
    assert np.abs(w).max() <= limit * (1 + 1e-6)
    # 200k uniform samples: the extremes lie within 0.1% of the limit
    assert w.max() > 0.999 * limit
    assert w.min() < -0.999 * limit


@pytest.mark.parametrize("cls, var", [
    (initializers.GlorotUniform, 2.0 / (BIG[0] + BIG[1])),
    (initializers.HeUniform, 2.0 / BIG[0]),
    (initializers.LecunUniform, 1.0 / BIG[0]),
])
def test_uniform_variant_has_variance_scale_over_fan(cls, var):
    w = cls(seed=4)(BIG).astype(np.float64)
    assert abs(w.std() - math.sqrt(var)) < 0.01 * math.sqrt(var)
    assert abs(w.mean()) < 0.01 * math.sqrt(var)


def test_glorot_uniform_on_keras_fact_shape_100_to_50():
    limit = math.sqrt(6.0 / 150.0)  # 0.2
    w = initializers.GlorotUniform(seed=5)((100, 50))
    assert np.abs(w).max() <= limit * (1 + 1e-6)
    assert np.abs(w).max() > 0.99 * limit


def test_random_uniform_defaults_to_plus_minus_0_05():
    w = initializers.RandomUniform(seed=6)((100, 100)).astype(np.float64)
    assert w.min() >= -0.05 and w.max() <= 0.05
    assert w.max() > 0.0499 and w.min() < -0.0499


def test_random_uniform_custom_range():
    w = initializers.RandomUniform(minval=2.0, maxval=3.0, seed=7)((1000,))
    assert w.min() >= 2.0 and w.max() <= 3.0


# --------------------------------------------------------------------------
# normal variants

@pytest.mark.parametrize("cls, std", [
    (initializers.GlorotNormal, math.sqrt(2.0 / (BIG[0] + BIG[1]))),
    (initializers.HeNormal, math.sqrt(2.0 / BIG[0])),
    (initializers.LecunNormal, math.sqrt(1.0 / BIG[0])),
])
def test_truncated_normal_variant_sample_std_equals_formula(cls, std):
    w = cls(seed=8)(BIG).astype(np.float64)
    assert abs(w.std() - std) < 0.02 * std
    assert abs(w.mean()) < 0.02 * std


@pytest.mark.parametrize("cls, std", [
    (initializers.GlorotNormal, math.sqrt(2.0 / (BIG[0] + BIG[1]))),
    (initializers.HeNormal, math.sqrt(2.0 / BIG[0])),
    (initializers.LecunNormal, math.sqrt(1.0 / BIG[0])),
])
def test_truncated_normal_variant_has_no_value_beyond_two_truncated_stddevs(cls, std):
    w = cls(seed=9)(BIG).astype(np.float64)
    bound = 2.0 * std / TRUNC_STD
    assert np.abs(w).max() <= bound * (1 + 1e-6)
    # the bound is reached (the tails are cut, not squeezed)
    assert np.abs(w).max() > 0.99 * bound


def test_random_normal_sample_std_and_mean():
    w = initializers.RandomNormal(mean=1.0, stddev=0.5, seed=10)(BIG).astype(np.float64)
    assert abs(w.std() - 0.5) < 0.01
    assert abs(w.mean() - 1.0) < 0.01


def test_random_normal_is_not_truncated():
    w = initializers.RandomNormal(stddev=1.0, seed=11)(BIG)
    # P(|z| > 3) ~ 0.27%: hundreds of samples among 200k
    assert np.abs(w).max() > 3.0


def test_truncated_normal_stays_within_two_stddevs_of_mean():
    w = initializers.TruncatedNormal(mean=0.5, stddev=0.1, seed=12)(BIG).astype(np.float64)
    assert np.abs(w - 0.5).max() <= 0.2 * (1 + 1e-6)


def test_truncated_normal_sample_std_is_truncated_std_times_stddev():
    w = initializers.TruncatedNormal(stddev=1.0, seed=13)(BIG).astype(np.float64)
    assert abs(w.std() - TRUNC_STD) < 0.01 * TRUNC_STD


def test_truncated_normal_defaults_mean_0_stddev_0_05():
    init = initializers.TruncatedNormal()
    assert (init.mean, init.stddev) == (0.0, 0.05)


def test_random_normal_defaults_mean_0_stddev_0_05():
    init = initializers.RandomNormal()
    assert (init.mean, init.stddev) == (0.0, 0.05)


def test_variance_scaling_fans_of_conv_kernel_use_receptive_field():
    # (kh, kw, in, out) = (3, 3, 8, 16): fan_in = 72, fan_out = 144
    w = initializers.HeUniform(seed=14)((3, 3, 8, 16)).astype(np.float64)
    assert np.abs(w).max() <= math.sqrt(6.0 / 72.0) * (1 + 1e-6)
    assert np.abs(w).max() > 0.95 * math.sqrt(6.0 / 72.0)


# --------------------------------------------------------------------------
# seeding and dtype

@pytest.mark.parametrize("cls", [initializers.GlorotUniform, initializers.HeNormal,
                                 initializers.RandomNormal, initializers.TruncatedNormal,
                                 initializers.RandomUniform])
def test_seeded_initializer_returns_same_values_on_two_calls(cls):
    init = cls(seed=42)
    np.testing.assert_array_equal(init((20, 30)), init((20, 30)))


@pytest.mark.parametrize("cls", [initializers.GlorotUniform, initializers.LecunNormal,
                                 initializers.RandomUniform])
def test_two_instances_with_same_seed_agree(cls):
    np.testing.assert_array_equal(cls(seed=7)((20, 30)), cls(seed=7)((20, 30)))


@pytest.mark.parametrize("cls", [initializers.GlorotUniform, initializers.HeNormal,
                                 initializers.RandomNormal])
def test_different_seeds_give_different_values(cls):
    assert not np.array_equal(cls(seed=1)((20, 30)), cls(seed=2)((20, 30)))


@pytest.mark.parametrize("cls", [initializers.GlorotUniform, initializers.HeNormal,
                                 initializers.RandomNormal, initializers.TruncatedNormal])
def test_set_random_seed_makes_unseeded_initializer_reproducible(cls):
    set_random_seed(123)
    a = cls()((20, 30))
    set_random_seed(123)
    b = cls()((20, 30))
    np.testing.assert_array_equal(a, b)


def test_set_random_seed_different_seeds_give_different_unseeded_values():
    set_random_seed(1)
    a = initializers.GlorotUniform()((20, 30))
    set_random_seed(2)
    b = initializers.GlorotUniform()((20, 30))
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("alias", ["glorot_uniform", "glorot_normal", "he_normal",
                                   "he_uniform", "lecun_normal", "lecun_uniform", "zeros",
                                   "ones", "random_normal", "random_uniform",
                                   "truncated_normal"])
def test_dtype_is_float32_by_default(alias):
    assert initializers.get(alias)((4, 3)).dtype == np.float32


def test_dtype_float64_on_request():
    assert initializers.GlorotUniform(seed=1)((4, 3), dtype="float64").dtype == np.float64


@pytest.mark.parametrize("seed", ["abc", 1.5, [1, 2]])
def test_invalid_seed_raises_value_error(seed):
    with pytest.raises(ValueError, match="seed"):
        initializers.GlorotUniform(seed=seed)


def test_invalid_seed_on_random_normal_raises_value_error():
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="1")


def test_get_config_holds_seed():
    # Keras 3.15.1 writes {"seed": 5, "input_axes": None, "output_axes": None}
    assert initializers.HeNormal(seed=5).get_config() == {"seed": 5, "input_axes": None,
                                                          "output_axes": None}


def test_from_config_rebuilds_same_values():
    init = initializers.RandomUniform(minval=-1.0, maxval=2.0, seed=9)
    clone = initializers.RandomUniform.from_config(init.get_config())
    np.testing.assert_array_equal(init((10,)), clone((10,)))


def test_unseeded_instance_repeats_its_values_as_in_keras3():
    # Keras 3.15.1: i = keras.initializers.GlorotUniform(); i((2, 2)) == i((2, 2))
    # (its seed is drawn once, when the instance is created)
    init = initializers.GlorotUniform()
    np.testing.assert_array_equal(init((3, 4)), init((3, 4)))
    assert init.get_config()["seed"] is None


def test_unseeded_instances_differ_and_follow_set_random_seed():
    from nnlite.utils import set_random_seed
    set_random_seed(7)
    a, b = initializers.RandomNormal(), initializers.RandomNormal()
    first = a((5,))
    assert not np.array_equal(first, b((5,)))
    set_random_seed(7)
    np.testing.assert_array_equal(initializers.RandomNormal()((5,)), first)
