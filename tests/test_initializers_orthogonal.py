"""Tests for the Orthogonal and Identity initializers: orthogonality, shapes,
seeding, the sign correction, errors and config round trips."""
import json

import numpy as np
import pytest

from nnlite import initializers
from nnlite.initializers import Identity, Orthogonal
from nnlite.utils import set_random_seed


@pytest.mark.parametrize("shape", [(5, 3), (4, 4), (6, 1)])
def test_orthogonal_tall_matrix_has_orthonormal_columns(shape):
    w = Orthogonal(seed=1)(shape, dtype="float64")
    np.testing.assert_allclose(w.T @ w, np.eye(shape[1]), atol=1e-12)


def test_orthogonal_wide_matrix_has_orthonormal_rows():
    w = Orthogonal(seed=1)((3, 12), dtype="float64")
    np.testing.assert_allclose(w @ w.T, np.eye(3), atol=1e-12)


def test_orthogonal_gain_scales_the_gram_matrix():
    w = Orthogonal(gain=2.5, seed=2)((6, 4), dtype="float64")
    np.testing.assert_allclose(w.T @ w, 2.5 ** 2 * np.eye(4), atol=1e-12)


def test_orthogonal_3d_kernel_is_orthogonal_when_flattened():
    w = Orthogonal(seed=3)((3, 4, 5), dtype="float64")
    assert w.shape == (3, 4, 5)
    flat = w.reshape(12, 5)
    np.testing.assert_allclose(flat.T @ flat, np.eye(5), atol=1e-12)


def test_orthogonal_matches_sign_corrected_qr_of_a_normal_draw():
    # Keras's recipe: Q of A ~ N(0, 1), columns times sign(diag R), transposed when wide
    a = np.random.default_rng(11).standard_normal((5, 3))
    q, r = np.linalg.qr(a)
    expected = (q * np.sign(np.diag(r))).T
    np.testing.assert_allclose(Orthogonal(seed=11)((3, 5), dtype="float64"), expected,
                               atol=1e-12)


def test_orthogonal_seeded_is_reproducible():
    a = Orthogonal(seed=4)((5, 5))
    b = Orthogonal(seed=4)((5, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, Orthogonal(seed=5)((5, 5)))


def test_orthogonal_unseeded_follows_set_random_seed():
    set_random_seed(7)
    a = Orthogonal()((4, 4))
    set_random_seed(7)
    np.testing.assert_array_equal(a, Orthogonal()((4, 4)))


def test_orthogonal_defaults_to_float32():
    assert Orthogonal(seed=1)((3, 3)).dtype == np.float32


def test_orthogonal_1d_shape_raises():
    with pytest.raises(ValueError, match="two-dimensional"):
        Orthogonal()((4,))


def test_orthogonal_config_round_trip():
    config = initializers.serialize(Orthogonal(gain=0.5, seed=3))
    assert config == {"module": "keras.initializers", "class_name": "Orthogonal",
                      "config": {"gain": 0.5, "seed": 3}, "registered_name": None}
    clone = initializers.deserialize(json.loads(json.dumps(config)))
    np.testing.assert_array_equal(clone((4, 2)), Orthogonal(gain=0.5, seed=3)((4, 2)))


@pytest.mark.parametrize("name", ["orthogonal", "Orthogonal", "OrthogonalInitializer"])
def test_orthogonal_names_resolve(name):
    assert isinstance(initializers.get(name), Orthogonal)


def test_identity_values():
    np.testing.assert_array_equal(Identity()((3, 3)), np.eye(3))


def test_identity_gain_on_a_non_square_matrix():
    np.testing.assert_array_equal(Identity(gain=2.0)((2, 3)),
                                  [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]])


def test_identity_defaults_to_float32():
    assert Identity()((2, 2)).dtype == np.float32


def test_identity_3d_shape_raises():
    with pytest.raises(ValueError, match="2D"):
        Identity()((2, 2, 2))


def test_identity_config_round_trip():
    config = initializers.serialize(Identity(gain=3.0))
    assert config["class_name"] == "Identity" and config["module"] == "keras.initializers"
    assert initializers.deserialize(config).gain == 3.0


@pytest.mark.parametrize("name", ["identity", "Identity", "IdentityInitializer"])
def test_identity_names_resolve(name):
    assert isinstance(initializers.get(name), Identity)
