"""The word-id arithmetic shared by the IMDB and Reuters loaders.

Keras processes the sequences with list comprehensions; here the ids of all
sequences are put in one flat array, so each step is one NumPy operation,
with the same results (Keras's quirks included, see `encode`).
"""
import itertools

import numpy as np


class Ragged:
    """Sequences of ints as one flat int64 array plus their lengths."""

    def __init__(self, values, lengths):
        self.values = values
        self.lengths = lengths

    @classmethod
    def from_sequences(cls, sequences, source):
        lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64,
                              count=len(sequences))
        try:
            values = np.fromiter(itertools.chain.from_iterable(sequences),
                                 dtype=np.int64, count=int(lengths.sum()))
        except (TypeError, ValueError, OverflowError) as e:
            raise ValueError(
                f"'{source}' does not hold sequences of integer word ids "
                f"({e}); it is not the expected dataset file.") from e
        return cls(values, lengths)

    def starts(self):
        # Offsets of each sequence; [] (not [0]) when there is none.
        return np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)[:-1]

    def select(self, keep):
        """Keeps the sequences where the boolean array `keep` is true."""
        segment = np.repeat(np.arange(len(self.lengths)), self.lengths)
        return Ragged(self.values[keep[segment]], self.lengths[keep])

    def to_object_array(self):
        """A 1-D object array of Python lists, as Keras returns."""
        pieces = np.split(self.values, np.cumsum(self.lengths)[:-1]) if len(
            self.lengths) else []
        out = np.empty(len(self.lengths), dtype=object)
        out[:] = [p.tolist() for p in pieces] if len(pieces) else []
        return out


def concatenate(a, b):
    return Ragged(np.concatenate([a.values, b.values]),
                  np.concatenate([a.lengths, b.lengths]))


def shift(seqs, start_char, index_from):
    """`[start_char] + [w + index_from for w in x]` for each sequence
    (`start_char=None`: no start mark)."""
    values = seqs.values + index_from if index_from else seqs.values.copy()
    if start_char is None:
        return Ragged(values, seqs.lengths.copy())
    values = np.insert(values, seqs.starts(), start_char)
    return Ragged(values, seqs.lengths + 1)


def drop_long(seqs, labels, maxlen):
    """Keras's `remove_long_seq`: keeps sequences shorter than `maxlen`
    (the documentation says "truncated", but longer ones are dropped)."""
    keep = seqs.lengths < maxlen
    return seqs.select(keep), labels[keep]


def limit_vocabulary(seqs, num_words, skip_top, oov_char):
    """Ids outside `[skip_top, num_words)` become `oov_char`, or are removed
    when `oov_char` is None. `num_words=None` (or 0) is the largest id
    present, so, as in Keras, that one id becomes `oov_char`, and a
    `skip_top` above `start_char` turns the start mark into `oov_char` too."""
    if not num_words:
        if not len(seqs.values):
            raise ValueError("No word ids are left to compute num_words from.")
        num_words = int(seqs.values.max())
    ok = (seqs.values >= skip_top) & (seqs.values < num_words)
    if oov_char is not None:
        return Ragged(np.where(ok, seqs.values, oov_char), seqs.lengths)
    segment = np.repeat(np.arange(len(seqs.lengths)), seqs.lengths)
    lengths = np.bincount(segment[ok], minlength=len(seqs.lengths)).astype(np.int64)
    return Ragged(seqs.values[ok], lengths)


def shuffled(rng, *arrays):
    """Applies one `rng.shuffle(np.arange(n))` permutation to each array."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [a[indices] for a in arrays]
