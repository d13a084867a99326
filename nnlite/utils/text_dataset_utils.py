"""`text_dataset_from_directory`, as `keras.utils.text_dataset_from_directory`.

Returns an nnlite `Dataset` of Python strings (batched: NumPy object
arrays) in place of a `tf.data.Dataset` of `tf.string`; files are read one by
one while a batch is assembled.
"""
import numpy as np

from nnlite.utils import dataset_utils
from nnlite.utils.image_dataset_utils import _check_batch_size


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """A dataset of batches of texts (and labels) from a folder of .txt files.

    With `main_directory/class_a/*.txt` and `main_directory/class_b/*.txt`,
    `labels="inferred"` gives label 0 to `class_a` and 1 to `class_b` (the
    sub-folders in sorted order). Each file is one sample.

    Args:
        directory: The folder. With `labels="inferred"` it holds one
            sub-folder per class; otherwise its structure is ignored.
        labels: `"inferred"`, `None`, or a list / tuple of int labels in the
            sorted order of the file paths. Defaults to `"inferred"`.
        label_mode: `"int"`, `"categorical"`, `"binary"` or `None`.
            Defaults to `"int"`.
        class_names: With `labels="inferred"`, the sub-folders to use, in
            this order. Defaults to `None`.
        batch_size: Defaults to `32`; `None` yields single strings.
        max_length: Keep at most this many bytes of each file (as
            `tf.strings.substr`; a character cut in half is dropped).
            Defaults to `None`.
        shuffle: Defaults to `True`.
        seed: Seed of the shuffles. Defaults to `None`.
        validation_split: Fraction kept for validation. Defaults to `None`.
        subset: `"training"`, `"validation"` or `"both"`. Defaults to `None`.
        follow_links: Defaults to `False`.
        format: Only `"tf"`. Defaults to `"tf"`.
        verbose: Defaults to `True`.

    Returns:
        A `Dataset` yielding `(texts, labels)` (texts alone when
        `label_mode=None`), texts a NumPy object array of `str` `(batch,)`;
        with `.class_names`. With `subset="both"`, a list of two datasets.

    Example:

    >>> raw_train_ds = text_dataset_from_directory("aclImdb/train", batch_size=32,
    ...     validation_split=0.2, subset="training", seed=42)
    Found 25000 files belonging to 2 classes.
    Using 20000 files for training.
    """
    labels, label_mode = dataset_utils.check_labels_arg(labels, label_mode, class_names,
                                                        what="text")
    if format not in ("tf", "grain"):
        raise ValueError('`format` should be either "tf" or "grain". Received: format=%s'
                         % (format,))
    if batch_size is not None:
        batch_size = _check_batch_size(batch_size)
    if max_length is not None and (isinstance(max_length, bool) or
                                   not isinstance(max_length, (int, np.integer)) or max_length < 0):
        raise ValueError("`max_length` must be a non-negative integer or None. Received: "
                         "max_length=%r" % (max_length,))
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(int(1e6))
    paths, labels, class_names = dataset_utils.index_directory(
        directory, labels, formats=(".txt",), class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         "class_names. Received: class_names=%s" % (class_names,))
    num_classes = len(class_names) if class_names else 0

    def load(path):
        return read_text(path, max_length)

    def make(subset_paths, subset_labels, subset_shuffle):
        return dataset_utils.files_dataset(subset_paths, subset_labels, label_mode, num_classes,
                                           load, batch_size, subset_shuffle, seed, class_names)

    if subset == "both":
        train = dataset_utils.get_training_or_validation_split(paths, labels, validation_split,
                                                               "training")
        val = dataset_utils.get_training_or_validation_split(paths, labels, validation_split,
                                                             "validation")
        if not train[0]:
            raise ValueError("No training text files found in directory %s. Allowed format: .txt"
                             % (directory,))
        if not val[0]:
            raise ValueError("No validation text files found in directory %s. Allowed format: "
                             ".txt" % (directory,))
        return [make(train[0], train[1], shuffle), make(val[0], val[1], False)]
    paths, labels = dataset_utils.get_training_or_validation_split(paths, labels,
                                                                   validation_split, subset)
    if not paths:
        raise ValueError("No text files found in directory %s. Allowed format: .txt"
                         % (directory,))
    return make(paths, labels, shuffle)


def read_text(path, max_length=None):
    """The file's text (UTF-8), cut to `max_length` bytes when given."""
    with open(path, "rb") as f:
        data = f.read() if max_length is None else f.read(max_length)
    return data.decode("utf-8", errors="ignore" if max_length is not None else "replace")
