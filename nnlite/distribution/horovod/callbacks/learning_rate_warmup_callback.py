"""LearningRateWarmupCallback: the learning rate ramps up over the first epochs."""
from nnlite.callbacks.callback import Callback


class LearningRateWarmupCallback(Callback):
    """Raises the learning rate from `initial_lr / size()` to `initial_lr`
    over `warmup_epochs` epochs, at every batch, as Horovod's (Goyal et al.,
    2017): at fractional epoch `e` (epoch + batch / steps_per_epoch) the rate
    is `initial_lr / size * (e * (size - 1) / warmup_epochs + 1)`.

    Args:
        initial_lr: The rate reached at the end of the warm-up (usually the
            single-process rate times `size()`).
        warmup_epochs: Defaults to `5`.
        momentum_correction: Accepted for Horovod compatibility (the momentum
            is not rescaled). Defaults to `True`.
        steps_per_epoch: Defaults to the `steps` fit reports.
        verbose: 1 prints the rate when the warm-up ends. Defaults to `0`.
    """

    def __init__(self, initial_lr, warmup_epochs=5, momentum_correction=True,
                 steps_per_epoch=None, verbose=0):
        super().__init__()
        if warmup_epochs <= 0:
            raise ValueError("warmup_epochs must be positive. Received: warmup_epochs=%r"
                             % (warmup_epochs,))
        self.initial_lr = float(initial_lr)
        self.warmup_epochs = warmup_epochs
        self.momentum_correction = momentum_correction
        self.steps_per_epoch = steps_per_epoch
        self.verbose = verbose
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self._epoch >= self.warmup_epochs:
            return
        from nnlite.distribution import horovod
        steps = self.steps_per_epoch or (self.params or {}).get("steps") or 1
        e = self._epoch + float(batch) / steps
        n = horovod.size()
        self.model.optimizer.learning_rate = self.initial_lr / n * (
            e * (n - 1) / self.warmup_epochs + 1)

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.warmup_epochs - 1:
            self.model.optimizer.learning_rate = self.initial_lr
            if self.verbose:
                print("\nEpoch %d: finished gradual learning rate warmup to %g."
                      % (epoch + 1, self.initial_lr))
