"""`timeseries_dataset_from_array`, as `keras.utils.timeseries_dataset_from_array`.

Windows and targets are aligned exactly as in Keras: with `data` and
`targets` restricted to `[start_index, end_index)`, window `i` starts at
`p = i * sequence_stride` and holds `data[p + j * sampling_rate]` for
`j < sequence_length`; its target is `targets[p]` (the target of the window
that STARTS at `p`). There are `num_seqs = end - start - (sequence_length -
1) * sampling_rate` possible starts (at most `len(targets)`), taken every
`sequence_stride`. Each batch is gathered with one NumPy fancy index.
"""
import numpy as np

from nnlite.utils.dataset import Dataset


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None, format="tf"):
    """A dataset of sliding windows over an array of time steps.

    Args:
        data: Array whose axis 0 is time.
        targets: Array of targets, `targets[i]` belonging to the window that
            starts at step `i`, or `None` (the dataset yields windows only).
        sequence_length: Steps per window.
        sequence_stride: Steps between the starts of successive windows.
            Defaults to `1`.
        sampling_rate: Steps between the samples inside a window. Defaults to `1`.
        batch_size: Windows per batch. Defaults to `128`; `None` yields
            single windows.
        shuffle: Shuffle the windows (once with `np.random.RandomState(seed)`,
            then locally within `8 * batch_size` at every pass). Defaults to `False`.
        seed: Seed of the shuffles. Defaults to `None`.
        start_index: First step used (inclusive). Defaults to `None` (0).
        end_index: Last step used (exclusive). Defaults to `None` (all).
        format: Only `"tf"`. Defaults to `"tf"`.

    Returns:
        A `Dataset` yielding `(windows, targets)` batches, windows
        `(batch, sequence_length, *data.shape[1:])` in `data`'s dtype, or
        windows alone when `targets` is None.

    Example:

    >>> ds = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10,
    ...                                    sequence_length=3, batch_size=8)
    >>> x, y = next(iter(ds))
    >>> x[0].tolist(), x[-1].tolist(), y.tolist()
    ([0, 1, 2], [7, 8, 9], [0, 10, 20, 30, 40, 50, 60, 70])
    """
    data = np.asarray(data)
    if start_index:
        if start_index < 0:
            raise ValueError("`start_index` must be 0 or greater. Received: start_index=%s"
                             % (start_index,))
        if start_index >= len(data):
            raise ValueError("`start_index` must be lower than the length of the data. "
                             "Received: start_index=%s, for data of length %d"
                             % (start_index, len(data)))
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             "start_index=%s, and end_index=%s " % (start_index, end_index))
        if end_index >= len(data):
            raise ValueError("`end_index` must be lower than the length of the data. Received: "
                             "end_index=%s, for data of length %d" % (end_index, len(data)))
        if end_index <= 0:
            raise ValueError("`end_index` must be higher than 0. Received: end_index=%s"
                             % (end_index,))
    if sampling_rate <= 0:
        raise ValueError("`sampling_rate` must be higher than 0. Received: sampling_rate=%s"
                         % (sampling_rate,))
    if sampling_rate >= len(data):
        raise ValueError("`sampling_rate` must be lower than the length of the data. Received: "
                         "sampling_rate=%s, for data of length %d" % (sampling_rate, len(data)))
    if sequence_stride <= 0:
        raise ValueError("`sequence_stride` must be higher than 0. Received: "
                         "sequence_stride=%s" % (sequence_stride,))
    if sequence_stride >= len(data):
        raise ValueError("`sequence_stride` must be lower than the length of the data. "
                         "Received: sequence_stride=%s, for data of length %d"
                         % (sequence_stride, len(data)))
    if format not in ("tf", "grain"):
        raise ValueError('`format` should be either "tf" or "grain". Received: format=%s'
                         % (format,))
    if batch_size is not None and (isinstance(batch_size, bool) or
                                   not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError("`batch_size` must be a positive integer or None. Received: "
                         "batch_size=%r" % (batch_size,))
    start = 0 if start_index is None else int(start_index)
    end = len(data) if end_index is None else int(end_index)
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        if seed is None:
            seed = np.random.randint(int(1e6))
        np.random.RandomState(seed).shuffle(positions)
    steps = data[start:end]
    target_steps = targets[start:end] if targets is not None else None
    offsets = np.arange(sequence_length, dtype=np.int64) * sampling_rate

    def windows(p):
        x = steps[np.asarray(p)[..., None] + offsets]
        return x if target_steps is None else (x, target_steps[p])

    ds = Dataset.from_tensor_slices(positions)
    if shuffle:
        ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if batch_size is not None:
        ds = ds.batch(batch_size)
    return ds.map(windows)
