"""One rank of the data-parallel tests, run as
`mpiexec -n N python data_parallel_child.py MODE OUT`.

MODE is `train` (every run of the workload, then fit with validation data,
evaluate and predict; rank 0 saves the weights and
histories to OUT, an .npz), `fault` (rank 1 raises during the first epoch) or
`horovod` (nnlite.distribution.horovod; rank 0 saves to OUT), `bn`
(the BatchNormalization runs of `bn_runs`; every rank saves its weights to
OUT.<rank>.npz),
`bn-small-batch` (a last global batch of 1 row with BatchNormalization),
`die` (rank 1 exits at once, as a crash would) or `mismatch` (rank 1 builds
a wider hidden layer).
"""
import os
import sys

import numpy as np

import nnlite
from data_parallel_workload import (bn_runs, configs, data, train, train_and_infer, train_bn,
                                    train_horovod_style)


class FailOnRankOne(nnlite.callbacks.Callback):
    def __init__(self, die=False):
        super().__init__()
        self.die = die

    def on_train_batch_end(self, batch, logs=None):
        if nnlite.distribution.distribution().rank == 1 and batch == 1:
            if self.die:
                os._exit(7)
            raise RuntimeError("injected fault")


def main(mode, out):
    nnlite.distribution.initialize()
    dist = nnlite.distribution.DataParallel()
    nnlite.distribution.set_distribution(dist)
    if mode == "train":
        saved = {}
        for name in configs():
            weights, history = train(name)
            saved.update({"%s/w%d" % (name, i): w for i, w in enumerate(weights)})
            saved.update({"%s/%s" % (name, k): np.asarray(v) for k, v in history.items()})
        history, results, predictions = train_and_infer()
        saved.update({"infer/%s" % k: np.asarray(v) for k, v in history.items()})
        saved.update({"evaluate/%s" % k: np.asarray(v) for k, v in results.items()})
        saved["predict"] = predictions
        if dist.rank == 0:
            np.savez(out, **saved)
    elif mode == "horovod":
        from nnlite.distribution import horovod as hvd
        nnlite.distribution.set_distribution(None)
        hvd.init()
        weights, history = train_horovod_style(hvd.rank(), hvd.size())
        if hvd.rank() == 0:
            np.savez(out, **{"w%d" % i: w for i, w in enumerate(weights)},
                     **{k: np.asarray(v) for k, v in history.items()})
    elif mode == "bn":
        saved = {}
        for name, args in bn_runs().items():
            saved.update({"%s/w%d" % (name, i): np.asarray(v)
                          for i, v in enumerate(train_bn(*args))})
        np.savez("%s.%d.npz" % (out, dist.rank), **saved)
    elif mode == "bn-small-batch":     # 40 rows in batches of 13: the last has 1 row
        x, y, _ = data()
        model = nnlite.Sequential([nnlite.layers.Input((5,)),
                                   nnlite.layers.BatchNormalization(),
                                   nnlite.layers.Dense(3, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=13, epochs=1, verbose=0)
    elif mode in ("fault", "die"):
        x, y = np.zeros((40, 5), "float32"), np.zeros(40, "int64")
        model = nnlite.Sequential([nnlite.layers.Input((5,)), nnlite.layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, np.zeros((40, 3), "float32"), batch_size=4, epochs=1000, verbose=0,
                  callbacks=[FailOnRankOne(die=mode == "die")])
    elif mode == "mismatch":
        train("sgd", hidden=9 if dist.rank == 1 else 8)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
