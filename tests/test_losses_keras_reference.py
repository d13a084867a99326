"""nnlite's losses, their gradients and its metrics against numbers produced by
real Keras 3.15.1 / TensorFlow 2.21 (tests/reference/make_loss_metric_reference.py,
run under /work/kerasenv; its output loss_metric_reference.json is committed).
Tolerances are float32 ones: Keras computes in float32."""
import json
import os

import numpy as np
import pytest

from nnlite import losses, metrics
from nnlite.models import compile_utils

REF_PATH = os.path.join(os.path.dirname(__file__), "reference", "loss_metric_reference.json")
with open(REF_PATH) as _fh:
    REF = json.load(_fh)
DATA = {k: np.asarray(v, dtype=np.float32) for k, v in REF["data"].items()}
TOL = dict(rtol=2e-5, atol=2e-6)


def _loss_case(entry, **extra):
    return getattr(losses, entry["class"])(**dict(entry["kwargs"], **extra))


@pytest.mark.parametrize("entry", REF["losses"], ids=[e["case"] for e in REF["losses"]])
def test_loss_value_matches_keras(entry):
    t, p = DATA[entry["y_true"]], DATA[entry["y_pred"]]
    np.testing.assert_allclose(_loss_case(entry)(t, p), entry["value"], **TOL)


@pytest.mark.parametrize("entry", REF["losses"], ids=[e["case"] for e in REF["losses"]])
def test_loss_weighted_and_reductions_match_keras(entry):
    t, p, w = DATA[entry["y_true"]], DATA[entry["y_pred"]], DATA["weights"]
    np.testing.assert_allclose(_loss_case(entry)(t, p, sample_weight=w), entry["weighted"], **TOL)
    for red in ("sum", "none", "mean", "mean_with_sample_weight"):
        got = _loss_case(entry, reduction=red)(t, p, sample_weight=w)
        np.testing.assert_allclose(got, entry[red], rtol=2e-5, atol=1e-5)


@pytest.mark.parametrize("entry", REF["losses"], ids=[e["case"] for e in REF["losses"]])
def test_loss_gradient_matches_keras_gradient_tape(entry):
    t, p = DATA[entry["y_true"]], DATA[entry["y_pred"]]
    spec = compile_utils.resolve_loss(_loss_case(entry), t, p.shape)
    _, grad = compile_utils.loss_and_grad(spec, t, p, p.shape, None, True, False)
    np.testing.assert_allclose(grad, np.asarray(entry["grad"]), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("entry", REF["losses"], ids=[e["case"] for e in REF["losses"]])
def test_loss_get_config_matches_keras(entry):
    assert _loss_case(entry).get_config() == entry["config"]


def _batches(entry):
    for b in REF["metric_batches"]:
        t = np.asarray(b[entry["y_true"]])
        if entry["y_true"] != "labels":
            t = t.astype(np.float32)
        w = np.asarray(b["sw"], dtype=np.float32) if entry["weighted"] else None
        yield t, np.asarray(b[entry["y_pred"]], dtype=np.float32), w


@pytest.mark.parametrize("entry", REF["metrics"], ids=[e["case"] for e in REF["metrics"]])
def test_metric_accumulates_like_keras_over_three_batches(entry):
    m = getattr(metrics, entry["class"])(**entry["kwargs"])
    for (t, p, w), expected in zip(_batches(entry), entry["results"]):
        m.update_state(t, p, sample_weight=w)
        np.testing.assert_allclose(m.result(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("entry", REF["metrics"], ids=[e["case"] for e in REF["metrics"]])
def test_metric_reset_state_starts_over(entry):
    m = getattr(metrics, entry["class"])(**entry["kwargs"])
    batches = list(_batches(entry))
    for t, p, w in batches:
        m.update_state(t, p, sample_weight=w)
    m.reset_state()
    t, p, w = batches[0]
    m.update_state(t, p, sample_weight=w)
    np.testing.assert_allclose(m.result(), entry["results"][0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("entry", REF["metrics"], ids=[e["case"] for e in REF["metrics"]])
def test_metric_get_config_matches_keras(entry):
    config = getattr(metrics, entry["class"])(**entry["kwargs"]).get_config()
    config.pop("name")
    expected = dict(entry["config"])
    if "thresholds" in expected and isinstance(expected["thresholds"], list):
        np.testing.assert_allclose(config.pop("thresholds"), expected.pop("thresholds"))
    assert config == expected
