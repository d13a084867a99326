"""BroadcastGlobalVariablesCallback: every process starts from root_rank's weights."""
from nnlite.callbacks.callback import Callback


class BroadcastGlobalVariablesCallback(Callback):
    """At the start of training sets the model's variables (and the
    optimizer's, once built) to those of process `root_rank`, as Horovod's.

    Args:
        root_rank: The process whose values every process takes.
    """

    def __init__(self, root_rank, device=""):
        super().__init__()
        self.root_rank = root_rank

    def on_train_begin(self, logs=None):
        from nnlite.distribution import horovod
        variables = list(self.model.variables)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and getattr(optimizer, "built", False):
            variables += [v for v in optimizer.variables if all(v is not o for o in variables)]
        horovod.broadcast_variables(variables, self.root_rank)
