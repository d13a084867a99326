"""MetricAverageCallback: each epoch's logs averaged over the processes."""
import numpy as np

from nnlite.callbacks.callback import Callback


class MetricAverageCallback(Callback):
    """At the end of each epoch replaces every number in the logs by its mean
    over the processes (one `Allreduce`), as Horovod's. Put it before the
    callbacks that read the logs (`History` comes last on its own)."""

    def on_epoch_end(self, epoch, logs=None):
        if not logs:
            return
        from nnlite.distribution import horovod
        keys = sorted(k for k, v in logs.items() if isinstance(v, (int, float, np.number)))
        if not keys:
            return
        values = horovod.allreduce(np.array([float(logs[k]) for k in keys]), op=horovod.Average)
        for k, v in zip(keys, values):
            logs[k] = float(v)
