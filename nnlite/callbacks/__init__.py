"""Callbacks, as `keras.callbacks`."""
from nnlite.callbacks.callback import Callback
from nnlite.callbacks.callback_list import CallbackList
from nnlite.callbacks.csv_logger import CSVLogger
from nnlite.callbacks.early_stopping import EarlyStopping
from nnlite.callbacks.history import History
from nnlite.callbacks.lambda_callback import LambdaCallback
from nnlite.callbacks.learning_rate_scheduler import LearningRateScheduler
from nnlite.callbacks.model_checkpoint import ModelCheckpoint
from nnlite.callbacks.progbar_logger import ProgbarLogger
from nnlite.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from nnlite.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
           "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger",
           "ReduceLROnPlateau", "TerminateOnNaN"]
