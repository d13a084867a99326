"""`nnlite.datasets._sequences`: the flat-array word-id steps behind the
IMDB and Reuters loaders, on edge cases the loaders' examples do not reach."""
import numpy as np
import pytest

from nnlite.datasets import _sequences
from nnlite.datasets._sequences import Ragged


def _lists(ragged):
    return list(ragged.to_object_array())


def test_shift_of_no_sequences_gives_no_sequences():
    empty = Ragged(np.zeros(0, np.int64), np.zeros(0, np.int64))
    shifted = _sequences.shift(empty, start_char=1, index_from=3)
    assert len(shifted.values) == 0 and len(shifted.lengths) == 0


def test_shift_marks_empty_sequences_too():
    seqs = Ragged.from_sequences([[], [5], []], "test")
    assert _lists(_sequences.shift(seqs, 1, 3)) == [[1], [1, 8], [1]]


def test_equal_length_sequences_give_a_1d_object_array():
    out = Ragged.from_sequences([[1, 2], [3, 4]], "test").to_object_array()
    assert out.shape == (2,) and out.dtype == object
    assert list(out) == [[1, 2], [3, 4]]


def test_limit_vocabulary_without_oov_can_empty_a_sequence():
    seqs = Ragged.from_sequences([[1, 9], [9, 9], [2]], "test")
    limited = _sequences.limit_vocabulary(seqs, num_words=5, skip_top=0,
                                          oov_char=None)
    assert _lists(limited) == [[1], [], [2]]


def test_from_sequences_refuses_non_integer_ids():
    with pytest.raises(ValueError, match="integer word ids"):
        Ragged.from_sequences([["a", "b"]], "some.npz")
