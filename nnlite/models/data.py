"""Input checks and conversions shared by fit, evaluate and predict."""
import inspect
import itertools
import math
import warnings

import numpy as np


def all_finite(arr):
    # A finite sum proves every element finite (NaN or inf would propagate);
    # only when it is not (possibly overflow) are the elements checked one by one.
    return bool(np.isfinite(arr.sum())) or bool(np.isfinite(arr).all())


def check_numeric(name, arr):
    """Real numbers or booleans with a batch axis; times, dates, complex
    numbers, strings and objects are refused by name."""
    kind = arr.dtype.kind
    if kind not in "biufc":
        raise TypeError("%s must hold numbers. Received: dtype=%s" % (name, arr.dtype))
    if kind == "c":
        raise TypeError("%s must be real-valued. Received: dtype=%s" % (name, arr.dtype))
    if arr.ndim == 0:
        raise ValueError("%s must have a batch axis. Received: shape=()" % name)


def from_table(name, data, arr):
    """`arr = np.asarray(data)`, except for a pandas DataFrame or Series whose
    columns NumPy merges into `object` (bool beside float, nullable
    integers): its values as float64 with missing values as NaN (which the
    caller then refuses as NaN). Non-numeric columns are named."""
    if arr.dtype != object or not hasattr(data, "to_numpy"):
        return arr
    dtypes = getattr(data, "dtypes", None)
    if hasattr(dtypes, "items"):
        columns = list(dtypes.items())
    elif hasattr(data, "dtype"):
        columns = [(getattr(data, "name", None), data.dtype)]
    else:
        return arr
    bad = [str(c) for c, d in columns if getattr(d, "kind", "O") not in "biuf"]
    if bad:
        raise TypeError("%s must hold numbers. Received: a %s with non-numeric columns %s "
                        "(dtypes %s)" % (name, type(data).__name__, bad,
                                         [str(d) for c, d in columns if str(c) in bad]))
    return data.to_numpy(dtype=np.float64, na_value=np.nan)


def check_not_empty(x):
    """As Keras: training and evaluation need at least one sample."""
    if len(x) == 0:
        raise ValueError("Expect x to be a non-empty array or dataset. Received: x with %d "
                         "samples (shape %s)" % (len(x), tuple(x.shape)))


def as_float_array(name, data, dtype):
    """A C-contiguous array of `dtype`; clear errors for non-numeric data, NaN or inf."""
    if type(data) is np.ndarray and data.dtype == dtype and data.flags.c_contiguous \
            and data.ndim:
        if not all_finite(data):      # the common case, checked cheaply
            raise ValueError("%s contains NaN or infinite values" % name)
        return data
    if data is None:
        raise ValueError("%s is None" % name)
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, np.ndarray) for d in data) \
            and len({d.shape for d in data}) > 1:
        raise ValueError("%s is a list of arrays of different shapes; models with several "
                         "inputs or outputs are not supported yet" % name)
    try:
        arr = from_table(name, data, np.asarray(data))
    except ValueError as e:
        raise ValueError("%s cannot be converted to an array: %s" % (name, e)) from None
    check_numeric(name, arr)
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if np.issubdtype(arr.dtype, np.floating) and not all_finite(arr):
        raise ValueError("%s contains NaN or infinite values" % name)
    return arr


def holds_text(data):
    """Whether `data` is text: str or bytes values (a list, an array, a
    Tensor-free batch)."""
    if isinstance(data, (str, bytes)):
        return True
    if isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, (list, tuple)):
        arr = np.asarray(data, dtype=object)
    else:
        return False
    if arr.dtype.kind in "US":
        return True
    return arr.dtype.kind == "O" and arr.size > 0 and isinstance(
        arr.flat[0], (str, bytes))


def as_text_array(name, data):
    """Text for an `Input(dtype="string")`: an array of str, bytes or objects
    with a batch axis."""
    if data is None:
        raise ValueError("%s is None" % name)
    arr = np.asarray(data)
    if arr.dtype.kind not in "USO":
        raise TypeError("%s goes to a string input and must hold text. Received: dtype=%s"
                        % (name, arr.dtype))
    if arr.ndim == 0:
        raise ValueError("%s must have a batch axis. Received: shape=()" % name)
    return arr


def as_target_array(name, data):
    """Targets keep integer dtypes (class labels); floats become float32/64."""
    if data is None:
        raise ValueError("%s is None" % name)
    try:
        arr = from_table(name, data, np.asarray(data))
    except ValueError as e:
        raise ValueError("%s cannot be converted to an array: %s" % (name, e)) from None
    check_numeric(name, arr)
    if np.issubdtype(arr.dtype, np.floating) and not np.isfinite(arr).all():
        raise ValueError("%s contains NaN or infinite values" % name)
    if arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.floating) and arr.dtype not in (
            np.float32, np.float64):
        arr = arr.astype(np.float32)
    return np.ascontiguousarray(arr)


def check_same_length(**arrays):
    sizes = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(sizes.values())) > 1:
        raise ValueError("Data cardinality is ambiguous: %s. Make sure all arrays contain "
                         "the same number of samples."
                         % ", ".join("%s has %d samples" % kv for kv in sizes.items()))


def check_batch_size(batch_size, default=32):
    if batch_size is None:
        return default
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size <= 0:
        raise ValueError("batch_size must be a positive integer. Received: batch_size=%r"
                         % (batch_size,))
    return int(batch_size)


def train_validation_split(arrays, validation_split):
    """Splits off the last `validation_split` fraction, before any shuffling (as Keras)."""
    if isinstance(validation_split, bool) or not isinstance(
            validation_split, (int, float, np.integer, np.floating)) \
            or not 0.0 < validation_split < 1.0:
        raise ValueError("validation_split must be between 0 and 1. Received: "
                         "validation_split=%r" % (validation_split,))
    n = len(arrays[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError("Training data contains %d samples, which is not sufficient to split "
                         "it into a validation and training set as specified by "
                         "`validation_split=%r`. Either provide more data, or a different value "
                         "for the `validation_split` argument." % (n, validation_split))
    train = tuple(None if a is None else a[:split_at] for a in arrays)
    val = tuple(None if a is None else a[split_at:] for a in arrays)
    return train, val


def unpack_validation_data(validation_data):
    if isinstance(validation_data, (list, tuple)):
        if len(validation_data) == 2:
            return validation_data[0], validation_data[1], None
        if len(validation_data) == 3:
            return tuple(validation_data)
    raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                     "val_sample_weight). Received: %r" % (type(validation_data).__name__,))


def class_weights_to_sample_weights(y, class_weight):
    """One weight per sample from a {class_index: weight} dict, as Keras:
    labels are the argmax of one-hot rows or the rounded value of a single
    column; classes missing from the dict get weight 1."""
    if not isinstance(class_weight, dict):
        raise ValueError("class_weight must be a dict mapping class indices to weights. "
                         "Received: class_weight=%r" % (class_weight,))
    if isinstance(y, Structured):
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    y = np.asarray(y)
    if y.ndim > 1:
        labels = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    else:
        labels = y
    labels = np.round(labels).astype(np.int64).reshape(len(y))
    weights = np.ones(len(y), dtype=np.float32)
    for k, v in _checked_class_weight(class_weight):
        weights[labels == k] = v
    return weights


def _checked_class_weight(class_weight):
    """The (class index, weight) pairs of a class_weight dict: integer keys,
    finite real weights."""
    pairs = []
    for k, v in class_weight.items():
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) and not (
                isinstance(k, (float, np.floating)) and float(k).is_integer()):
            raise ValueError("class_weight keys must be integer class indices. Received: "
                             "class_weight=%r (key %r)" % (class_weight, k))
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError("class_weight values must be numbers. Received: class_weight=%r "
                            "(value %r for class %r)" % (class_weight, v, k))
        if not math.isfinite(v):
            raise ValueError("class_weight values must be finite. Received: class_weight=%r "
                             "(value %r for class %r)" % (class_weight, v, k))
        pairs.append((int(k), float(v)))
    return pairs


# -- batch sources and the epoch iterator (steps_per_epoch, generators) -------

def is_generator(data):
    """True for Python generators and other one-shot iterators (not arrays)."""
    return inspect.isgenerator(data) or (
        hasattr(data, "__next__") and hasattr(data, "__iter__")
        and not isinstance(data, (np.ndarray, list, tuple, str, bytes)))


def _out_of_data_warning():
    warnings.warn("Your input ran out of data; interrupting training. Make sure that your "
                  "dataset or generator can generate at least `steps_per_epoch * epochs` "
                  "batches. You may need to use the `.repeat()` function when building "
                  "your dataset.", UserWarning, stacklevel=4)


class ArrayBatches:
    """Batches `(x, y, sample_weight)` of arrays, in a new random order for
    every pass when `shuffle`."""

    def __init__(self, arrays, batch_size, shuffle=False, rng=None):
        self.arrays = arrays
        self.n = len(arrays[0])
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        self.num_batches = -(-self.n // batch_size)

    def iterator(self):
        order = self.rng.permutation(self.n) if self.shuffle else None
        bs = self.batch_size
        for step in range(self.num_batches):
            lo, hi = step * bs, min(self.n, (step + 1) * bs)
            if order is None:
                yield tuple(None if a is None else a[lo:hi] for a in self.arrays)
            else:
                idx = order[lo:hi]
                yield tuple(None if a is None else a.take(idx, axis=0) for a in self.arrays)


class GeneratorBatches:
    """Batches from a Python generator yielding `(x,)`, `(x, y)` or
    `(x, y, sample_weight)`.

    As Keras does, the first two batches are read ahead (to build the model)
    and every new pass over the generator replays them before continuing
    where the generator stands. `convert(batch)` turns a raw batch into
    arrays."""

    def __init__(self, generator, convert, allow_bare=False):
        first = list(itertools.islice(generator, 2))
        if not first:
            raise ValueError("When passing a Python generator to a model, the generator must "
                             "yield at least one batch. Received an empty generator.")
        if allow_bare:
            first = [b if isinstance(b, tuple) else (b,) for b in first]
        elif not isinstance(first[0], tuple):
            raise ValueError("When passing a Python generator to a model, the generator must "
                             "return a tuple, either (input,) or (inputs, targets) or (inputs, "
                             "targets, sample_weights). Received: %r" % (first[0],))
        self._first = first
        self._generator = generator
        self._allow_bare = allow_bare
        self.convert = convert
        self.num_batches = None

    def first_x(self):
        return self._first[0][0]

    def iterator(self):
        for batch in itertools.chain(self._first, self._generator):
            if not isinstance(batch, tuple):
                if not self._allow_bare:
                    raise ValueError("The generator must yield tuples (x,), (x, y) or "
                                     "(x, y, sample_weight). Received: %r"
                                     % (type(batch).__name__,))
                batch = (batch,)
            if not 1 <= len(batch) <= 3:
                raise ValueError("The generator must yield tuples (x,), (x, y) or (x, y, "
                                 "sample_weight). Received a tuple of length %d" % len(batch))
            yield self.convert(batch + (None,) * (3 - len(batch)))


class EpochIterator:
    """The steps of one epoch over a batch source, as Keras's `EpochIterator`.

    With `steps_per_epoch`, one pass over the data carries on across epochs
    and a new pass starts when the data ran out; without it every epoch is
    one full pass (a generator: until it is exhausted). Running out of data
    before the step count is reached warns and ends the epoch."""

    def __init__(self, source, steps_per_epoch=None):
        self.source = source
        self.steps_per_epoch = steps_per_epoch
        self._current = None
        self._steps_seen = 0
        self._num_batches = source.num_batches

    @property
    def num_batches(self):
        return self.steps_per_epoch or self._num_batches

    def reset(self):
        self._current = None
        self._steps_seen = 0
        self._num_batches = self.source.num_batches

    def steps(self):
        """Yields step indices; fetch each step's batch with `next_batch()`."""
        count = self.steps_per_epoch or self._num_batches or -1
        if count > 0:
            if self._current is None or self.steps_per_epoch is None:
                self._current = self.source.iterator()
                self._steps_seen = 0
            for step in range(count):
                if self._num_batches and self._steps_seen >= self._num_batches:
                    if self.steps_per_epoch:
                        _out_of_data_warning()
                    break
                self._steps_seen += 1
                yield step
            if self._num_batches and self._steps_seen >= self._num_batches:
                self._current = self.source.iterator()
                self._steps_seen = 0
        else:
            self._current = self.source.iterator()
            step = 0
            while True:
                self._steps_seen = step + 1
                yield step
                step += 1

    def next_batch(self):
        """The next batch, or `None` when the data ran out (with a warning)."""
        try:
            return next(self._current)
        except StopIteration:
            if self._num_batches is None:
                self._num_batches = self._steps_seen
            _out_of_data_warning()
            self._current = None
            return None


class Structured:
    """The inputs of a model with several inputs: a list or dict of arrays with
    one first axis, sliced and gathered together as one array would be."""

    ndim = None     # not one matrix: the compiled executor leaves it to the eager one

    def __init__(self, parts):
        self.parts = parts
        leaves = list(parts.values()) if isinstance(parts, dict) else list(parts)
        sizes = {len(a) for a in leaves}
        if len(sizes) > 1:
            raise ValueError("Data cardinality is ambiguous: the inputs hold %s samples. Make "
                             "sure all arrays contain the same number of samples."
                             % sorted(sizes))
        self._leaves = leaves
        self.dtype = leaves[0].dtype
        self.shape = leaves[0].shape

    def _map(self, fn):
        if isinstance(self.parts, dict):
            return Structured({k: fn(v) for k, v in self.parts.items()})
        return Structured([fn(v) for v in self.parts])

    def __len__(self):
        return len(self._leaves[0])

    def __getitem__(self, key):
        return self._map(lambda a: a[key])

    def take(self, idx, axis=0):
        return self._map(lambda a: a.take(idx, axis=axis))

    def value(self):
        """The list or dict of arrays, as the model's call takes it."""
        return self.parts


def model_inputs(x):
    """What a model's call takes for prepared data `x`."""
    return x.parts if isinstance(x, Structured) else x
