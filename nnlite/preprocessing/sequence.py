"""`keras.preprocessing.sequence`: `pad_sequences` (the same function as
`nnlite.utils.pad_sequences`)."""
from nnlite.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
