"""Tests for nnlite.utils.to_categorical and set_random_seed.

References: one-hot rows built here with `np.eye`, the Keras docstring
example (`keras/src/utils/numerical_utils.py`), and the facts that Keras
returns float64 and drops a trailing axis of size 1.
"""
import numpy as np
import pytest

from nnlite.utils import set_random_seed, to_categorical


def test_keras_doc_example_four_classes_is_identity():
    np.testing.assert_array_equal(to_categorical([0, 1, 2, 3], num_classes=4), np.eye(4))


def test_values_are_one_hot_rows():
    labels = np.array([2, 0, 1, 2, 4])
    np.testing.assert_array_equal(to_categorical(labels, num_classes=5), np.eye(5)[labels])


def test_dtype_is_float64_as_in_keras():
    assert to_categorical([0, 1, 2]).dtype == np.float64


def test_dtype_is_float64_for_uint8_labels():
    assert to_categorical(np.array([3, 1], dtype=np.uint8), num_classes=4).dtype == np.float64


def test_num_classes_is_inferred_as_max_plus_one():
    out = to_categorical([0, 3, 1])
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out, np.eye(4)[[0, 3, 1]])


def test_explicit_num_classes_larger_than_max_adds_zero_columns():
    out = to_categorical([0, 1], num_classes=6)
    assert out.shape == (2, 6)
    np.testing.assert_array_equal(out[:, 2:], 0.0)


def test_trailing_axis_of_one_is_dropped():
    labels = np.array([[1], [0], [2]])
    out = to_categorical(labels, num_classes=3)
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(out, np.eye(3)[[1, 0, 2]])


def test_two_dimensional_labels_get_a_new_last_axis():
    labels = np.array([[0, 1, 2], [2, 1, 0]])
    out = to_categorical(labels, num_classes=3)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out, np.eye(3)[labels])


def test_single_label_vector_of_length_one_keeps_batch_axis():
    out = to_categorical([2], num_classes=3)
    assert out.shape == (1, 3)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 1.0]])


def test_each_row_sums_to_one():
    labels = np.random.default_rng(0).integers(0, 10, size=200)
    np.testing.assert_array_equal(to_categorical(labels, 10).sum(axis=-1), np.ones(200))


def test_integer_valued_float_labels_are_accepted():
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0, 2.0])), np.eye(3)[[1, 0, 2]])


def test_label_equal_to_num_classes_raises():
    with pytest.raises(ValueError):
        to_categorical([0, 3], num_classes=3)


def test_label_above_num_classes_raises():
    with pytest.raises(ValueError):
        to_categorical([0, 1, 10], num_classes=5)


def test_negative_label_raises():
    with pytest.raises(ValueError):
        to_categorical([0, -1, 2], num_classes=3)


def test_negative_label_without_num_classes_raises():
    with pytest.raises(ValueError):
        to_categorical([-1, 1])


def test_non_integer_float_label_raises():
    with pytest.raises(ValueError):
        to_categorical([0.5, 1.0])


def test_nan_label_raises():
    with pytest.raises(ValueError):
        to_categorical(np.array([0.0, np.nan]))


def test_string_labels_raise_type_error():
    with pytest.raises(TypeError):
        to_categorical(["cat", "dog"])


# --------------------------------------------------------------------------
# set_random_seed

@pytest.mark.parametrize("seed", [1.5, "42", None, [1]])
def test_set_random_seed_non_int_raises_value_error(seed):
    with pytest.raises(ValueError, match="seed"):
        set_random_seed(seed)


def test_set_random_seed_accepts_numpy_integer():
    set_random_seed(np.int64(5))


def test_set_random_seed_seeds_numpy_global_state():
    set_random_seed(11)
    a = np.random.rand(3)
    set_random_seed(11)
    np.testing.assert_array_equal(np.random.rand(3), a)


def test_set_random_seed_seeds_python_random():
    import random
    set_random_seed(12)
    a = [random.random() for _ in range(3)]
    set_random_seed(12)
    assert [random.random() for _ in range(3)] == a
