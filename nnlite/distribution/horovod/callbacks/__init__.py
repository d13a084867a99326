"""Horovod's Keras callbacks over nnlite's MPI processes."""
from nnlite.distribution.horovod.callbacks.broadcast_global_variables_callback import (
    BroadcastGlobalVariablesCallback)
from nnlite.distribution.horovod.callbacks.learning_rate_warmup_callback import (
    LearningRateWarmupCallback)
from nnlite.distribution.horovod.callbacks.metric_average_callback import MetricAverageCallback

__all__ = ["BroadcastGlobalVariablesCallback", "LearningRateWarmupCallback",
           "MetricAverageCallback"]
