"""LearningRateScheduler: sets the learning rate at the start of every epoch."""
import numpy as np

from nnlite.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate to `schedule(epoch, lr)` before each
    epoch (`schedule(epoch)` is accepted too). Every epoch's logs (and so the
    `History`) get a `learning_rate` entry.

    Args:
        schedule: Function of the epoch index (from 0) and the current rate
            that returns the new rate as a float.
        verbose: 0 (silent) or 1 (prints the rate it sets). Defaults to `0`.

    Example:

    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(scheduler)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:   # schedule(epoch), the older signature
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError("The output of the `schedule` function should be a float. "
                             "Got: %s" % (lr,))
        optimizer.learning_rate = lr
        if self.verbose > 0:
            print("\nEpoch %d: LearningRateScheduler setting learning rate to %s."
                  % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
