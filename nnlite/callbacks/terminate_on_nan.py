"""TerminateOnNaN: stops training when the loss becomes NaN or infinite."""
import numpy as np

from nnlite.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training after the first batch whose running loss is NaN or
    infinite (prints `Batch i: Invalid loss, terminating training`).

    Args:
        raise_error: Raise a `RuntimeError` instead of stopping quietly.
            Defaults to `False`.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            if self.raise_error:
                raise RuntimeError("NaN or Inf loss encountered at batch %d. Loss value: %s. "
                                   "Terminating training immediately." % (batch, loss))
            print("Batch %d: Invalid loss, terminating training" % batch)
            self.model.stop_training = True
