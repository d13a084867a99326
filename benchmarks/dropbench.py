"""Epoch time of a 784-128-64-10 MLP (batch 32, one thread, 20k samples) with the
compiled plan and with the layer-by-layer path, for the features the plan covers.

    PYTHONPATH=. python benchmarks/dropbench.py
"""
import time

import numpy as np

import nnlite
from nnlite.layers import BatchNormalization, Dense, Dropout, Input

nnlite.config.set_num_threads(1)
rng = np.random.default_rng(0)
x = rng.random((20000, 784), dtype=np.float32)
y = rng.integers(0, 10, 20000)


def run(layers, opt="adam", allow=True):
    m = nnlite.Sequential([Input((784,))] + layers)
    m.compile(opt if isinstance(opt, str) else opt(), "sparse_categorical_crossentropy", metrics=["accuracy"])
    m._allow_plans = allow
    m.fit(x[:2000], y[:2000], verbose=0)
    t = time.perf_counter()
    m.fit(x, y, epochs=1, batch_size=32, verbose=0)
    return time.perf_counter() - t, "train" in m._plan_cache


def plain():
    return [Dense(128, activation="relu"), Dense(64, activation="relu"),
            Dense(10, activation="softmax")]


def dropout():
    return [Dense(128, activation="relu"), Dropout(0.2), Dense(64, activation="relu"),
            Dropout(0.2), Dense(10, activation="softmax")]


def l2_maxnorm():
    return [Dense(128, activation="relu", kernel_regularizer="l2", kernel_constraint="max_norm"),
            Dropout(0.2), Dense(64, activation="relu", kernel_regularizer="l2"),
            Dense(10, activation="softmax")]


def bn():
    return [Dense(128, activation="relu"), BatchNormalization(), Dense(64, activation="relu"),
            Dense(10, activation="softmax")]


CASES = [("plain adam", plain, "adam"), ("dropout adam", dropout, "adam"),
         ("plain nadam", plain, "nadam"), ("plain adamw", plain, "adamw"),
         ("plain adadelta", plain, "adadelta"), ("plain adamax", plain, "adamax"),
         ("clipnorm adam", plain, lambda: nnlite.optimizers.Adam(clipnorm=1.0)),
         ("schedule sgd", plain, lambda: nnlite.optimizers.SGD(
             nnlite.optimizers.schedules.ExponentialDecay(0.01, 100, 0.9))),
         ("l2+maxnorm+do", l2_maxnorm, "adam"),
         ("bn adam", bn, "adam")]

if __name__ == "__main__":
    for name, layers, opt in CASES:
        t_plan, used = run(layers(), opt)
        t_layers, _ = run(layers(), opt, allow=False)
        print("%-16s default %.3f s (%s)   layer path %.3f s"
              % (name, t_plan, "plan" if used else "layers", t_layers))
