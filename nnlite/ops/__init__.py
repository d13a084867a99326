"""Operations on tensors, as `keras.ops`: each differentiable op has its forward and
its backward in one place (see `nnlite.backend.tensor.apply`)."""
from nnlite.ops.core import *        # noqa: F401,F403
from nnlite.ops.numpy import *       # noqa: F401,F403
from nnlite.ops.nn import *          # noqa: F401,F403
from nnlite.ops.pooling import average_pool, max_pool   # noqa: F401
from nnlite.ops import image                               # noqa: F401 (ops.image.resize)
from nnlite.ops.convolution import conv, conv_transpose, depthwise_conv, separable_conv  # noqa: F401
from nnlite.ops import core as _core_ops, numpy as _numpy_ops, nn as _nn_ops

__all__ = sorted(set(_core_ops.__all__) | set(_numpy_ops.__all__) | set(_nn_ops.__all__))
__all__ = sorted(set(__all__) | {"average_pool", "max_pool"})
__all__ = sorted(set(__all__) | {"conv", "conv_transpose", "depthwise_conv", "separable_conv"})
from nnlite.ops.embedding import embedding_lookup                # noqa: F401
__all__ = sorted(set(__all__) | {"embedding_lookup"})

# every public op records a node when called on KerasTensors (functional API)
from nnlite.ops import symbolic as _symbolic                         # noqa: E402
_symbolic.install(globals(), __all__)
for _module in (_core_ops, _numpy_ops, _nn_ops):
    _symbolic.install(vars(_module), _module.__all__)
_symbolic.install(vars(image), image.__all__, prefix="image.")
del _module
