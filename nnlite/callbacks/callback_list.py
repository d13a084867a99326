"""CallbackList: calls every callback's hook in turn (used by the trainer)."""
import numpy as np

from nnlite.callbacks.callback import Callback
from nnlite.callbacks.history import History
from nnlite.callbacks.progbar_logger import ProgbarLogger


def pythonify_logs(logs):
    """A new dict of the logs sorted by key, values as Python floats where
    they convert (as Keras 3 hands logs to callbacks)."""
    out = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
            continue
        if isinstance(value, np.ndarray) and value.ndim > 0:
            out[key] = value     # e.g. predict's "outputs"
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        out[key] = value
    return out


class CallbackList(Callback):
    """A list of callbacks that forwards each hook to all of them, adding
    `History` and `ProgbarLogger` as Keras does.

    Each hook gets one fresh dict of logs, shared by all callbacks in the list
    (so a `learning_rate` entry added by one callback is seen by the
    `History` that comes last)."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        if isinstance(callbacks, Callback):
            callbacks = [callbacks]
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError("callbacks must be Callback instances. Received: %r" % (cb,))
        self.callbacks = callbacks
        self.history = next((c for c in callbacks if isinstance(c, History)), None)
        if add_history and self.history is None:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        if self.history is not None:
            model.history = self.history
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)


def _forwarder(hook, indexed):
    # Keras passes `logs` by keyword to the batch hooks and by position to the
    # others; callbacks written for Keras may rely on either.
    if indexed and "batch" in hook:
        def method(self, index, logs=None):
            logs = pythonify_logs(logs)
            for cb in self.callbacks:
                getattr(cb, hook)(index, logs=logs)
    elif indexed:
        def method(self, index, logs=None):
            logs = pythonify_logs(logs)
            for cb in self.callbacks:
                getattr(cb, hook)(index, logs)
    else:
        def method(self, logs=None):
            logs = pythonify_logs(logs)
            for cb in self.callbacks:
                getattr(cb, hook)(logs)
    method.__name__ = hook
    return method


for _hook in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
              "on_predict_batch_end", "on_batch_begin", "on_batch_end"):
    setattr(CallbackList, _hook, _forwarder(_hook, True))
for _hook in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
              "on_predict_begin", "on_predict_end"):
    setattr(CallbackList, _hook, _forwarder(_hook, False))
