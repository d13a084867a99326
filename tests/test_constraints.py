"""Constraints against NumPy formulas; names, defaults and serialization as Keras 3.15.1;
Dense stores them on its variables (the optimizer applies them)."""
import numpy as np
import pytest

from nnlite import constraints
from nnlite.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from nnlite.layers import Dense

W = np.array([[3.0, 0.1, -1.0], [4.0, 0.2, 1.0]])      # column norms 5, ~0.224, ~1.414
EPS = 1e-7


def test_max_norm_rescales_only_long_columns():
    out = MaxNorm(2.0)(W)
    norms = np.linalg.norm(W, axis=0)
    expected = W * np.minimum(norms, 2.0) / (EPS + norms)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0)[0], 2.0, rtol=1e-6)


def test_max_norm_axis_1_works_on_rows():
    norms = np.linalg.norm(W, axis=1, keepdims=True)
    np.testing.assert_allclose(MaxNorm(1.0, axis=1)(W), W * np.minimum(norms, 1) / (EPS + norms))


def test_non_neg_clips_negatives():
    np.testing.assert_array_equal(NonNeg()(W), np.maximum(W, 0))


def test_unit_norm_gives_unit_columns():
    np.testing.assert_allclose(np.linalg.norm(UnitNorm()(W), axis=0), 1.0, rtol=1e-6)


def test_min_max_norm_with_rate():
    norms = np.linalg.norm(W, axis=0)
    desired = 0.5 * np.clip(norms, 0.5, 1.0) + 0.5 * norms
    np.testing.assert_allclose(MinMaxNorm(0.5, 1.0, rate=0.5)(W), W * desired / (EPS + norms),
                               rtol=1e-12)


def test_constraints_keep_float32():
    w = W.astype("float32")
    for c in (MaxNorm(), NonNeg(), UnitNorm(), MinMaxNorm()):
        assert c(w).dtype == np.float32


def test_keras_defaults_and_configs():
    # keras.constraints.serialize(...) in Keras 3.15.1
    assert constraints.serialize(MaxNorm()) == {"module": "keras.constraints",
                                                "class_name": "MaxNorm",
                                                "config": {"max_value": 2, "axis": 0},
                                                "registered_name": None}
    assert NonNeg().get_config() == {}
    assert UnitNorm().get_config() == {"axis": 0}
    assert MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0,
                                         "axis": 0}


def test_string_aliases():
    for name, cls in (("max_norm", MaxNorm), ("non_neg", NonNeg), ("unit_norm", UnitNorm),
                      ("min_max_norm", MinMaxNorm), ("MaxNorm", MaxNorm)):
        assert type(constraints.get(name)) is cls
    assert constraints.max_norm is MaxNorm and constraints.non_neg is NonNeg
    with pytest.raises(ValueError, match="Could not interpret constraint identifier"):
        constraints.get("positive")


def test_deserialize_round_trip():
    c = constraints.deserialize(constraints.serialize(MaxNorm(3, axis=1)))
    assert isinstance(c, MaxNorm) and (c.max_value, c.axis) == (3, 1)


def test_base_constraint_is_identity():
    np.testing.assert_array_equal(Constraint()(W), W)


def test_dense_stores_constraints_on_its_variables():
    layer = Dense(3, kernel_constraint="max_norm", bias_constraint=NonNeg())
    layer.build((None, 4))
    assert isinstance(layer.kernel.constraint, MaxNorm)
    assert isinstance(layer.bias.constraint, NonNeg)
    config = layer.get_config()
    assert config["kernel_constraint"]["class_name"] == "MaxNorm"
    assert config["bias_constraint"]["class_name"] == "NonNeg"
    clone = Dense.from_config(config)
    clone.build((None, 4))
    assert isinstance(clone.kernel.constraint, MaxNorm)


def test_add_weight_without_constraint_leaves_none():
    layer = Dense(2)
    layer.build((None, 2))
    assert layer.kernel.constraint is None and layer.kernel.regularizer is None
