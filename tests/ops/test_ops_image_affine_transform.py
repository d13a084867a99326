"""ops.image.affine_transform: the backward against finite differences, and
the forward on transforms whose result is known exactly."""
import numpy as np
import pytest

from op_gradcheck import check_grad

from nnlite.ops import image


def _transforms():
    """Two rotations-with-shift whose taps land between pixels and outside."""
    return np.array([[0.9, -0.3, 1.2, 0.35, 0.8, -0.7, 0.0, 0.0],
                     [1.1, 0.2, -0.9, -0.1, 0.95, 0.6, 0.01, -0.02]])


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "reflect"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_backward_matches_finite_differences(fill_mode, interpolation):
    x = np.random.RandomState(0).rand(2, 4, 5, 2)
    check_grad(lambda a: image.affine_transform(a, _transforms(), interpolation, fill_mode,
                                                fill_value=0.5), x)


def test_affine_transform_one_transform_for_the_batch_backward():
    x = np.random.RandomState(1).rand(3, 4, 4, 1)
    check_grad(lambda a: image.affine_transform(a, _transforms()[0], "bilinear", "reflect"), x)


def test_affine_transform_identity_is_exact():
    x = np.random.RandomState(2).rand(2, 5, 6, 3).astype("float32")
    identity = [1, 0, 0, 0, 1, 0, 0, 0]
    np.testing.assert_array_equal(image.affine_transform(x, identity).numpy(), x)


def test_affine_transform_half_pixel_shift_averages_neighbours_with_constant_fill():
    x = np.arange(4.0, dtype="float32").reshape(1, 1, 4, 1)
    out = image.affine_transform(x, [1, 0, 0.5, 0, 1, 0, 0, 0], fill_value=10.0).numpy()
    np.testing.assert_allclose(out.reshape(-1), [0.5, 1.5, 2.5, 0.5 * 3 + 0.5 * 10])


def test_affine_transform_unknown_fill_mode_raises():
    with pytest.raises(ValueError, match="fill_mode=mirror"):
        image.affine_transform(np.zeros((1, 2, 2, 1)), [1, 0, 0, 0, 1, 0, 0, 0],
                               fill_mode="mirror")


def _random_transforms(rng, n, projective):
    t = np.stack([rng.uniform(-1.5, 1.5, n), rng.uniform(-0.7, 0.7, n), rng.uniform(-6, 6, n),
                  rng.uniform(-0.7, 0.7, n), rng.uniform(-1.5, 1.5, n), rng.uniform(-6, 6, n),
                  rng.uniform(-0.05, 0.05, n) * projective,
                  rng.uniform(-0.05, 0.05, n) * projective], axis=1)
    return t.astype(np.float32)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "reflect"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_c_kernel_equals_numpy_taps(dtype, fill_mode, interpolation):
    # the C forward and the NumPy taps its backward scatters must be the same sampling
    rng = np.random.RandomState(5)
    for trial, (h, w) in enumerate([(1, 1), (1, 6), (5, 1), (4, 7), (8, 8)]):
        x = rng.rand(3, h, w, 2).astype(dtype)
        t = _random_transforms(rng, 3, trial % 2)
        out = image.affine_transform(x, t, interpolation, fill_mode, fill_value=2.5).numpy()
        taps, fill_w = image._projective_taps(t, h, w, interpolation, fill_mode)
        expected = image._gather_taps(x, taps, fill_w, 2.5)
        np.testing.assert_array_equal(out, expected)


def test_affine_transform_float16_runs_on_the_numpy_taps():
    x = np.random.RandomState(2).rand(1, 4, 4, 1).astype("float16")
    out = image.affine_transform(x, [1, 0, 1, 0, 1, 0, 0, 0], fill_mode="nearest").numpy()
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out[0, :, :3], x[0, :, 1:])
    np.testing.assert_array_equal(out[0, :, 3], x[0, :, 3])


def test_affine_transform_degenerate_projection_reads_fill_value():
    x = np.ones((1, 3, 3, 1), "float32")
    t = [1, 0, 0, 0, 1, 0, -1, 0]            # k = 1 - x: zero in column 1
    out = image.affine_transform(x, t, fill_value=4.0).numpy()
    np.testing.assert_array_equal(out[0, :, 1, 0], [4.0, 4.0, 4.0])


def test_core_affine_transform_rejects_a_transform_count_that_is_not_one_or_n():
    from nnlite import _core
    with pytest.raises(ValueError, match="transform must have shape"):
        _core.affine_transform(np.zeros((3, 2, 2, 1), "float32"), np.zeros((2, 8)), "bilinear",
                               "constant", 0.0)
