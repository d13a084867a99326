"""Recurrent, embedding, bidirectional and time-distributed models against real
Keras 3.15.1 (issue 12, "Numerics equal to Keras"): the same architecture text
(tests/fixtures/make_rnn_fixtures.py) built with nnlite, Keras's initial weights
set, then `predict` and two epochs of `fit(shuffle=False)` compared with what
Keras recorded. Each model runs both on the fused C kernel and step by step
(the path a custom cell takes), which must agree with Keras alike."""
import numpy as np
import pytest

import nnlite
from nnlite.layers.rnn.cell_base import RecurrentCell
from rnn_fixture_cases import BATCH, CASES, NAMES, inputs, keras_file, record, series, targets

PATHS = ("fused", "stepwise")
pytestmark = pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")


@pytest.fixture(params=PATHS)
def path(request, monkeypatch):
    if request.param == "stepwise":
        monkeypatch.setattr(RecurrentCell, "fused_spec", lambda self: None)
    return request.param


def _model(name):
    build, _, loss, optimizer = CASES[name]
    model = build(nnlite)
    model.compile(optimizer=optimizer(nnlite), loss=loss)
    model.set_weights(series(record(name), "w"))
    return model


@pytest.mark.parametrize("name", NAMES)
def test_predict_equals_keras(name, path):
    rec = record(name)
    preds = _model(name).predict(inputs(rec), verbose=0)
    preds = preds if isinstance(preds, list) else [preds]
    want = series(rec, "pred")
    assert len(preds) == len(want)
    for got, exp in zip(preds, want):
        np.testing.assert_allclose(got, exp, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_two_epochs_of_fit_equal_keras(name, path):
    rec = record(name)
    model = _model(name)
    history = model.fit(inputs(rec), targets(rec), batch_size=BATCH, epochs=2, shuffle=False,
                        verbose=0)
    np.testing.assert_allclose(history.history["loss"], rec["loss"], rtol=2e-5, atol=1e-7)
    for got, exp in zip(model.get_weights(), series(rec, "t")):
        np.testing.assert_allclose(got, exp, rtol=1e-4, atol=3e-6)


@pytest.mark.parametrize("name", NAMES)
def test_keras_file_loads_with_keras_weights(name):
    model = nnlite.saving.load_model(keras_file(name))
    for got, exp in zip(model.get_weights(), series(record(name), "w")):
        np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("name", NAMES)
def test_keras_file_config_round_trips(name):
    model = nnlite.saving.load_model(keras_file(name))
    again = nnlite.models.Model.from_config(model.get_config()) \
        if not isinstance(model, nnlite.models.Sequential) else \
        nnlite.models.Sequential.from_config(model.get_config())
    assert again.get_config() == model.get_config()
