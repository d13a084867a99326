"""A small streaming dataset of NumPy elements, standing in for `tf.data.Dataset`.

Keras's `*_dataset_from_*` utilities return a `tf.data.Dataset`; nnlite returns
this class instead. It is a chain of lazy steps: each method returns a new
`Dataset` whose iteration pulls elements from the previous one, so nothing is
read or decoded before it is needed (an image dataset holds one batch of
decoded images at a time). Every `iter(ds)` starts a new pass, and a
`shuffle` step draws a new order at every pass, as tf.data reshuffles each
iteration.

Elements are NumPy arrays, Python strings, or tuples / dicts of them; a
batch is the elements stacked along a new first axis (strings give an
object array).
"""
import itertools

import numpy as np

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class Cardinality(int):
    """An int that also answers `.numpy()`, as the tensor tf.data returns."""

    def numpy(self):
        return np.int64(self)


def _map_structure(fn, element):
    if isinstance(element, tuple):
        return tuple(_map_structure(fn, e) for e in element)
    if isinstance(element, dict):
        return {k: _map_structure(fn, v) for k, v in element.items()}
    return fn(element)


def _stack(elements):
    """One batch from a list of same-structured elements."""
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_stack([e[i] for e in elements]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([e[k] for e in elements]) for k in first}
    if isinstance(first, (str, bytes)):
        out = np.empty(len(elements), dtype=object)
        out[:] = elements
        return out
    return np.stack([np.asarray(e) for e in elements])


def _rows(element):
    """The batch size of a batched element (its first leaf's first axis)."""
    if isinstance(element, tuple):
        return _rows(element[0])
    if isinstance(element, dict):
        return _rows(next(iter(element.values())))
    return len(element)


def _row(element, i):
    if isinstance(element, tuple):
        return tuple(_row(e, i) for e in element)
    if isinstance(element, dict):
        return {k: _row(v, i) for k, v in element.items()}
    return element[i]


def _to_numpy(value):
    """NumPy values for what a `map` function returned (tensors, lists, scalars)."""
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, (tuple, dict)):
        return _map_structure(_to_numpy, value)
    if isinstance(value, (str, bytes, np.ndarray, np.generic)):
        return value
    from nnlite.backend.tensor import unwrap
    return np.asarray(unwrap(value))


def _check_count(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError("`%s` must be an integer >= %d. Received: %s=%r"
                         % (name, minimum, name, value))
    return int(value)


class Dataset:
    """A re-iterable, lazily evaluated sequence of NumPy elements.

    Build one with `Dataset.from_tensor_slices(...)` or get one from
    `image_dataset_from_directory`, `text_dataset_from_directory`,
    `timeseries_dataset_from_array` or `split_dataset`; chain `map`,
    `batch`, `shuffle`, `take`, ... as with `tf.data`. `fit`, `evaluate` and
    `predict` accept it directly: each element is one batch, `(x, y)`,
    `(x, y, sample_weight)` or `x`.

    Example:

    >>> ds = Dataset.from_tensor_slices((np.arange(5), np.arange(5) * 10))
    >>> [y.tolist() for _, y in ds.batch(2)]
    [[0, 10], [20, 30], [40]]
    """

    def __init__(self, iterate, cardinality=UNKNOWN_CARDINALITY, rows=None, batch_size=None,
                 class_names=None):
        # `iterate()` returns a fresh iterator over the elements (one pass);
        # `rows` counts the samples when known (the elements themselves when
        # unbatched), `batch_size` is set on datasets made by `batch`.
        self._iterate = iterate
        self._cardinality = int(cardinality)
        self._rows = rows
        self._batch_size = batch_size
        if class_names is not None:
            self.class_names = class_names

    # -- sources ---------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """A dataset of the rows of `tensors` (an array, or a tuple / dict of
        arrays with the same first dimension)."""
        data = _map_structure(np.asarray, tensors)
        leaves = []
        _map_structure(leaves.append, data)
        if not leaves or any(leaf.ndim == 0 for leaf in leaves):
            raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        n = len(leaves[0])
        if any(len(leaf) != n for leaf in leaves):
            raise ValueError("Dimensions %s and %s are not compatible: all the components "
                             "must have the same first dimension."
                             % (n, next(len(a) for a in leaves if len(a) != n)))

        def iterate():
            for i in range(n):
                yield _row(data, i)
        return Dataset(iterate, n, rows=n)

    @staticmethod
    def from_generator(generator, output_signature=None, output_types=None, output_shapes=None,
                       args=None):
        """A dataset over `generator()` (called anew for every pass)."""
        args = tuple(args or ())
        return Dataset(lambda: iter(generator(*args)))

    @staticmethod
    def range(*args):
        """A dataset of `range(*args)` as int64 scalars."""
        r = range(*args)
        return Dataset(lambda: (np.int64(i) for i in r), len(r), rows=len(r))

    @staticmethod
    def zip(*datasets):
        """Elements of several datasets side by side, as a tuple."""
        if len(datasets) == 1 and isinstance(datasets[0], tuple):
            datasets = datasets[0]
        cards = [d._cardinality for d in datasets]
        finite = [c for c in cards if c >= 0]
        if finite:
            card = min(finite)
        else:
            card = UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in cards else INFINITE_CARDINALITY
        return Dataset(lambda: zip(*[iter(d) for d in datasets]), card,
                       rows=card if card >= 0 and all(d._batch_size is None for d in datasets)
                       else None)

    # -- iteration ---------------------------------------------------------------
    def __iter__(self):
        return iter(self._iterate())

    def as_numpy_iterator(self):
        """An iterator over the elements (they already are NumPy values)."""
        return iter(self)

    def cardinality(self):
        """The number of elements: `INFINITE_CARDINALITY` (-1) after `repeat()`,
        `UNKNOWN_CARDINALITY` (-2) when it can't be known without iterating."""
        return Cardinality(self._cardinality)

    def __len__(self):
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality < 0:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self):
        return True

    def __repr__(self):
        return "<Dataset cardinality=%d>" % self._cardinality

    def _derive(self, iterate, cardinality, rows=None, batch_size=None):
        return Dataset(iterate, cardinality, rows, batch_size,
                       getattr(self, "class_names", None))

    # -- transformations ---------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Applies `map_func` to each element; a tuple element is passed as
        several arguments (as tf.data). The results are turned into NumPy."""
        from nnlite.backend.tape import stop_recording
        source = self

        def iterate():
            for element in source:
                with stop_recording():
                    out = map_func(*element) if isinstance(element, tuple) else map_func(element)
                yield _to_numpy(out)
        return self._derive(iterate, self._cardinality, self._rows, self._batch_size)

    def filter(self, predicate, name=None):
        """Keeps the elements for which `predicate` is true."""
        source = self

        def iterate():
            for element in source:
                keep = predicate(*element) if isinstance(element, tuple) else predicate(element)
                if bool(np.asarray(_to_numpy(keep))):
                    yield element
        card = INFINITE_CARDINALITY if self._cardinality == INFINITE_CARDINALITY \
            else UNKNOWN_CARDINALITY
        return self._derive(iterate, card)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Stacks `batch_size` consecutive elements into one (the last batch
        may be smaller unless `drop_remainder`)."""
        batch_size = _check_count("batch_size", batch_size, 1)
        source = self

        def iterate():
            it = iter(source)
            while True:
                chunk = list(itertools.islice(it, batch_size))
                if not chunk or (drop_remainder and len(chunk) < batch_size):
                    return
                yield _stack(chunk)
        card, rows = self._cardinality, None
        if card >= 0:
            card = card // batch_size if drop_remainder else -(-card // batch_size)
            if self._batch_size is None:
                rows = card * batch_size if drop_remainder else self._cardinality
        return self._derive(iterate, card, rows, batch_size)

    def unbatch(self, name=None):
        """Splits each batch into its rows."""
        source = self

        def iterate():
            for element in source:
                for i in range(_rows(element)):
                    yield _row(element, i)
        if self._cardinality == INFINITE_CARDINALITY:
            card = INFINITE_CARDINALITY
        else:
            card = self._rows if self._batch_size is not None and self._rows is not None \
                else UNKNOWN_CARDINALITY
        return self._derive(iterate, card, card if card >= 0 else None)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """`unbatch()` followed by `batch(batch_size)`."""
        return self.unbatch().batch(batch_size, drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffles with a buffer of `buffer_size` elements, as tf.data: each
        output is drawn at random from the buffer, which is refilled from the
        input. A new order at every pass unless `reshuffle_each_iteration=False`;
        `seed=None` draws from nnlite's global generator (`set_random_seed`)."""
        if buffer_size == AUTOTUNE:
            buffer_size = 1024
        buffer_size = _check_count("buffer_size", buffer_size, 1)
        if seed is not None:
            seed = _check_count("seed", seed, 0)
        source = self
        passes = itertools.count()
        fixed = None
        if seed is None and not reshuffle_each_iteration:
            from nnlite.backend.random import global_rng
            fixed = int(global_rng().integers(0, 2 ** 63))

        def iterate():
            k = next(passes)
            if seed is not None:
                rng = np.random.default_rng([seed, 0 if not reshuffle_each_iteration else k])
            elif fixed is not None:
                rng = np.random.default_rng(fixed)
            else:
                from nnlite.backend.random import global_rng
                rng = np.random.default_rng(int(global_rng().integers(0, 2 ** 63)))
            it = iter(source)
            buffer = list(itertools.islice(it, buffer_size))
            for element in it:
                i = int(rng.integers(len(buffer)))
                yield buffer[i]
                buffer[i] = element
            for i in rng.permutation(len(buffer)):
                yield buffer[i]
        return self._derive(iterate, self._cardinality, self._rows, self._batch_size)

    def take(self, count, name=None):
        """The first `count` elements (`-1`: all of them)."""
        count = _check_count("count", count, -1)
        if count == -1:
            return self
        source = self
        card = self._cardinality
        card = min(card, count) if card >= 0 else (count if card == INFINITE_CARDINALITY
                                                   else UNKNOWN_CARDINALITY)
        rows = None
        if self._rows is not None:
            rows = min(self._rows, count * (self._batch_size or 1))
        return self._derive(lambda: itertools.islice(iter(source), count), card, rows,
                            self._batch_size)

    def skip(self, count, name=None):
        """All but the first `count` elements (`-1`: none)."""
        count = _check_count("count", count, -1)
        source = self
        card = self._cardinality
        if count == -1:
            card = 0
        elif card >= 0:
            card = max(card - count, 0)
        rows = None
        if self._rows is not None:
            rows = 0 if count == -1 else max(self._rows - count * (self._batch_size or 1), 0)

        def iterate():
            if count == -1:
                return iter(())
            return itertools.islice(iter(source), count, None)
        return self._derive(iterate, card, rows, self._batch_size)

    def repeat(self, count=None, name=None):
        """The dataset `count` times over (`None` or -1: forever), each pass a
        new iteration (so shuffles draw a new order)."""
        if count is not None:
            count = _check_count("count", count, -1)
            if count == -1:
                count = None
        source = self

        def iterate():
            passes = itertools.count() if count is None else range(count)
            for _ in passes:
                empty = True
                for element in source:
                    empty = False
                    yield element
                if empty:
                    return
        card = self._cardinality
        if count is None:
            card = 0 if card == 0 else (INFINITE_CARDINALITY if card >= 0 or
                                        card == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY)
            rows = None
        else:
            card = card * count if card >= 0 else card
            rows = self._rows * count if self._rows is not None else None
        return self._derive(iterate, card, rows, self._batch_size)

    def enumerate(self, start=0, name=None):
        """Pairs `(index, element)` with int64 indices."""
        source = self
        return self._derive(lambda: ((np.int64(i), e) for i, e in
                                     enumerate(source, start)), self._cardinality)

    def concatenate(self, dataset, name=None):
        """This dataset's elements followed by `dataset`'s."""
        source = self
        a, b = self._cardinality, dataset._cardinality
        card = a + b if a >= 0 and b >= 0 else (
            INFINITE_CARDINALITY if INFINITE_CARDINALITY in (a, b) else UNKNOWN_CARDINALITY)
        return self._derive(lambda: itertools.chain(iter(source), iter(dataset)), card)

    def prefetch(self, buffer_size=None, name=None):
        """Kept for tf.data code; elements are produced on demand (a no-op)."""
        return self

    def cache(self, filename="", name=None):
        """Kept for tf.data code; a no-op (each pass recomputes the elements,
        so memory stays at one batch)."""
        return self

    def with_options(self, options, name=None):
        return self

    def apply(self, transformation_func):
        return transformation_func(self)
