"""CSVLogger file contents, in the layout Keras 3.15.1 writes (observed in
/work/kerasenv, November 2026):

    epoch,accuracy,loss,val_accuracy,val_loss
    0,0.625,0.6647159457206726,0.625,0.6064120531082153

and with no validation data the val_ columns are still there, holding NA:

    epoch;accuracy;loss;val_accuracy;val_loss
    0;0.625;0.6498029828071594;NA;NA
"""
import numpy as np

from nnlite.callbacks import CSVLogger, LambdaCallback
from nnlite.layers import Dense, Input
from nnlite.models import Sequential


def fit(path, epochs=2, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    seen = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(dict(logs)))
    model.fit(x, y, epochs=epochs, verbose=0, callbacks=[record, CSVLogger(path, **kwargs)],
              validation_split=0.25)
    return seen


def test_csv_has_sorted_columns_and_repr_values(tmp_path):
    path = tmp_path / "log.csv"
    seen = fit(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss"
    for epoch, (line, logs) in enumerate(zip(lines[1:], seen)):
        assert line == ",".join([str(epoch)] + [repr(logs[k]) for k in
                                                ("accuracy", "loss", "val_accuracy",
                                                 "val_loss")])
    assert len(lines) == 3


def no_val_fit(path, **kwargs):
    x = np.ones((8, 3), np.float32)
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], epochs=1, verbose=0, callbacks=[CSVLogger(path, **kwargs)])


def test_without_validation_val_columns_hold_na_and_separator_is_used(tmp_path):
    path = tmp_path / "log.csv"
    no_val_fit(path, separator=";")
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch;loss;val_loss"
    assert lines[1].startswith("0;") and lines[1].endswith(";NA")


def test_append_keeps_one_header(tmp_path):
    path = tmp_path / "log.csv"
    no_val_fit(path)
    no_val_fit(path, append=True)
    lines = path.read_text().splitlines()
    assert [l.split(",")[0] for l in lines] == ["epoch", "0", "0"]


def test_without_append_the_file_is_overwritten(tmp_path):
    path = tmp_path / "log.csv"
    no_val_fit(path)
    no_val_fit(path)
    assert len(path.read_text().splitlines()) == 2
