"""Writes optimizer_reference.json: variables after 5 steps of real Keras optimizers.

Run with the Keras 3 environment (never imported by nnlite or its tests):

    TF_CPP_MIN_LOG_LEVEL=3 /work/kerasenv/bin/python tests/reference/make_optimizer_reference.py

Each case applies one optimizer (defaults, non-default arguments, clipnorm,
clipvalue, global_clipnorm, weight_decay, each learning-rate schedule) to the
same two float32 variables ("kernel" 3x4, "bias" 4) with the same fixed
sequence of 5 gradients (step 3's bias gradient is all zeros), and records the
learning rate of every step and the variables after the last one. It also records each optimizer's default
get_config() and each schedule's value at steps 0..12. tests/test_optimizers_reference.py
checks nnlite against the file.
"""
import json
import os

import numpy as np

import keras
from keras import optimizers
from keras.optimizers import schedules

STEPS = 5
HERE = os.path.dirname(os.path.abspath(__file__))

SCHEDULES = {
    "exponential": {"class_name": "ExponentialDecay",
                    "config": {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}},
    "exponential_staircase": {"class_name": "ExponentialDecay",
                              "config": {"initial_learning_rate": 0.1, "decay_steps": 2,
                                         "decay_rate": 0.5, "staircase": True}},
    "piecewise": {"class_name": "PiecewiseConstantDecay",
                  "config": {"boundaries": [1, 3], "values": [0.1, 0.05, 0.01]}},
    "inverse_time": {"class_name": "InverseTimeDecay",
                     "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5}},
    "inverse_time_staircase": {"class_name": "InverseTimeDecay",
                               "config": {"initial_learning_rate": 0.1, "decay_steps": 3,
                                          "decay_rate": 0.5, "staircase": True}},
    "polynomial": {"class_name": "PolynomialDecay",
                   "config": {"initial_learning_rate": 0.1, "decay_steps": 4,
                              "end_learning_rate": 0.01, "power": 2.0}},
    "polynomial_cycle": {"class_name": "PolynomialDecay",
                         "config": {"initial_learning_rate": 0.1, "decay_steps": 3,
                                    "end_learning_rate": 0.01, "cycle": True}},
    "cosine": {"class_name": "CosineDecay",
               "config": {"initial_learning_rate": 0.1, "decay_steps": 4, "alpha": 0.1}},
    "cosine_warmup": {"class_name": "CosineDecay",
                      "config": {"initial_learning_rate": 0.0, "decay_steps": 3,
                                 "warmup_target": 0.1, "warmup_steps": 2}},
    "cosine_restarts": {"class_name": "CosineDecayRestarts",
                        "config": {"initial_learning_rate": 0.1, "first_decay_steps": 2}},
    "cosine_restarts_mul": {"class_name": "CosineDecayRestarts",
                            "config": {"initial_learning_rate": 0.1, "first_decay_steps": 2,
                                       "t_mul": 1.0, "m_mul": 0.5, "alpha": 0.05}},
}

# name -> (class name, keyword arguments, exclude_from_weight_decay var_names)
CASES = {
    "sgd_default": ("SGD", {}, None),
    "adam_default": ("Adam", {}, None),
    "rmsprop_default": ("RMSprop", {}, None),
    "adagrad_default": ("Adagrad", {}, None),
    "adadelta_default": ("Adadelta", {}, None),
    "adamax_default": ("Adamax", {}, None),
    "nadam_default": ("Nadam", {}, None),
    "adamw_default": ("AdamW", {}, None),
    "sgd_momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, None),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, None),
    "rmsprop_centered_momentum": ("RMSprop", {"learning_rate": 0.01, "rho": 0.8,
                                              "momentum": 0.5, "centered": True}, None),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.05, "amsgrad": True}, None),
    "adam_custom": ("Adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99,
                             "epsilon": 1e-3}, None),
    "adagrad_custom": ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5,
                                   "epsilon": 1e-4}, None),
    "adadelta_custom": ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}, None),
    "adamax_custom": ("Adamax", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.99}, None),
    "nadam_custom": ("Nadam", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.99}, None),
    "adamw_custom": ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True},
                     None),
    "adamw_exclude_bias": ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.5}, ["bias"]),
    "sgd_clipnorm": ("SGD", {"learning_rate": 0.1, "clipnorm": 1.0}, None),
    "adam_clipnorm": ("Adam", {"learning_rate": 0.05, "clipnorm": 0.5}, None),
    "sgd_clipvalue": ("SGD", {"learning_rate": 0.1, "clipvalue": 0.3}, None),
    "rmsprop_clipvalue": ("RMSprop", {"learning_rate": 0.01, "clipvalue": 0.3}, None),
    "sgd_global_clipnorm": ("SGD", {"learning_rate": 0.1, "global_clipnorm": 1.0}, None),
    "adagrad_global_clipnorm": ("Adagrad", {"learning_rate": 0.1, "global_clipnorm": 0.7},
                                None),
    "sgd_weight_decay": ("SGD", {"learning_rate": 0.1, "weight_decay": 0.2}, None),
    "rmsprop_weight_decay": ("RMSprop", {"learning_rate": 0.01, "weight_decay": 0.3}, None),
    "nadam_clipnorm_weight_decay": ("Nadam", {"learning_rate": 0.02, "clipnorm": 0.5,
                                              "weight_decay": 0.1}, None),
    "adamw_cosine_schedule": ("AdamW", {"learning_rate": SCHEDULES["cosine"],
                                        "weight_decay": 0.5}, None),
    "adam_exponential_schedule": ("Adam", {"learning_rate": SCHEDULES["exponential"]}, None),
}
for key in SCHEDULES:
    CASES["sgd_schedule_" + key] = ("SGD", {"learning_rate": SCHEDULES[key]}, None)


def problem():
    rng = np.random.default_rng(20261123)
    w0 = {"kernel": rng.normal(scale=0.5, size=(3, 4)).astype(np.float32),
          "bias": rng.normal(scale=0.5, size=(4,)).astype(np.float32)}
    grads = [{k: rng.normal(size=v.shape).astype(np.float32) for k, v in w0.items()}
             for _ in range(STEPS)]
    grads[3]["bias"][:] = 0.0
    return w0, grads


def f32(x):
    """float32 values as the shortest decimals that round-trip (keeps the file small)."""
    a = np.asarray(x, dtype=np.float32)
    if a.ndim == 0:
        return float("%.9g" % a)
    return [f32(v) for v in a]


def make(class_name, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = schedules.deserialize(kwargs["learning_rate"])
    return getattr(optimizers, class_name)(**kwargs)


def main():
    w0, grads = problem()
    out = {"keras_version": keras.__version__, "steps": STEPS,
           "initial": {k: f32(v) for k, v in w0.items()},
           "gradients": [{k: f32(v) for k, v in g.items()} for g in grads],
           "cases": {}, "default_configs": {}, "schedules": {}}
    for name, (class_name, kwargs, exclude) in CASES.items():
        variables = [keras.Variable(w0["kernel"], name="kernel"),
                     keras.Variable(w0["bias"], name="bias")]
        opt = make(class_name, kwargs)
        if exclude:
            opt.exclude_from_weight_decay(var_names=exclude)
        rates = []
        for g in grads:
            rates.append(f32(opt.learning_rate))
            opt.apply([g["kernel"], g["bias"]], variables)
        out["cases"][name] = {"class_name": class_name, "kwargs": kwargs,
                              "exclude_var_names": exclude, "learning_rates": rates,
                              "kernel": f32(variables[0]), "bias": f32(variables[1])}
    for class_name in ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam",
                       "AdamW"):
        config = getattr(optimizers, class_name)().get_config()
        config.pop("name")
        out["default_configs"][class_name] = config
    for key, spec in SCHEDULES.items():
        sched = schedules.deserialize(spec)
        out["schedules"][key] = {"spec": spec, "config": sched.get_config(),
                                 "values": [f32(sched(s)) for s in range(13)]}
    with open(os.path.join(HERE, "optimizer_reference.json"), "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
