"""Operations on tensors, as `keras.ops`: each differentiable op has its forward and
its backward in one place (see `nnlite.backend.tensor.apply`)."""
from nnlite.ops.core import *        # noqa: F401,F403
from nnlite.ops.numpy import *       # noqa: F401,F403
from nnlite.ops.nn import *          # noqa: F401,F403
from nnlite.ops import core as _core_ops, numpy as _numpy_ops, nn as _nn_ops

__all__ = sorted(set(_core_ops.__all__) | set(_numpy_ops.__all__) | set(_nn_ops.__all__))
