"""CallbackList: calls every callback's hook in turn (used by the trainer)."""
from nnlite.callbacks.callback import Callback
from nnlite.callbacks.history import History
from nnlite.callbacks.progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """A list of callbacks that forwards each hook to all of them, adding
    `History` and `ProgbarLogger` as Keras does."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError("callbacks must be Callback instances. Received: %r" % (cb,))
        self.callbacks = callbacks
        self.history = None
        if add_history:
            self.history = next((c for c in callbacks if isinstance(c, History)), None)
            if self.history is None:
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
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(*args)


def _forwarder(hook):
    def method(self, *args, **kwargs):
        logs = kwargs.get("logs")
        for cb in self.callbacks:
            if logs is not None or "logs" in kwargs:
                getattr(cb, hook)(*args, logs=logs)
            else:
                getattr(cb, hook)(*args)
    method.__name__ = hook
    return method


for _hook in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
              "on_predict_batch_end", "on_train_begin", "on_train_end", "on_test_begin",
              "on_test_end", "on_predict_begin", "on_predict_end"):
    setattr(CallbackList, _hook, _forwarder(_hook))
