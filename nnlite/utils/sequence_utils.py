"""pad_sequences: lists of variable-length sequences to one padded array."""
import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads (and truncates) sequences to a common length, as
    `keras.utils.pad_sequences`.

    Args:
        sequences: A list (or other sequence) of sequences; each element is a
            list of scalars or of equal-shaped arrays (a time step).
        maxlen: The length of the result. Defaults to the longest sequence.
        dtype: The dtype of the result (`object` or a string dtype for
            strings). Defaults to `"int32"`: floats are truncated toward zero.
        padding: `"pre"` or `"post"`: pad before or after each sequence.
            Defaults to `"pre"`.
        truncating: `"pre"` or `"post"`: drop values from the start or the end
            of sequences longer than `maxlen`. Defaults to `"pre"`.
        value: The padding value. Defaults to `0.0` (0 as int32).

    Returns:
        A NumPy array of shape `(len(sequences), maxlen) + step_shape`.

    Example:

    >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError('Padding type "%s" not understood' % (padding,))
    if truncating not in ("pre", "post"):
        raise ValueError('Truncating type "%s" not understood' % (truncating,))
    lengths, step_shape = [], None
    for s in sequences:
        try:
            lengths.append(len(s))
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                             "%r" % (s,)) from e
        if step_shape is None and len(s):
            step_shape = np.asarray(s).shape[1:]
    step_shape = step_shape or ()
    if maxlen is None:
        if not lengths:
            raise ValueError("pad_sequences: no sequences were given and `maxlen` is None, "
                             "so the length of the result is unknown; pass `maxlen`")
        maxlen = max(lengths)
    maxlen = int(maxlen)
    is_str = np.issubdtype(np.dtype(dtype), np.str_) if dtype is not object else False
    if isinstance(value, str) and dtype is not object and not is_str:
        raise ValueError("`dtype` %s is not compatible with `value`'s type: %s\nYou should set "
                         "`dtype=object` for variable length strings." % (dtype, type(value)))
    out = np.full((len(lengths), maxlen) + tuple(step_shape), value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        kept = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(step_shape):
            raise ValueError("Shape of sample %s of sequence at position %d is different from "
                             "expected shape %s" % (kept.shape[1:], i, tuple(step_shape)))
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out
