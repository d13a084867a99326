"""The Keras 2 preprocessing paths that old notebooks import
(`keras.preprocessing.sequence.pad_sequences`)."""
from nnlite.preprocessing import sequence

__all__ = ["sequence"]
