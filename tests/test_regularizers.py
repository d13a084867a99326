"""Regularizers: penalties against NumPy formulas, gradients against finite differences,
names, defaults and serialization as Keras 3.15.1."""
import numpy as np
import pytest

from layer_gradcheck import numeric_grad
from nnlite import regularizers
from nnlite.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

W = np.array([[0.5, -1.5, 0.25], [2.0, -0.75, 1.0]])


def test_l1_penalty_is_factor_times_sum_of_abs():
    assert L1(0.3)(W) == pytest.approx(np.float32(0.3) * np.abs(W).sum(), rel=1e-12)


def test_l2_penalty_is_factor_times_sum_of_squares():
    assert L2(2.0)(np.ones((5, 5))) == pytest.approx(50.0)   # Keras docstring example
    assert L2(0.1)(W) == pytest.approx(0.1 * np.square(W).sum(), rel=1e-12)


def test_l1l2_penalty_adds_both():
    assert L1L2(l1=0.2, l2=0.3)(W) == pytest.approx(0.2 * np.abs(W).sum()
                                                    + 0.3 * np.square(W).sum(), rel=1e-12)


def test_orthogonal_penalty_matches_formula():
    n = W / np.linalg.norm(W, axis=1, keepdims=True)
    p = n @ n.T
    off = np.abs(p).sum() - np.abs(np.diag(p)).sum()
    expected = np.float32(0.5) * 0.5 * off / (2 * 1 / 2)
    assert OrthogonalRegularizer(0.5)(W) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("reg", [L1(0.3), L2(0.7), L1L2(0.2, 0.4),
                                 OrthogonalRegularizer(0.5),
                                 OrthogonalRegularizer(0.5, mode="columns")],
                         ids=["l1", "l2", "l1l2", "orthogonal_rows", "orthogonal_columns"])
def test_regularizer_gradient_matches_finite_differences(reg):
    w = W.copy()
    np.testing.assert_allclose(reg.gradient(w), numeric_grad(lambda: reg(w), w),
                               rtol=1e-6, atol=1e-8)


def test_gradient_keeps_the_weight_dtype():
    w = W.astype("float32")
    for reg in (L1(), L2(), L1L2(0.1, 0.1), OrthogonalRegularizer()):
        assert reg.gradient(w).dtype == np.float32


def test_keras_defaults():
    assert L1().l1 == pytest.approx(0.01) and L2().l2 == 0.01
    assert (L1L2().l1, L1L2().l2) == (0.0, 0.0)
    # Keras keeps L1's factor as a float32 tensor (get_config in Keras 3.15.1)
    assert L1().get_config() == {"l1": 0.009999999776482582}
    assert OrthogonalRegularizer().get_config() == {"factor": 0.009999999776482582,
                                                    "mode": "rows"}


def test_aliases_and_string_names():
    assert regularizers.l1 is L1 and regularizers.l2 is L2 and regularizers.l1_l2 is L1L2
    assert isinstance(regularizers.get("l1"), L1)
    assert isinstance(regularizers.get("l2"), L2)
    assert isinstance(regularizers.get("L2"), L2)
    assert regularizers.get("l1l2").get_config() == {"l1": 0.0, "l2": 0.0}
    # "l1_l2": Keras 3's docstring promises 0.01 / 0.01 (Keras 2's defaults)
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.get(None) is None


def test_unknown_name_raises():
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
        regularizers.get("l3")


def test_serialize_matches_keras_and_round_trips():
    # keras.regularizers.serialize(keras.regularizers.L2()) in Keras 3.15.1
    assert regularizers.serialize(L2()) == {"module": "keras.regularizers", "class_name": "L2",
                                            "config": {"l2": 0.01}, "registered_name": None}
    again = regularizers.deserialize(regularizers.serialize(L1L2(0.1, 0.2)))
    assert isinstance(again, L1L2) and (again.l1, again.l2) == (0.1, 0.2)
    assert regularizers.serialize(None) is None


@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf"), "big"])
def test_invalid_factor_raises(value):
    with pytest.raises(ValueError, match="non-negative"):
        L2(value)


def test_orthogonal_needs_rank_two_and_valid_mode():
    with pytest.raises(ValueError, match="rank 2"):
        OrthogonalRegularizer()(np.ones(3))
    with pytest.raises(ValueError, match="mode"):
        OrthogonalRegularizer(mode="diagonal")


def test_custom_regularizer_without_gradient_says_how_to_fix():
    class Half(Regularizer):
        def __call__(self, x):
            return 0.5 * float(np.sum(x))
    with pytest.raises(NotImplementedError, match="gradient"):
        Half().gradient(W)


def test_all_objects_dict_has_keras_keys():
    # sorted(keras.src.regularizers.ALL_OBJECTS_DICT) in Keras 3.15.1 (/work/kerasenv)
    from nnlite.regularizers import ALL_OBJECTS_DICT
    assert sorted(ALL_OBJECTS_DICT) == [
        "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "l1", "l1l2", "l2",
        "orthogonal_regularizer", "regularizer"]
