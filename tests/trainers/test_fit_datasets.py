"""fit / evaluate / predict on Datasets, PyDataset and Keras 2 Sequence."""
import os
import warnings

import numpy as np
import pytest

import nnlite
from nnlite.backend.naming import clear_session
from nnlite.data import Dataset
from nnlite.layers import Dense, Flatten, Input
from nnlite.models import Sequential
from nnlite.utils import (PyDataset, Sequence, image_dataset_from_directory, split_dataset,
                          text_dataset_from_directory, timeseries_dataset_from_array)


@pytest.fixture(autouse=True)
def fresh():
    clear_session()
    nnlite.utils.set_random_seed(0)


def xy(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)


def classifier(shape=(3,)):
    model = Sequential([Input(shape), Flatten(), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


class Batches(PyDataset):
    def __init__(self, x, y, batch_size=16, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_fit_on_a_dataset_runs_its_batches_every_epoch():
    x, y = xy()
    ds = Dataset.from_tensor_slices((x, y)).shuffle(64, seed=0).batch(16)
    history = classifier().fit(ds, epochs=3, verbose=0)
    assert history.params["steps"] == 4 and len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_fit_with_validation_dataset_reports_val_metrics():
    x, y = xy()
    train, val = split_dataset((x, y), left_size=0.75)
    history = classifier().fit(train.batch(8), validation_data=val.batch(8), epochs=2,
                               verbose=0)
    assert len(history.history["val_loss"]) == 2 and "val_accuracy" in history.history


def test_evaluate_and_predict_on_datasets():
    x, y = xy()
    model = classifier()
    ds = Dataset.from_tensor_slices((x, y)).batch(10)
    loss, acc = model.evaluate(ds, verbose=0)
    assert np.isclose(loss, model.evaluate(x, y, verbose=0)[0], rtol=1e-5)
    assert model.predict(ds, verbose=0).shape == (64, 1)
    assert model.predict(Dataset.from_tensor_slices(x).batch(10), verbose=0).shape == (64, 1)


def test_steps_per_epoch_with_a_repeated_dataset():
    x, y = xy()
    ds = Dataset.from_tensor_slices((x, y)).batch(16).repeat()
    history = classifier().fit(ds, epochs=2, steps_per_epoch=3, verbose=0)
    assert history.params["steps"] == 3


def test_dataset_refuses_y_sample_weight_and_validation_split():
    x, y = xy()
    ds = Dataset.from_tensor_slices((x, y)).batch(16)
    model = classifier()
    with pytest.raises(ValueError, match="When providing `x` as a Dataset, `y` should not be "
                                         "passed"):
        model.fit(ds, y, verbose=0)
    with pytest.raises(ValueError, match="`sample_weights` should not be passed"):
        model.fit(ds, sample_weight=np.ones(64), verbose=0)
    with pytest.raises(ValueError, match="Argument `validation_split` is only supported for "
                                         "tensors or NumPy arrays"):
        model.fit(ds, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="When providing `x` as a Dataset, `y` should not"):
        model.evaluate(ds, y, verbose=0)


def test_fit_on_a_pydataset_calls_on_epoch_end():
    x, y = xy()
    data = Batches(x, y)
    history = classifier().fit(data, epochs=2, verbose=0)
    assert history.params["steps"] == 4 and data.epochs_ended == 2
    with pytest.raises(ValueError, match="When providing `x` as a PyDataset, `y` should not"):
        classifier().fit(data, y, verbose=0)


def test_keras2_sequence_without_super_init_fits():
    x, y = xy()

    class Old(Sequence):
        def __init__(self):
            self.x, self.y = x, y

        def __len__(self):
            return 2

        def __getitem__(self, i):
            return self.x[i * 32:(i + 1) * 32], self.y[i * 32:(i + 1) * 32]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = classifier().fit(Old(), epochs=1, verbose=0)
    assert history.params["steps"] == 2
    assert Sequence is PyDataset


def test_fit_on_an_image_dataset(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    for c, name in enumerate(("dark", "light")):
        os.makedirs(tmp_path / name)
        for i in range(6):
            Image.new("L", (4, 4), 20 + 200 * c + i).save(tmp_path / name / ("%d.png" % i))
    train, val = image_dataset_from_directory(str(tmp_path), color_mode="grayscale",
                                              image_size=(4, 4), batch_size=4, seed=1,
                                              validation_split=0.25, subset="both",
                                              label_mode="binary", verbose=False)
    train = train.map(lambda img, label: (img / 255.0, label))
    val = val.map(lambda img, label: (img / 255.0, label))
    history = classifier((4, 4, 1)).fit(train, validation_data=val, epochs=2, verbose=0)
    assert history.params["steps"] == 3 and len(history.history["val_loss"]) == 2


def test_fit_on_a_text_dataset_after_map(tmp_path):
    for name, texts in (("neg", ["bad", "awful", "poor"]), ("pos", ["good", "great", "nice"])):
        os.makedirs(tmp_path / name)
        for i, t in enumerate(texts):
            (tmp_path / name / ("%d.txt" % i)).write_text(t)
    ds = text_dataset_from_directory(str(tmp_path), batch_size=2, seed=0, verbose=False)
    features = ds.map(lambda s, label: (np.array([[len(t), t.count("a"), 1.0] for t in s],
                                                 np.float32), label.astype(np.float32)))
    history = classifier().fit(features, epochs=2, verbose=0)
    assert history.params["steps"] == 3


def test_fit_on_a_timeseries_dataset():
    series = np.sin(np.arange(200) / 5.0).astype(np.float32)
    ds = timeseries_dataset_from_array(series[:-5, None], series[5:], sequence_length=5,
                                       batch_size=32)
    model = Sequential([Input((5, 1)), Flatten(), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert history.params["steps"] == len(ds) == 6


def test_fit_shuffles_pydataset_batch_order_unless_told_not_to():
    x, y = xy(128)

    class Recording(Batches):
        seen = []

        def __getitem__(self, i):
            self.seen.append(i)
            return super().__getitem__(i)

    data = Recording(x, y, batch_size=16)
    classifier().fit(data, epochs=2, verbose=0, shuffle=False)
    assert data.seen[1:] == list(range(8)) * 2            # after the build-time read of [0]
    data.seen.clear()
    classifier().fit(data, epochs=2, verbose=0)
    first, second = data.seen[1:9], data.seen[9:]
    assert sorted(first) == list(range(8)) and (first != list(range(8)) or second != first)


def test_fit_on_an_image_folder_streams_its_batches(tmp_path):
    """400 PNGs hold 19.7 MB of float32 pixels; fit on the dataset decodes a
    batch at a time, so Python's peak allocation stays a few batches big."""
    import tracemalloc
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    n, side = 400, 64
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(n // 2):
            pixels = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / label / ("%d.png" % i))
    total_bytes = n * side * side * 3 * 4
    ds = image_dataset_from_directory(tmp_path, image_size=(side, side), batch_size=8,
                                      seed=0, verbose=False)
    model = Sequential([Input((side, side, 3)), nnlite.layers.Rescaling(1 / 255.0), Flatten(),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    tracemalloc.start()
    try:
        model.fit(ds, epochs=2, verbose=0)
        fit_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        # the control: holding every image at once does show up in the count
        everything = np.concatenate([np.asarray(xb) for xb, _ in ds])
        control_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert everything.nbytes == total_bytes
    assert control_peak >= total_bytes
    assert fit_peak < total_bytes / 4
