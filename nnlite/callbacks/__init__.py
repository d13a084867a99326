"""Callbacks, as `keras.callbacks`."""
from nnlite.callbacks.callback import Callback
from nnlite.callbacks.callback_list import CallbackList
from nnlite.callbacks.history import History
from nnlite.callbacks.progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
