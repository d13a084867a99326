"""timeseries_dataset_from_array: windows and targets against a NumPy reference."""
import numpy as np
import pytest

from nnlite.utils import timeseries_dataset_from_array


def reference(data, targets, length, stride, rate, start=0, end=None):
    """Windows and targets as the Keras docstring defines them, in loops."""
    end = len(data) if end is None else end
    xs, ys = [], []
    p = 0
    while start + p + (length - 1) * rate < end and (targets is None or p < len(targets)):
        xs.append([data[start + p + j * rate] for j in range(length)])
        if targets is not None:
            ys.append(targets[start + p])
        p += stride
    return np.array(xs), np.array(ys)


def collect(ds):
    xs, ys = [], []
    for batch in ds:
        x, y = batch if isinstance(batch, tuple) else (batch, None)
        xs.append(x)
        if y is not None:
            ys.append(y)
    return np.concatenate(xs), (np.concatenate(ys) if ys else None)


def test_docs_example_targets_are_the_window_start():
    ds = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10, sequence_length=3)
    x, y = collect(ds)
    assert x.tolist()[0] == [0, 1, 2] and x.tolist()[-1] == [7, 8, 9] and len(x) == 8
    assert y.tolist() == [0, 10, 20, 30, 40, 50, 60, 70]


def test_docs_example_next_step_regression():
    data = np.arange(100, dtype=np.float32) * 0.5
    x, y = next(iter(timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10)))
    assert np.array_equal(x[0], data[:10]) and y[0] == data[10]


def test_docs_example_stride_3_rate_2_keeps_the_last_full_window():
    x, _ = collect(timeseries_dataset_from_array(np.arange(99), None, sequence_length=10,
                                                 sampling_rate=2, sequence_stride=3))
    assert x[0].tolist() == list(range(0, 20, 2)) and x[1].tolist() == list(range(3, 23, 2))
    assert x[-1].tolist() == list(range(78, 98, 2))


@pytest.mark.parametrize("length,stride,rate", [(3, 1, 1), (3, 2, 2), (4, 3, 1), (2, 1, 3),
                                                (5, 4, 2), (1, 1, 1)])
def test_windows_and_targets_match_the_reference(length, stride, rate):
    data = np.arange(40, dtype=np.float32).reshape(20, 2)
    targets = np.arange(20) * 100
    x, y = collect(timeseries_dataset_from_array(data, targets, length, sequence_stride=stride,
                                                 sampling_rate=rate, batch_size=4))
    rx, ry = reference(data, targets, length, stride, rate)
    assert np.array_equal(x, rx) and np.array_equal(y, ry)


def test_start_and_end_index_restrict_data_and_targets():
    data, targets = np.arange(30), np.arange(30) * 10
    x, y = collect(timeseries_dataset_from_array(data, targets, 4, sequence_stride=2,
                                                 start_index=5, end_index=20))
    rx, ry = reference(data, targets, 4, 2, 1, start=5, end=20)
    assert np.array_equal(x, rx) and np.array_equal(y, ry) and x[0].tolist() == [5, 6, 7, 8]


def test_short_targets_limit_the_windows():
    x, y = collect(timeseries_dataset_from_array(np.arange(20), np.arange(5), 3))
    assert len(x) == 5 and y.tolist() == [0, 1, 2, 3, 4]


def test_batches_hold_batch_size_windows_and_keep_dtype():
    ds = timeseries_dataset_from_array(np.arange(300, dtype=np.int16), None, 5)
    sizes = [len(b) for b in ds]
    assert sizes == [128, 128, 40] and len(ds) == 3 and next(iter(ds)).dtype == np.int16


def test_unbatched_yields_single_windows():
    x, y = next(iter(timeseries_dataset_from_array(np.arange(10), np.arange(10), 3,
                                                   batch_size=None)))
    assert x.tolist() == [0, 1, 2] and int(y) == 0


def test_shuffle_keeps_windows_with_their_targets():
    data = np.arange(200)
    x, y = collect(timeseries_dataset_from_array(data, data * 10, 4, shuffle=True, seed=3,
                                                 batch_size=16))
    assert not np.array_equal(x[:, 0], np.sort(x[:, 0]))
    assert np.array_equal(y, x[:, 0] * 10) and sorted(x[:, 0]) == list(range(197))


def test_bad_arguments_raise_keras_errors():
    data = np.arange(10)
    cases = [(dict(start_index=-1), "`start_index` must be 0 or greater"),
             (dict(start_index=10), "`start_index` must be lower than the length"),
             (dict(start_index=5, end_index=3), "`end_index` must be higher than `start_index`"),
             (dict(end_index=10), "`end_index` must be lower than the length"),
             (dict(sampling_rate=0), "`sampling_rate` must be higher than 0"),
             (dict(sampling_rate=10), "`sampling_rate` must be lower than the length"),
             (dict(sequence_stride=0), "`sequence_stride` must be higher than 0"),
             (dict(sequence_stride=10), "`sequence_stride` must be lower than the length")]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            timeseries_dataset_from_array(data, None, 3, **kwargs)
