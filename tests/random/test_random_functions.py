"""Tests for nnlite.random: shapes, dtypes, seeding, SeedGenerator, dropout and
sample moments (loose tolerances on large samples)."""
import numpy as np
import pytest

from nnlite import config
from nnlite import random
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor
from nnlite.utils import set_random_seed

N = 200_000

DRAWS = {
    "normal": lambda shape, seed: random.normal(shape, seed=seed),
    "uniform": lambda shape, seed: random.uniform(shape, seed=seed),
    "truncated_normal": lambda shape, seed: random.truncated_normal(shape, seed=seed),
    "randint": lambda shape, seed: random.randint(shape, 0, 10, seed=seed),
    "gamma": lambda shape, seed: random.gamma(shape, 2.0, seed=seed),
    "beta": lambda shape, seed: random.beta(shape, 2.0, 3.0, seed=seed),
    "binomial": lambda shape, seed: random.binomial(shape, 5, 0.3, seed=seed),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_draw_has_the_requested_shape_and_is_a_tensor(name):
    x = DRAWS[name]((2, 3, 4), 1)
    assert isinstance(x, Tensor) and x.shape == (2, 3, 4)


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_int_seed_gives_the_same_values_every_call(name):
    np.testing.assert_array_equal(np.asarray(DRAWS[name]((50,), 7)),
                                  np.asarray(DRAWS[name]((50,), 7)))


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_different_int_seeds_give_different_values(name):
    assert not np.array_equal(np.asarray(DRAWS[name]((50,), 7)),
                              np.asarray(DRAWS[name]((50,), 8)))


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_unseeded_draws_follow_set_random_seed(name):
    set_random_seed(123)
    a = np.asarray(DRAWS[name]((50,), None))
    b = np.asarray(DRAWS[name]((50,), None))
    set_random_seed(123)
    c = np.asarray(DRAWS[name]((50,), None))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("name", ["normal", "uniform", "truncated_normal", "gamma", "beta"])
def test_float_draws_default_to_floatx(name):
    assert DRAWS[name]((3,), 1).dtype == np.dtype(config.floatx())


def test_float_draws_honour_float64():
    assert random.normal((3,), dtype="float64", seed=1).dtype == np.float64
    assert random.uniform((3,), dtype="float64", seed=1).dtype == np.float64


def test_randint_defaults_to_int32():
    assert random.randint((3,), 0, 5, seed=1).dtype == np.int32


def test_uniform_with_an_integer_dtype_raises():
    with pytest.raises(ValueError, match="floating point"):
        random.uniform((3,), dtype="int32")


def test_randint_with_a_float_dtype_raises():
    with pytest.raises(ValueError, match="integer"):
        random.randint((3,), 0, 5, dtype="float32")


def test_negative_shape_raises():
    with pytest.raises(ValueError, match="shape"):
        random.normal((2, -1))


def test_non_int_seed_raises():
    with pytest.raises(ValueError, match="seed"):
        random.normal((2,), seed=1.5)


# moments ------------------------------------------------------------------

def test_normal_moments():
    x = np.asarray(random.normal((N,), mean=2.0, stddev=3.0, dtype="float64", seed=1))
    assert abs(x.mean() - 2.0) < 0.05 and abs(x.std() - 3.0) < 0.05


def test_uniform_bounds_and_moments():
    x = np.asarray(random.uniform((N,), minval=-1.0, maxval=3.0, dtype="float64", seed=2))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.var() - 16.0 / 12.0) < 0.02


def test_truncated_normal_stays_within_two_stddevs():
    x = np.asarray(random.truncated_normal((N,), mean=1.0, stddev=0.5, dtype="float64", seed=3))
    assert np.all(np.abs(x - 1.0) <= 1.0)
    # the variance of N(0,1) truncated to [-2, 2] is 0.774
    assert abs(x.mean() - 1.0) < 0.01 and abs(x.var() / 0.25 - 0.774) < 0.02


def test_randint_covers_the_range_uniformly():
    x = np.asarray(random.randint((N,), 3, 7, seed=4))
    assert set(np.unique(x)) == {3, 4, 5, 6}
    np.testing.assert_allclose(np.bincount(x - 3) / N, 0.25, atol=0.01)


def test_gamma_mean_equals_alpha():
    x = np.asarray(random.gamma((N,), 3.0, dtype="float64", seed=5))
    assert abs(x.mean() - 3.0) < 0.05


# SeedGenerator ----------------------------------------------------------------

def test_seed_generator_advances_at_each_draw():
    gen = random.SeedGenerator(42)
    a = np.asarray(random.normal((5,), seed=gen))
    b = np.asarray(random.normal((5,), seed=gen))
    assert not np.array_equal(a, b)


def test_seed_generators_with_the_same_seed_give_the_same_sequence():
    g1, g2 = random.SeedGenerator(42), random.SeedGenerator(42)
    for _ in range(3):
        np.testing.assert_array_equal(np.asarray(random.uniform((4,), seed=g1)),
                                      np.asarray(random.uniform((4,), seed=g2)))


def test_seed_generator_next_returns_state_then_increments():
    gen = random.SeedGenerator(9)
    np.testing.assert_array_equal(gen.next(), [9, 0])
    np.testing.assert_array_equal(gen.next(), [9, 1])
    np.testing.assert_array_equal(gen.state, [9, 2])


def test_unseeded_seed_generator_follows_set_random_seed():
    set_random_seed(5)
    a = random.SeedGenerator().get_config()["seed"]
    set_random_seed(5)
    assert random.SeedGenerator().get_config()["seed"] == a


def test_seed_generator_config_round_trip():
    gen = random.SeedGenerator.from_config(random.SeedGenerator(17).get_config())
    np.testing.assert_array_equal(np.asarray(random.normal((3,), seed=gen)),
                                  np.asarray(random.normal((3,), seed=random.SeedGenerator(17))))


def test_seed_generator_rejects_a_float_seed():
    with pytest.raises(ValueError, match="integer"):
        random.SeedGenerator(1.5)


# shuffle, categorical ----------------------------------------------------------------

def test_shuffle_permutes_rows():
    x = np.arange(20).reshape(10, 2)
    y = np.asarray(random.shuffle(x, seed=1))
    assert not np.array_equal(x, y)
    np.testing.assert_array_equal(np.sort(y[:, 0]), x[:, 0])
    np.testing.assert_array_equal(y[:, 1], y[:, 0] + 1)


def test_shuffle_along_axis_1_keeps_columns_whole():
    x = np.arange(30).reshape(3, 10)
    y = np.asarray(random.shuffle(x, axis=1, seed=1))
    np.testing.assert_array_equal(y[1], y[0] + 10)
    np.testing.assert_array_equal(np.sort(y[0]), x[0])


def test_shuffle_gradient_is_the_inverse_permutation():
    x = Tensor(np.arange(6.0))
    w = np.arange(6.0) * 10
    with Tape() as tape:
        tape.watch(x)
        y = random.shuffle(x, seed=3)
    g = tape.gradient(y, x, output_gradients=w)
    # d sum(w * y) / d x[i] = w[j] where y[j] = x[i]
    np.testing.assert_array_equal(g[np.asarray(y).astype(int)], w)


def test_categorical_frequencies_match_softmax():
    logits = np.log(np.array([[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]]))
    s = np.asarray(random.categorical(logits, 50_000, seed=1))
    assert s.shape == (2, 50_000) and s.dtype == np.int32
    for row, p in enumerate(np.exp(logits)):
        np.testing.assert_allclose(np.bincount(s[row], minlength=3) / 50_000, p, atol=0.01)


def test_categorical_needs_2d_logits():
    with pytest.raises(ValueError, match="2-D"):
        random.categorical(np.zeros(3), 2)


# dropout ---------------------------------------------------------------------

def test_dropout_zeroes_about_rate_and_scales_the_rest():
    x = np.ones((400, 500), dtype=np.float32)
    y = np.asarray(random.dropout(x, 0.3, seed=1))
    kept = y != 0
    assert abs(1.0 - kept.mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[kept], 1.0 / 0.7, rtol=1e-6)


def test_dropout_keeps_the_mean():
    x = np.full((400, 500), 2.0)
    assert abs(np.asarray(random.dropout(x, 0.5, seed=2)).mean() - 2.0) < 0.02


def test_dropout_is_reproducible_with_an_int_seed():
    x = np.ones((10, 10), dtype=np.float32)
    np.testing.assert_array_equal(np.asarray(random.dropout(x, 0.5, seed=3)),
                                  np.asarray(random.dropout(x, 0.5, seed=3)))


def test_dropout_gradient_uses_the_forward_mask():
    x = Tensor(np.arange(1.0, 41.0).reshape(4, 10))
    with Tape() as tape:
        tape.watch(x)
        y = random.dropout(x, 0.4, seed=4)
    g = tape.gradient(y, x)
    np.testing.assert_allclose(g, np.asarray(y) / np.asarray(x))


def test_dropout_noise_shape_drops_whole_rows():
    x = np.ones((200, 6), dtype=np.float32)
    y = np.asarray(random.dropout(x, 0.5, noise_shape=(None, 1), seed=5))
    assert np.all((y == 0).all(axis=1) | (y == 2.0).all(axis=1))
    assert 0.3 < (y[:, 0] == 0).mean() < 0.7


def test_dropout_noise_shape_gradient_uses_the_mask():
    x = Tensor(np.ones((50, 3)))
    with Tape() as tape:
        tape.watch(x)
        y = random.dropout(x, 0.5, noise_shape=(50, 1), seed=6)
    np.testing.assert_allclose(tape.gradient(y, x), np.asarray(y))


def test_dropout_rate_zero_is_the_identity():
    x = np.random.default_rng(0).normal(size=(5, 5))
    np.testing.assert_array_equal(np.asarray(random.dropout(x, 0.0, seed=1)), x)


def test_dropout_bad_rate_raises():
    with pytest.raises(ValueError, match="rate"):
        random.dropout(np.ones(3), 1.5)


def test_dropout_bad_noise_shape_raises():
    with pytest.raises(ValueError, match="noise_shape"):
        random.dropout(np.ones((4, 3)), 0.5, noise_shape=(4, 2))
