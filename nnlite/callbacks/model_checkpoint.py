"""ModelCheckpoint: saves the model (or its weights) during training."""
import os
import string
import warnings

import numpy as np

from nnlite.callbacks.monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Saves the model (`model.save`) or its weights (`model.save_weights`)
    every epoch, every `save_freq` batches, or only when the monitored value
    improves.

    `filepath` may hold `str.format` fields filled from the epoch (counted
    from 1) and the logs, e.g. `"ckpt_{epoch:02d}_{val_loss:.2f}.keras"`.

    Args:
        filepath: Where to save: a `.keras` (or legacy `.h5`) file, or with
            `save_weights_only=True` a `.weights.h5` file. nnlite's
            `.weights.npz` is accepted in both cases (weights only).
        monitor: Value compared by `save_best_only`. Defaults to `"val_loss"`.
        verbose: 0 (silent) or 1 (prints each save). Defaults to `0`.
        save_best_only: Save only when `monitor` improves. Defaults to `False`.
        save_weights_only: Save only the weights. Defaults to `False`.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        save_freq: `"epoch"` or a number of batches. Defaults to `"epoch"`.
        initial_value_threshold: Best value to beat at first. Defaults to `None`.

    Example:

    >>> ckpt = ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[ckpt])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if save_freq != "epoch" and (isinstance(save_freq, bool)
                                     or not isinstance(save_freq, int)):
            raise ValueError("Unrecognized save_freq: %s. Expected save_freq are 'epoch' or "
                             "integer values" % (save_freq,))
        if self.filepath.endswith(".weights.npz"):
            pass
        elif save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the "
                                 "filepath provided must end in `.weights.npz` (nnlite) or "
                                 "`.weights.h5` (Keras weights format). Received: filepath=%s"
                                 % self.filepath)
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError("The filepath provided must end in `.keras` (Keras model format) "
                             "or `.weights.npz` (nnlite weights). Received: filepath=%s"
                             % self.filepath)

    @property
    def _batch_hooks_idle(self):
        # the trainer may skip per-batch calls when saving once per epoch
        return self.save_freq == "epoch"

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_train_begin(self, logs=None):
        self._check_template()

    def _check_template(self):
        """Refuses, before the first epoch, a filepath template that could
        never be filled in: a bad format spec, or a name the logs will not
        hold (checked once the model's metrics are known)."""
        try:
            fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(self.filepath)
                      if name is not None]
        except ValueError as e:
            raise ValueError('ModelCheckpoint cannot use the filepath template "%s": %s'
                             % (self.filepath, e)) from None
        metric_names = [m.name for m in getattr(self.model, "metrics", [])]
        known = None
        if len(metric_names) > 1 or "compile_metrics" not in self.model.metrics_names:
            known = {"epoch", "batch", "learning_rate", "lr"}
            known.update(metric_names)
            known.update("val_" + n for n in metric_names)
        for name, spec in fields:
            if known is not None and name not in known:
                raise ValueError('ModelCheckpoint cannot fill in "{%s}" in the filepath "%s": '
                                 "the logs will hold %s" % (name, self.filepath, sorted(known)))
            sample = 1 if name in ("epoch", "batch") else 0.5
            try:
                ("{0:%s}" % spec if spec else "{0}").format(sample)
            except ValueError as e:
                raise ValueError('ModelCheckpoint cannot format "{%s:%s}" in the filepath "%s": '
                                 "%s" % (name, spec, self.filepath, e)) from None

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            add = batch + 1          # a new epoch started
        else:
            add = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, logs, filepath):
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print("\nEpoch %d: saving model to %s" % (epoch + 1, filepath))
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn("Can save best model only with %s available." % self.monitor,
                          stacklevel=2)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn("Can save best model only when `monitor` is a scalar value. "
                          "Received: %s. Falling back to `save_best_only=False`." % (current,))
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best_str = "None" if self.best is None else "%.5f" % self.best
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print("\nEpoch %d: %s improved from %s to %.5f, saving model to %s"
                      % (epoch + 1, self.monitor, best_str, current, filepath))
            self.best = current
            return True
        if self.verbose > 0:
            print("\nEpoch %d: %s did not improve from %s" % (epoch + 1, self.monitor, best_str))
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. "
                          "Filepath used is an existing directory: %s" % filepath)
        dirname = os.path.dirname(filepath)
        if dirname and not os.path.exists(dirname):
            os.makedirs(dirname)
        if self.save_weights_only or filepath.endswith(".weights.npz"):
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print("\nEpoch %d: finished saving model to %s" % (epoch + 1, filepath))

    def _get_file_path(self, epoch, batch, logs):
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError('Failed to format this callback filepath: "%s". Reason: %s'
                           % (self.filepath, e)) from None
