"""nnlite optimizers against numbers produced by real Keras 3.15.1.

tests/reference/optimizer_reference.json was written by
tests/reference/make_optimizer_reference.py running in the Keras environment
(TF 2.21 CPU): every case applies 5 steps of fixed float32 gradients to a
"kernel" (3x4) and a "bias" (4) variable and records the learning rate of each
step and the final variables. The file also holds Keras's default configs and
schedule values at steps 0..12.
"""
import json
import os

import numpy as np
import pytest

from nnlite import optimizers
from nnlite.backend import Variable
from nnlite.optimizers import schedules

with open(os.path.join(os.path.dirname(__file__), "reference",
                       "optimizer_reference.json")) as _f:
    REF = json.load(_f)


def _make(class_name, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = schedules.deserialize(kwargs["learning_rate"])
    return getattr(optimizers, class_name)(**kwargs)


def _run(case):
    w0 = REF["initial"]
    variables = [Variable(np.array(w0["kernel"], dtype=np.float32), name="kernel"),
                 Variable(np.array(w0["bias"], dtype=np.float32), name="bias")]
    opt = _make(case["class_name"], case["kwargs"])
    if case["exclude_var_names"]:
        opt.exclude_from_weight_decay(var_names=case["exclude_var_names"])
    rates = []
    for g in REF["gradients"]:
        rates.append(float(opt.learning_rate))
        opt.apply([np.array(g["kernel"], dtype=np.float32),
                   np.array(g["bias"], dtype=np.float32)], variables)
    return rates, variables


@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_variables_after_five_steps_match_keras(name):
    case = REF["cases"][name]
    _, variables = _run(case)
    got, ref = [], []
    for var, key in zip(variables, ("kernel", "bias")):
        w0 = np.array(REF["initial"][key], dtype=np.float64).ravel()
        got.append(var.numpy().astype(np.float64).ravel() - w0)
        ref.append(np.array(case[key], dtype=np.float64).ravel() - w0)
    got, ref = np.concatenate(got), np.concatenate(ref)
    # displacements w - w0 to 1e-4 of the largest one: float32 rounding (of
    # w, of 1 - beta_2, ...) stays below that, a wrong rule does not
    scale = np.abs(ref).max()
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4 * scale + 5e-9, err_msg=name)


@pytest.mark.parametrize("name", sorted(REF["cases"]))
def test_learning_rate_of_each_step_matches_keras(name):
    case = REF["cases"][name]
    rates, _ = _run(case)
    np.testing.assert_allclose(rates, case["learning_rates"], rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("class_name", sorted(REF["default_configs"]))
def test_default_get_config_matches_keras(class_name):
    config = getattr(optimizers, class_name)().get_config()
    config.pop("name")
    assert config == REF["default_configs"][class_name]


@pytest.mark.parametrize("key", sorted(REF["schedules"]))
def test_schedule_values_at_steps_0_to_12_match_keras(key):
    entry = REF["schedules"][key]
    sched = schedules.deserialize(entry["spec"])
    got = [float(sched(s)) for s in range(13)]
    np.testing.assert_allclose(got, entry["values"], rtol=1e-6, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("key", sorted(REF["schedules"]))
def test_schedule_get_config_matches_keras(key):
    entry = REF["schedules"][key]
    assert schedules.deserialize(entry["spec"]).get_config() == entry["config"]
