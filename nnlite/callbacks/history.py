"""History: records the logs of every epoch; `fit` returns it."""
from nnlite.callbacks.callback import Callback


class History(Callback):
    """Records epoch-end logs into `history`, a dict of per-epoch lists.

    `model.fit` adds it to every run and returns it; it is also
    `model.history`. `history.epoch` lists the epoch indices.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
