"""Array operations, as `keras.ops` (so far: `matmul`)."""
from nnlite.ops.numpy import matmul

__all__ = ["matmul"]
