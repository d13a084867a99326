"""The training runs the data-parallel tests compare: the same function trains
under `mpiexec` (data_parallel_child.py) and in the test process."""
import numpy as np

import nnlite
from nnlite import layers, optimizers, regularizers

GLOBAL_BATCH = 12       # 40 rows: batches of 12, 12, 12, 4 (shards 2/2 and 2/1/1)
EPOCHS = 3


def configs():
    """name -> (optimizer factory, options) of every run."""
    return {
        "sgd": (lambda: optimizers.SGD(0.1), {}),
        "sgd_nesterov": (lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True), {}),
        "adam": (lambda: optimizers.Adam(0.01), {}),
        "rmsprop": (lambda: optimizers.RMSprop(0.01), {}),
        "adamw": (lambda: optimizers.AdamW(0.01), {}),
        "adagrad": (lambda: optimizers.Adagrad(0.1), {}),
        "adam_l2_weighted": (lambda: optimizers.Adam(0.01), {"l2": True, "weighted": True}),
    }


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5)).astype("float32")
    y = rng.integers(0, 3, size=40)
    w = rng.uniform(0.5, 2.0, size=40).astype("float32")
    return x, y, w


def train(name, hidden=8):
    """Trains the run `name`; returns (weights, history dict)."""
    make_optimizer, options = configs()[name]
    nnlite.utils.set_random_seed(7)
    x, y, w = data()
    reg = regularizers.L2(0.01) if options.get("l2") else None
    model = nnlite.Sequential([layers.Input((5,)),
                               layers.Dense(hidden, activation="relu", kernel_regularizer=reg),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer=make_optimizer(), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, sample_weight=w if options.get("weighted") else None,
                        batch_size=GLOBAL_BATCH, epochs=EPOCHS, verbose=0)
    return model.get_weights(), history.history


def train_bn(learning_rate, conv=False):
    """A model with BatchNormalization (momentum 0.5) trained by SGD: after
    a Dense layer, or with `conv` after a Conv2D (statistics over batch,
    height and width); returns its weights (the moving statistics last)."""
    nnlite.utils.set_random_seed(3)
    x, y, _ = data()
    if conv:
        x = np.resize(x, (len(x), 4, 4, 2)) * np.linspace(0.5, 2.0, 32).reshape(1, 4, 4, 2)
        stack = [layers.Input((4, 4, 2)), layers.Conv2D(3, 3),
                 layers.BatchNormalization(momentum=0.5), layers.Flatten()]
    else:
        stack = [layers.Input((5,)), layers.Dense(6), layers.BatchNormalization(momentum=0.5)]
    model = nnlite.Sequential(stack + [layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizers.SGD(learning_rate),
                  loss="sparse_categorical_crossentropy")
    model.fit(x.astype("float32"), y, batch_size=GLOBAL_BATCH, epochs=2, verbose=0)
    return model.trainable_weights + model.non_trainable_weights


def bn_runs():
    """name -> the arguments of `train_bn` of every run the tests compare."""
    return {"lr0": (0.0,), "lr0.05": (0.05,), "conv": (0.05, True)}


def train_horovod_style(rank=0, size=1):
    """Horovod's way: rank `rank` of `size` trains on its own rows (its part
    of each global batch of 12, no shuffling) with batch 12 / size, its own
    seed, `DistributedOptimizer(Adam)`, and the broadcast and metric-average
    callbacks. With size 1 it is plain training on batches of 12 (the
    reference). Returns (weights, history dict)."""
    from nnlite.distribution import horovod as hvd
    rng = np.random.default_rng(5)
    x = rng.normal(size=(48, 5)).astype("float32")
    y = rng.integers(0, 3, size=48)
    per = GLOBAL_BATCH // size
    rows = (np.arange(48).reshape(-1, size, per)[:, rank, :]).ravel()
    nnlite.utils.set_random_seed(7 + rank)
    model = nnlite.Sequential([layers.Input((5,)), layers.Dense(8, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    optimizer = optimizers.Adam(0.01)
    callbacks = []
    if size > 1:
        optimizer = hvd.DistributedOptimizer(optimizer)
        callbacks = [hvd.callbacks.BroadcastGlobalVariablesCallback(0),
                     hvd.callbacks.MetricAverageCallback()]
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[rows], y[rows], batch_size=per, epochs=EPOCHS, shuffle=False,
                        verbose=0, callbacks=callbacks)
    return model.get_weights(), history.history


def train_and_infer():
    """Adam with validation data, then evaluate and predict: returns
    (history dict with val_ entries, evaluate's dict, predictions)."""
    nnlite.utils.set_random_seed(11)
    x, y, w = data()
    model = nnlite.Sequential([layers.Input((5,)), layers.Dense(8, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[:30], y[:30], batch_size=GLOBAL_BATCH, epochs=EPOCHS, verbose=0,
                        validation_data=(x[30:], y[30:]), validation_batch_size=4)
    results = model.evaluate(x, y, sample_weight=w, batch_size=7, verbose=0, return_dict=True)
    return history.history, results, model.predict(x, batch_size=6, verbose=0)
