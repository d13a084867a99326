"""The Keras 2 module `keras.layers.core`, kept for old imports.

`from nnlite.layers.core import Dense, Dropout, Activation, Flatten` works
(Keras 3 removed the module) and warns once with a FutureWarning.
"""
from nnlite.layers.activation import Activation
from nnlite.layers.dense import Dense
from nnlite.layers.dropout import Dropout
from nnlite.layers.flatten import Flatten
from nnlite.layers.reshape import Reshape
from nnlite.utils.legacy import warn_deprecated

warn_deprecated("nnlite.layers.core", "nnlite.layers", stacklevel=2)

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Reshape"]
