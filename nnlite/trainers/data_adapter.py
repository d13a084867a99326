"""Datasets as batch sources for fit / evaluate / predict.

`fit(dataset)` takes an nnlite `Dataset` (what `image_dataset_from_directory`
and the other utilities return) or a `PyDataset` / Keras 2 `Sequence`. Each
element is one batch: `(x, y)`, `(x, y, sample_weight)`, `(x,)` or a bare
`x`. A `DatasetBatches` is a batch source like `models.data.GeneratorBatches`
(`num_batches`, `iterator()`, `first_x()`), but every pass iterates the
dataset anew, so it can be used for any number of epochs, and a shuffled
`Dataset` draws a new order each epoch.

As Keras's `get_data_adapter`, a dataset carries its own targets and
weights: `y` or `sample_weight` beside it raises ValueError, as does
`validation_split`; `batch_size` is ignored (the dataset is batched).
"""
import numpy as np

from nnlite.backend.random import global_rng
from nnlite.utils.dataset import Dataset
from nnlite.utils.py_dataset import PyDataset


def is_dataset(x):
    """True for an nnlite `Dataset` or a `PyDataset` (Keras 2 `Sequence`)."""
    return isinstance(x, (Dataset, PyDataset))


def _kind(x):
    return "PyDataset" if isinstance(x, PyDataset) else "Dataset"


def check_dataset_args(x, y=None, sample_weight=None, validation_split=None):
    """Keras's refusals for a dataset `x` (ValueError). (`shuffle=True` is
    silently ignored for a `Dataset`, which shuffles itself, as Keras does for
    a tf.data.Dataset.)"""
    kind = _kind(x)
    if y is not None:
        raise ValueError("When providing `x` as a %s, `y` should not be passed. Instead, the "
                         "targets should be included as part of the %s." % (kind, kind))
    if sample_weight is not None:
        raise ValueError("When providing `x` as a %s, `sample_weights` should not be passed. "
                         "Instead, the sample weights should be included as part of the %s."
                         % (kind, kind))
    if validation_split:
        raise ValueError("Argument `validation_split` is only supported for tensors or NumPy "
                         "arrays.Found incompatible type in the input: [%s]" % (type(x),))


def _as_triple(batch, allow_bare):
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        if not allow_bare and not isinstance(batch, (np.ndarray, dict)):
            raise ValueError("A dataset element must be a tuple (x,), (x, y) or (x, y, "
                             "sample_weight), or an array x. Received: %r"
                             % (type(batch).__name__,))
        batch = (batch,)
    if not 1 <= len(batch) <= 3:
        raise ValueError("A dataset element must be a tuple (x,), (x, y) or (x, y, "
                         "sample_weight). Received a tuple of length %d" % len(batch))
    return batch + (None,) * (3 - len(batch))


class DatasetBatches:
    """The batches of a `Dataset` or `PyDataset`, converted by `convert(batch)`
    (a raw `(x, y, sample_weight)` triple to checked arrays); `shuffle`
    visits a PyDataset's batches in a new random order every pass."""

    def __init__(self, dataset, convert, shuffle=False, allow_bare=True):
        self.dataset = dataset
        self.convert = convert
        self.shuffle = bool(shuffle) and isinstance(dataset, PyDataset)
        self.allow_bare = allow_bare
        if isinstance(dataset, PyDataset):
            n = dataset.num_batches
            self.num_batches = None if n is None else int(n)
        else:
            card = int(dataset.cardinality())
            self.num_batches = card if card >= 0 else None
        if self.num_batches == 0:
            raise ValueError("The %s is empty: it yields no batch." % _kind(dataset))

    def first_x(self):
        """The inputs of the first batch (to build the model)."""
        if isinstance(self.dataset, PyDataset):
            batch = self.dataset[0]
        else:
            batch = next(iter(self.dataset), None)
            if batch is None:
                raise ValueError("The Dataset is empty: it yields no batch.")
        return _as_triple(batch, True)[0]

    def _raw(self):
        ds = self.dataset
        if not isinstance(ds, PyDataset):
            yield from ds
            return
        ds.on_epoch_begin()
        if self.num_batches is None:
            i = 0
            while True:
                yield ds[i]
                i += 1
        order = global_rng().permutation(self.num_batches) if self.shuffle \
            else range(self.num_batches)
        for step, i in enumerate(order):
            batch = ds[int(i)]
            if step == self.num_batches - 1:
                # the epoch iterator stops after the last step without asking
                # for more, so the pass ends once the last batch is read
                ds.on_epoch_end()
            yield batch

    def iterator(self):
        for batch in self._raw():
            yield self.convert(_as_triple(batch, self.allow_bare))
