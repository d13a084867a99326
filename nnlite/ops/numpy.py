"""NumPy-like operations computed by nnlite's C core."""
import numpy as np

from nnlite import _core

__all__ = ["matmul"]


def _operand(x):
    """(C-contiguous 2-D array, transposed?) without copying when x is a
    C- or Fortran-ordered matrix; copies only other layouts."""
    if x.flags.c_contiguous:
        return x, False
    if x.flags.f_contiguous:
        return x.T, True
    if x.strides[-1] == x.itemsize:
        return x, False          # row-strided view: passed as a leading dimension
    return np.ascontiguousarray(x), False


def matmul(x1, x2):
    """Matrix product of two arrays, as `keras.ops.matmul`.

    Float32 and float64 matrices (2-D, or a 1-D vector on either side) are
    multiplied by nnlite's GEMM; transposed views are passed as transpose
    flags, not copied. Other dtypes and stacks of matrices (N-D) follow
    `numpy.matmul`.

    Args:
        x1: First array.
        x2: Second array.

    Returns:
        The product, shaped as `numpy.matmul` shapes it.

    Example:

    >>> matmul(np.array([[1., 2.], [3., 4.]]), np.array([[5., 6.], [7., 8.]]))
    array([[19., 22.],
           [43., 50.]])
    """
    a, b = np.asarray(x1), np.asarray(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: inputs must have at least one dimension. Received: "
                         "x1.shape=%s, x2.shape=%s" % (a.shape, b.shape))
    dtype = np.result_type(a.dtype, b.dtype)
    if dtype not in (np.float32, np.float64) or a.ndim > 2 or b.ndim > 2:
        return np.matmul(a, b)
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    if a2.shape[1] != b2.shape[0]:
        raise ValueError("matmul: shapes %s and %s do not align: %d (dim %d) != %d (dim 0)"
                         % (a.shape, b.shape, a2.shape[1], a.ndim - 1, b2.shape[0]))
    a2, ta = _operand(a2.astype(dtype, copy=False))
    b2, tb = _operand(b2.astype(dtype, copy=False))
    out = _core.gemm(a2, b2, trans_a=ta, trans_b=tb)
    if a.ndim == 1 and b.ndim == 1:
        return out.reshape(())
    if a.ndim == 1:
        return out.reshape(-1)
    if b.ndim == 1:
        return out.reshape(-1)
    return out
