"""split_dataset: Keras's size arithmetic on arrays, tuples and datasets."""
import random

import numpy as np
import pytest

from nnlite.data import Dataset
from nnlite.utils import split_dataset


def test_array_split_by_fraction():
    left, right = split_dataset(np.random.random((1000, 4)), left_size=0.8)
    assert len(left) == 800 and len(right) == 200
    assert next(iter(left)).shape == (4,)


def test_int_sizes_take_the_first_and_last_samples():
    left, right = split_dataset(np.arange(10), left_size=3, right_size=2)
    assert [int(v) for v in left] == [0, 1, 2] and [int(v) for v in right] == [8, 9]


def test_right_size_alone_gives_the_complement():
    left, right = split_dataset(np.arange(10), right_size=0.25)        # round(2.5) = 2
    assert len(left) == 8 and len(right) == 2


def test_tuple_of_arrays_keeps_pairs_together():
    x, y = np.arange(20), np.arange(20) * 10
    left, right = split_dataset((x, y), left_size=0.5, shuffle=True, seed=1)
    for a, b in list(left) + list(right):
        assert int(b) == 10 * int(a)


def test_shuffle_is_pythons_random_with_the_seed():
    order = list(range(10))
    random.Random(4).shuffle(order)
    left, right = split_dataset(np.arange(10), left_size=6, shuffle=True, seed=4)
    assert [int(v) for v in left] == order[:6] and [int(v) for v in right] == order[6:]


def test_batched_dataset_splits_samples_and_rebatches():
    ds = Dataset.from_tensor_slices((np.arange(10), np.arange(10))).batch(4)
    left, right = split_dataset(ds, left_size=0.7)
    assert [len(b[0]) for b in left] == [4, 3] and [len(b[0]) for b in right] == [3]


def test_bad_sizes_raise_keras_errors():
    data = np.arange(10)
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        split_dataset(data)
    with pytest.raises(ValueError, match="`left_size` should be either a positive integer"):
        split_dataset(data, left_size=10)
    with pytest.raises(ValueError, match="`right_size` should be either a positive integer"):
        split_dataset(data, right_size=1.5)
    with pytest.raises(ValueError, match="The sum of `left_size` and `right_size` is greater"):
        split_dataset(data, left_size=0.6, right_size=0.6)
    with pytest.raises(ValueError, match="should be smaller than the 10"):
        split_dataset(data, left_size=6, right_size=5)
    with pytest.raises(TypeError, match="Invalid `left_size` Type"):
        split_dataset(data, left_size="half")
    with pytest.raises(TypeError, match="The `dataset` argument must be either"):
        split_dataset("abc", left_size=0.5)
