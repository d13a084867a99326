"""The streaming Dataset: tf.data's transformations on NumPy elements."""
import numpy as np
import pytest

import nnlite
from nnlite.data import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset


def pairs(n=10):
    return Dataset.from_tensor_slices((np.arange(n), np.arange(n) * 10))


def test_from_tensor_slices_yields_rows_as_tuples():
    assert [(int(a), int(b)) for a, b in pairs(3)] == [(0, 0), (1, 10), (2, 20)]


def test_from_tensor_slices_rejects_different_lengths():
    with pytest.raises(ValueError):
        Dataset.from_tensor_slices((np.arange(3), np.arange(4)))


def test_batch_stacks_and_keeps_a_short_last_batch():
    batches = list(pairs(5).batch(2))
    assert [b[0].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert len(pairs(5).batch(2)) == 3


def test_batch_drop_remainder_drops_the_short_batch():
    ds = pairs(5).batch(2, drop_remainder=True)
    assert [b[0].tolist() for b in ds] == [[0, 1], [2, 3]] and len(ds) == 2


def test_unbatch_restores_the_elements_and_their_count():
    ds = pairs(5).batch(2).unbatch()
    assert [int(a) for a, _ in ds] == list(range(5)) and len(ds) == 5


def test_map_passes_tuple_components_as_arguments():
    out = list(pairs(3).map(lambda a, b: a + b))
    assert [int(v) for v in out] == [0, 11, 22]


def test_map_turns_nnlite_tensors_into_numpy():
    layer = nnlite.layers.Rescaling(0.5) if hasattr(nnlite.layers, "Rescaling") else None
    fn = layer if layer is not None else (lambda x: nnlite.ops.multiply(x, 0.5))
    ds = Dataset.from_tensor_slices(np.ones((4, 2), np.float32)).batch(2).map(fn)
    batch = next(iter(ds))
    assert type(batch) is np.ndarray and np.allclose(batch, 0.5)


def test_take_and_skip_split_the_elements():
    assert [int(a) for a, _ in pairs(6).take(2)] == [0, 1]
    assert [int(a) for a, _ in pairs(6).skip(4)] == [4, 5]
    assert len(pairs(6).take(2)) == 2 and len(pairs(6).skip(4)) == 2


def test_shuffle_is_a_permutation_that_changes_every_pass():
    ds = pairs(50).shuffle(50, seed=3)
    first, second = [[int(a) for a, _ in ds] for _ in range(2)]
    assert sorted(first) == list(range(50)) and first != second


def test_shuffle_with_a_seed_is_reproducible_across_datasets():
    a = [int(v) for v, _ in pairs(30).shuffle(8, seed=1)]
    b = [int(v) for v, _ in pairs(30).shuffle(8, seed=1)]
    assert a == b


def test_shuffle_without_reshuffle_repeats_the_order():
    ds = pairs(30).shuffle(30, seed=2, reshuffle_each_iteration=False)
    assert [int(a) for a, _ in ds] == [int(a) for a, _ in ds]


def test_small_shuffle_buffer_only_moves_elements_locally():
    order = [int(a) for a, _ in pairs(100).shuffle(4, seed=0)]
    # an element can leave the buffer at the earliest when it enters it
    assert all(v <= i + 4 for i, v in enumerate(order))


def test_repeat_counts_and_infinite_cardinality():
    assert len(pairs(3).repeat(2)) == 6
    assert pairs(3).repeat().cardinality() == INFINITE_CARDINALITY
    assert [int(a) for a, _ in pairs(3).repeat().take(7)] == [0, 1, 2, 0, 1, 2, 0]


def test_len_of_infinite_or_unknown_dataset_raises_type_error():
    with pytest.raises(TypeError, match="infinite"):
        len(pairs(3).repeat())
    filtered = pairs(3).filter(lambda a, b: a > 0)
    assert filtered.cardinality() == UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="unknown"):
        len(filtered)


def test_prefetch_cache_accept_autotune_and_keep_elements():
    ds = pairs(4).cache().shuffle(4, seed=0).batch(2).prefetch(AUTOTUNE)
    assert sorted(int(v) for b in ds for v in b[0]) == [0, 1, 2, 3]


def test_cardinality_answers_numpy_like_a_tensor():
    assert pairs(7).batch(3).cardinality().numpy() == 3
    assert nnlite.data.experimental.cardinality(pairs(7)) == 7


def test_as_numpy_iterator_and_strings_batch_to_object_arrays():
    ds = Dataset.from_tensor_slices(np.array(["a", "bb", "c"], dtype=object)).batch(2)
    first = next(ds.as_numpy_iterator())
    assert first.dtype == object and first.tolist() == ["a", "bb"]


def test_dataset_is_reiterable():
    ds = pairs(4).batch(3)
    assert [b[0].tolist() for b in ds] == [b[0].tolist() for b in ds]
