"""C dropout kernels: the mask of a key against a splitmix64 reference written
here in NumPy, mask statistics, forward/backward agreement, argument checks."""
import numpy as np
import pytest

from nnlite import _core

_GOLDEN, _M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), \
    np.uint64(0x94D049BB133111EB)


def _reference_uniforms(key, n):
    """u(key, i): the i-th splitmix64 output seeded with key, top 53 bits / 2**53."""
    with np.errstate(over="ignore"):
        z = np.uint64(key) + (np.arange(n, dtype=np.uint64) + np.uint64(1)) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / 2.0 ** 53


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("key", [0, 12345, 2 ** 64 - 1])
def test_mask_matches_the_splitmix64_reference(dtype, key):
    rate = 0.3
    u = _reference_uniforms(key, 1000)
    expected = np.where(u >= rate, dtype(1 / (1 - rate)), dtype(0)).reshape(20, 50)
    np.testing.assert_array_equal(_core.dropout_mask((20, 50), dtype, key, rate), expected)


def test_mask_drops_about_rate_and_keeps_the_mean():
    mask = _core.dropout_mask((400, 250), np.float64, 987654321, 0.25)
    assert abs(np.mean(mask == 0) - 0.25) < 0.01        # 100,000 draws: sd ~0.0014
    assert abs(mask.mean() - 1.0) < 0.01


def test_different_keys_give_different_masks():
    a = _core.dropout_mask((1000,), np.float32, 1, 0.5)
    b = _core.dropout_mask((1000,), np.float32, 2, 0.5)
    assert 0.4 < np.mean(a != b) < 0.6                  # independent halves disagree half the time


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_and_backward_multiply_by_the_mask(dtype):
    x = np.random.default_rng(0).normal(size=(7, 9)).astype(dtype)
    mask = np.where(_reference_uniforms(42, 63) >= 0.4, dtype(1 / 0.6), dtype(0)).reshape(7, 9)
    np.testing.assert_array_equal(_core.dropout_forward(x, 42, 0.4), x * mask)
    np.testing.assert_array_equal(_core.dropout_backward(x, 42, 0.4), x * mask)


def test_rate_one_zeroes_and_rate_zero_keeps():
    x = np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(_core.dropout_forward(x, 7, 1.0), np.zeros((3, 4)))
    np.testing.assert_array_equal(_core.dropout_forward(x, 7, 0.0), x)


@pytest.mark.parametrize("key, rate, match", [(-1, 0.5, "key"), (2 ** 64, 0.5, "key"),
                                               (1.5, 0.5, "key"), (1, 1.5, "rate"),
                                               (1, -0.1, "rate")])
def test_bad_key_or_rate_is_rejected(key, rate, match):
    with pytest.raises(ValueError, match=match):
        _core.dropout_forward(np.ones(3, np.float32), key, rate)


def test_integer_input_is_rejected():
    with pytest.raises(TypeError, match="float32 or float64"):
        _core.dropout_forward(np.ones(3, np.int32), 1, 0.5)


@pytest.mark.parametrize("threads", [1, 2])
def test_large_forward_split_over_threads_matches_the_reference(threads):
    """Arrays large enough to be split over the threads: the same mask as the
    reference for every element, whatever the thread count."""
    before = _core.get_num_threads()
    n = 300_001
    x = np.random.default_rng(1).normal(size=n).astype(np.float32)
    mask = np.where(_reference_uniforms(7, n) >= 0.5, np.float32(2), np.float32(0))
    try:
        _core.set_num_threads(threads)
        np.testing.assert_array_equal(_core.dropout_forward(x, 7, 0.5), x * mask)
        np.testing.assert_array_equal(_core.dropout_backward(x, 7, 0.5), x * mask)
    finally:
        _core.set_num_threads(before)
