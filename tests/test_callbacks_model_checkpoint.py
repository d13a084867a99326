"""ModelCheckpoint with `.weights.npz`, `.keras` and `.weights.h5` files. Messages and file-name
templates follow Keras 3.15.1 (observed in /work/kerasenv, November 2026,
with `.weights.h5`):

    Epoch 1: loss improved from None to 0.64939, saving model to ck_01_0.65.weights.h5
    Epoch 1: finished saving model to ck_01_0.65.weights.h5
"""
import h5py
import numpy as np
import pytest

from nnlite.callbacks import LambdaCallback, ModelCheckpoint
from nnlite.layers import Dense, Input
from nnlite.models import Sequential, load_model


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    return x, y


def make_model():
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def load_npz(path):
    with np.load(path, allow_pickle=False) as f:
        return [f["arr_%d" % i] for i in range(len(f.files))]


def test_every_epoch_writes_a_file_named_from_epoch_and_logs(tmp_path):
    x, y = data()
    model = make_model()
    seen = []
    snap = LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        (logs["loss"], model.get_weights())))
    ck = ModelCheckpoint(str(tmp_path / "ck_{epoch:02d}_{loss:.2f}.weights.npz"),
                         monitor="loss")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[snap, ck])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ck_%02d_%.2f.weights.npz" % (i + 1, seen[i][0]) for i in range(3)]
    for i in range(3):
        for got, want in zip(load_npz(tmp_path / names[i]), seen[i][1]):
            np.testing.assert_array_equal(got, want)


def test_save_best_only_keeps_the_best_and_prints_keras_messages(tmp_path, capsys):
    ck = ModelCheckpoint(str(tmp_path / "best.weights.npz"), monitor="val_loss",
                         save_best_only=True, verbose=1)

    class Fake:
        _metrics = []
        w = 0

        def save_weights(self, path, overwrite=True):
            np.savez(open(path, "wb"), arr_0=np.array(self.w))

    fake = Fake()
    ck.set_model(fake)
    for epoch, v in enumerate([0.5, 0.4, 0.45, 0.3]):
        fake.w = epoch
        ck.on_epoch_end(epoch, {"val_loss": v})
    assert int(load_npz(tmp_path / "best.weights.npz")[0]) == 3
    path = str(tmp_path / "best.weights.npz")
    assert capsys.readouterr().out == (
        "\nEpoch 1: val_loss improved from None to 0.50000, saving model to %s\n"
        "\nEpoch 1: finished saving model to %s\n"
        "\nEpoch 2: val_loss improved from 0.50000 to 0.40000, saving model to %s\n"
        "\nEpoch 2: finished saving model to %s\n"
        "\nEpoch 3: val_loss did not improve from 0.40000\n"
        "\nEpoch 4: val_loss improved from 0.40000 to 0.30000, saving model to %s\n"
        "\nEpoch 4: finished saving model to %s\n" % ((path,) * 6))


def test_initial_value_threshold_must_be_beaten(tmp_path):
    x, y = data()
    ck = ModelCheckpoint(str(tmp_path / "m.weights.npz"), monitor="loss", save_best_only=True,
                         initial_value_threshold=0.0)
    make_model().fit(x, y, epochs=2, verbose=0, callbacks=[ck])
    assert not (tmp_path / "m.weights.npz").exists()


def test_save_freq_in_batches(tmp_path):
    x, y = data()
    ck = ModelCheckpoint(str(tmp_path / "b{epoch}_{batch}.weights.npz"), monitor="loss",
                         save_freq=3)
    make_model().fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[ck])
    # 4 batches per epoch; the count runs across epochs: the 3rd and 6th batch
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b1_3.weights.npz",
                                                          "b2_2.weights.npz"]


def test_keras_format_checkpoint_holds_the_model_of_its_epoch(tmp_path):
    x, y = data()
    model = make_model()
    seen = []
    snap = LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        (logs["val_loss"], model.get_weights())))
    ck = ModelCheckpoint(str(tmp_path / "m_{epoch}_{val_loss:.3f}.keras"))
    model.fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[snap, ck])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["m_%d_%.3f.keras" % (i + 1, seen[i][0]) for i in range(2)]
    loaded = load_model(tmp_path / names[0])
    for a, b in zip(loaded.get_weights(), seen[0][1]):
        np.testing.assert_array_equal(a, b)
    assert loaded.compiled and loaded.loss == "binary_crossentropy"


def test_save_best_only_keras_format_keeps_the_best_epoch(tmp_path):
    x, y = data()
    model = make_model()
    seen = []
    snap = LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        (logs["loss"], model.get_weights())))
    path = tmp_path / "best.keras"
    ck = ModelCheckpoint(str(path), monitor="loss", save_best_only=True)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[snap, ck])
    best = min(range(3), key=lambda i: seen[i][0])
    for a, b in zip(load_model(path).get_weights(), seen[best][1]):
        np.testing.assert_array_equal(a, b)


def test_save_weights_only_writes_weights_h5(tmp_path):
    x, y = data()
    model = make_model()
    ck = ModelCheckpoint(str(tmp_path / "w{epoch}.weights.h5"), save_weights_only=True,
                         monitor="loss")
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ck])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w1.weights.h5", "w2.weights.h5"]
    with h5py.File(tmp_path / "w2.weights.h5", "r") as f:
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], model.get_weights()[0])
        assert int(f["optimizer/vars/0"][()]) == 4      # 2 epochs of 2 steps


def test_bad_filepath_and_save_freq_are_rejected():
    with pytest.raises(ValueError, match="must end in"):
        ModelCheckpoint("weights.txt")
    with pytest.raises(ValueError, match="save_weights_only=True"):
        ModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint("m.weights.npz", save_freq="batch")
