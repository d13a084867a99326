"""Embedding lookup: rows of a table gathered by integer ids, forward beside
backward (`nl_*embedding_forward` / `_backward` in csrc/embedding.c).

`embedding_lookup(table, indices)` is the op behind `layers.Embedding` and
`ops.take(x, indices, axis=0)` on float32/float64 tensors. It is
differentiable in the table (the ids are data): the backward scatter-adds the
output gradient into a zero table, repeated ids summing in index order.

`lookup_source(x)` tells a reader of the output which table and ids made it,
where only variables' gradients can be asked for (in `fit`) or none is
recorded: then a reader computing a row-wise function of `x` (a recurrent
layer's input projection) may run it once per distinct id and send its
gradient to the table itself (`ops.recurrent`).
"""
import numpy as np

from nnlite import _core
from nnlite.backend import tape as tape_module
from nnlite.backend.tensor import Tensor, apply, unwrap

__all__ = ["embedding_lookup", "lookup_source"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _lookup(table, idx):
    """table (V, *rest) gathered along axis 0 by the int64 array idx:
    out[..., *rest] = table[idx[...], *rest]."""
    v = table.shape[0]
    rest = table.shape[1:]
    rows = table.reshape(v, -1) if table.ndim != 2 else table
    out = _core.embedding_forward(rows, idx)

    def backward(dy):
        dy2 = np.asarray(dy, dtype=table.dtype).reshape(idx.shape + (rows.shape[1],))
        return (_core.embedding_backward(idx, dy2, v).reshape(table.shape),)
    return out.reshape(idx.shape + rest), backward


def is_lookup_table(x):
    """Whether `embedding_lookup` takes `x` as a table (float32/float64, at least 1-D)."""
    value = unwrap(x)
    return getattr(value, "dtype", None) in _FLOATS and getattr(value, "ndim", 0) >= 1


def embedding_lookup(table, indices):
    """Rows of `table` gathered by integer `indices`: `out[i, j, ..., :] = table[indices[i, j, ...], :]`.

    Args:
        table: float32 or float64 tensor of shape `(vocab, dim)` (more
            trailing axes are gathered along with the rows).
        indices: Integer array of any shape, each in `[0, vocab)`. Float
            arrays holding integral values are accepted (Keras casts them).

    Returns:
        A tensor of shape `indices.shape + table.shape[1:]`, in the table's
        dtype, differentiable with respect to `table`.

    Raises:
        ValueError: an index is negative or not smaller than `vocab`, or a
            float index is not integral (checked before any computation).

    Example:

    >>> table = np.arange(6.0).reshape(3, 2)
    >>> embedding_lookup(table, np.array([[2, 0]])).numpy()
    array([[[4., 5.],
            [0., 1.]]])
    """
    if not (isinstance(table, Tensor) or getattr(table, "_is_variable", False)):
        table = np.asarray(table)
    value = unwrap(table)
    if value.dtype not in _FLOATS:
        raise TypeError("embedding_lookup: table must be float32 or float64. Received: "
                        "dtype=%s" % value.dtype)
    if value.ndim < 1:
        raise ValueError("embedding_lookup: table must have at least 1 dimension. Received: "
                         "shape=%s" % (value.shape,))
    idx = _core.embedding_indices(unwrap(indices))
    out = apply("embedding_lookup", _lookup, (table,), idx)
    if value.ndim == 2 and _row_fusion_allowed():
        out._lookup = (table, idx)
    return out


def _row_fusion_allowed():
    # nothing records, or no gradient of an intermediate tensor can be asked
    return tape_module.active_tape() is None or tape_module.only_variable_gradients()


def lookup_source(x):
    """`(table, ids)` when the tensor `x` is `embedding_lookup(table, ids)` of a
    2-D table and a reader may take the gradient of a function of `x` straight
    to `table` (no tape records, or every one gives variables' gradients
    only); else None. `ids` is the int64 array the lookup checked."""
    source = getattr(x, "_lookup", None) if type(x) is Tensor else None
    if source is None or not _row_fusion_allowed():
        return None
    return source
