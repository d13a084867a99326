"""Shared pieces of the `*_dataset_from_directory` utilities and `split_dataset`.

The file listing, label inference, shuffling and the training / validation
split follow Keras's `utils/dataset_utils.py`, so the same folder, seed and
split give the same files in each subset as Keras:

* classes are the sub-folders in sorted (Python string) order, or
  `class_names` in the order given; files are listed class by class, each
  sub-folder walked recursively with folders and files sorted;
* `shuffle=True` permutes the file list once with
  `np.random.RandomState(seed).shuffle` (the labels with a second
  RandomState of the same seed), `seed=None` drawing `np.random.randint(1e6)`;
* the validation subset is the LAST `int(validation_split * n)` files of that
  list, the training subset the rest.
"""
import os
import random

import numpy as np

from nnlite.utils.dataset import Dataset


def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Keras's checks of `validation_split` / `subset` / `seed` (ValueError)."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, received: %s"
                         % (validation_split,))
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         'received: %s' % (subset,))
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def check_labels_arg(labels, label_mode, class_names, what="image"):
    """Keras's checks of `labels`, `label_mode` and `class_names`; returns
    `(labels, label_mode)` with both None when either is."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                "as the number of %s files in the target directory. If you wish to infer the "
                "labels from the subdirectory names in the target directory, pass "
                '`labels="inferred"`. If you wish to get a dataset that only contains %s '
                "(no labels), pass `labels=None`. Received: labels=%s"
                % (what, "images" if what == "image" else "text", labels))
        if class_names:
            raise ValueError('You can only pass `class_names` if `labels="inferred"`. '
                             "Received: labels=%s, and class_names=%s" % (labels, class_names))
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         "or None. Received: label_mode=%s" % (label_mode,))
    if labels is None or label_mode is None:
        return None, None
    return labels, label_mode


def _walk_files(directory, follow_links, formats):
    """(root, file name) of the files with an allowed extension, folders and
    files in sorted order."""
    walk = os.walk(directory, followlinks=bool(follow_links))
    for root, _, files in sorted(walk, key=lambda entry: entry[0]):
        for fname in sorted(files):
            if fname.lower().endswith(formats):
                yield root, fname


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """Lists the files of `directory` with their labels.

    Returns:
        `(file_paths, labels, class_names)`: a list of paths, an int32 array
        of labels (or None) and the class names (or None when `labels=None`).
    """
    directory = os.fspath(directory)
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 "subdirectories of the target directory. Expected: %s (or a "
                                 "subset of it), but received: class_names=%s"
                                 % (subdirs, class_names))
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` "
                                 "cannot be specified.")
            raise ValueError("When argument `labels` is specified, argument `class_names` "
                             "cannot be specified (the `class_names` will be the sorted list "
                             "of labels).")
    names = subdirs
    relative, found = [], []
    for index, subdir in enumerate(subdirs):
        top = os.path.join(directory, subdir)
        for root, fname in _walk_files(top, follow_links, formats):
            relative.append(os.path.join(subdir, os.path.relpath(os.path.join(root, fname), top)))
            found.append(index)
    if labels == "inferred":
        labels = np.asarray(found, dtype=np.int32)
    elif labels is None:
        names = None
    else:
        if len(labels) != len(relative):
            raise ValueError("Expected the lengths of `labels` to match the number of files in "
                             "the target directory. len(labels) is %d while we found %d files "
                             "in directory %s." % (len(labels), len(relative), directory))
        names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels, dtype=np.int32)
    if verbose:
        if labels is None:
            print("Found %d files." % len(relative))
        else:
            print("Found %d files belonging to %d classes." % (len(relative), len(names)))
    paths = [os.path.join(directory, rel) for rel in relative]
    if shuffle:
        if seed is None:
            seed = np.random.randint(int(1e6))
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, names


def get_training_or_validation_split(samples, labels, validation_split, subset):
    """The training part (all but the last `int(validation_split * n)`) or
    the validation part (those last ones) of `samples` and `labels`; prints
    how many files are used."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print("Using %d files for training." % (len(samples) - num_val))
        samples = samples[:-num_val]
        labels = labels[:-num_val] if labels is not None else None
    elif subset == "validation":
        print("Using %d files for validation." % num_val)
        samples = samples[-num_val:]
        labels = labels[-num_val:] if labels is not None else None
    else:
        raise ValueError('`subset` must be either "training" or "validation", received: %s'
                         % (subset,))
    return samples, labels


def encode_labels(labels, label_mode, num_classes):
    """int32 `(n,)` for "int", float32 `(n, 1)` for "binary", float32 one-hot
    `(n, num_classes)` for "categorical"."""
    labels = np.asarray(labels, dtype=np.int32)
    if label_mode == "binary":
        return labels.astype(np.float32)[:, None]
    if label_mode == "categorical":
        return (labels[:, None] == np.arange(num_classes)[None, :]).astype(np.float32)
    return labels


def files_dataset(paths, labels, label_mode, num_classes, load, batch_size, shuffle, seed,
                  class_names):
    """The streaming dataset of one subset: (path, label) rows, shuffled with a
    buffer of `8 * batch_size` (1024 unbatched) at every pass when `shuffle`,
    then `load(path)` element by element, then batches."""
    paths = np.asarray(list(paths), dtype=object) if paths else np.empty(0, dtype=object)
    if label_mode:
        ds = Dataset.from_tensor_slices((paths, encode_labels(labels, label_mode, num_classes)))
    else:
        ds = Dataset.from_tensor_slices(paths)
    if shuffle:
        ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if label_mode:
        ds = ds.map(lambda path, label: (load(path), label))
    else:
        ds = ds.map(load)
    if batch_size is not None:
        ds = ds.batch(batch_size)
    ds.class_names = class_names
    return ds


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset into a left and a right part (e.g. train / test).

    As `keras.utils.split_dataset`: the samples are listed (a batched
    `Dataset` is unbatched first), shuffled with Python's
    `random.Random(seed)` when `shuffle`, then the left part is the first
    `left_size` samples and the right part the last `right_size`. Sizes are
    ints (samples) or floats in (0, 1) (fractions, rounded); a missing one
    is the complement of the other.

    Args:
        dataset: A `Dataset`, an array, or a tuple / list of arrays with the
            same first dimension.
        left_size: int, float or None. Defaults to `None`.
        right_size: int, float or None. Defaults to `None`.
        shuffle: Shuffle before splitting. Defaults to `False`.
        seed: Seed of the shuffle. Defaults to `None`.

    Returns:
        A tuple of two `Dataset`s (batched with the input's batch size when
        the input was a batched `Dataset`, unbatched otherwise).

    Example:

    >>> left, right = split_dataset(np.random.random((1000, 4)), left_size=0.8)
    >>> len(left), len(right)
    (800, 200)
    """
    batch_size = None
    if isinstance(dataset, Dataset):
        batch_size = dataset._batch_size
        source = dataset.unbatch() if batch_size is not None else dataset
        samples = list(source)
        kind = "dataset"
    elif isinstance(dataset, (list, tuple)):
        kind = "tuple"
        if len(dataset) == 0:
            raise ValueError("Received an empty list dataset. Please provide a non-empty "
                             "list/tuple of arrays.")
        for i, element in enumerate(dataset):
            if not isinstance(element, np.ndarray):
                raise ValueError("Expected a %s of `numpy.ndarray` objects,Received: %s at index "
                                 "%d." % (type(dataset).__name__, type(element), i))
            if len(element) != len(dataset[0]):
                raise ValueError("Received a %s of NumPy arrays with different lengths.Mismatch "
                                 "found at index %d, Expected shape=%s Received shape=%s.Please "
                                 "provide a %s of NumPy arrays of the same length."
                                 % (type(dataset).__name__, i, dataset[0].shape, element.shape,
                                    type(dataset).__name__))
        samples = list(zip(*dataset))
    elif isinstance(dataset, np.ndarray):
        kind = "array"
        samples = list(dataset)
    else:
        raise TypeError("The `dataset` argument must be either a `Dataset` object, or a "
                        "list/tuple of arrays. Received: dataset=%s of type %s"
                        % (dataset, type(dataset)))
    if right_size is None and left_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    if not samples:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty "
                         "list/tuple of `numpy.ndarray` objects or `Dataset` objects.")
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.Random(seed).shuffle(samples)
    total = len(samples)
    left, right = _rescale_split_sizes(left_size, right_size, total)
    parts = []
    for chunk in (samples[:left], samples[-right:]):
        if kind == "array":
            ds = Dataset.from_tensor_slices(np.stack(chunk))
        elif kind == "tuple":
            ds = Dataset.from_tensor_slices(tuple(np.stack(c) for c in zip(*chunk)))
        else:
            ds = _from_samples(chunk)
            if batch_size is not None:
                ds = ds.batch(batch_size)
        if getattr(dataset, "class_names", None) is not None:
            ds.class_names = dataset.class_names
        parts.append(ds)
    return tuple(parts)


def _from_samples(samples):
    """An unbatched Dataset over a list of elements, kept as they are."""
    return Dataset(lambda: iter(samples), len(samples), rows=len(samples))


def _rescale_split_sizes(left_size, right_size, total_length):
    """Keras's checks and rounding of `left_size` / `right_size`."""
    lt, rt = type(left_size), type(right_size)
    if (left_size is not None and lt not in (int, float)) and \
            (right_size is not None and rt not in (int, float)):
        raise TypeError("Invalid `left_size` and `right_size` Types. Expected: integer or "
                        "float or None, Received: type(left_size)=%s and type(right_size)=%s"
                        % (lt, rt))
    if left_size is not None and lt not in (int, float):
        raise TypeError("Invalid `left_size` Type. Expected: int or float or None, Received: "
                        "type(left_size)=%s.  " % (lt,))
    if right_size is not None and rt not in (int, float):
        raise TypeError("Invalid `right_size` Type. Expected: int or float or None,Received: "
                        "type(right_size)=%s." % (rt,))
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split "
                         "sizes must be non-zero.")
    if (lt is int and (left_size <= 0 or left_size >= total_length)) or \
            (lt is float and (left_size <= 0 or left_size >= 1)):
        raise ValueError("`left_size` should be either a positive integer smaller than %d, or a "
                         "float within the range `[0, 1]`. Received: left_size=%s"
                         % (total_length, left_size))
    if (rt is int and (right_size <= 0 or right_size >= total_length)) or \
            (rt is float and (right_size <= 0 or right_size >= 1)):
        raise ValueError("`right_size` should be either a positive integer and smaller than %d "
                         "or a float within the range `[0, 1]`. Received: right_size=%s"
                         % (total_length, right_size))
    if lt is float and rt is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be "
                         "less than or equal to 1.")
    left = round(left_size * total_length) if lt is float else left_size
    right = round(right_size * total_length) if rt is float else right_size
    if left is None:
        left = total_length - right
    elif right is None:
        right = total_length - left
    if left + right > total_length:
        raise ValueError("The sum of `left_size` and `right_size` should be smaller than the %d. "
                         "Received: left_size + right_size = %s and total_length = %d"
                         % (total_length, left + right, total_length))
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError("With `dataset` of length=%d, `left_size`=%s and `right_size`=%s. "
                             "Resulting %s side dataset split will be empty. Adjust any of the "
                             "aforementioned parameters" % (total_length, left, right, side))
    return int(left), int(right)
