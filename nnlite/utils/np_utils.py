"""Keras 2's `keras.utils.np_utils` module (gone in Keras 3): `to_categorical`
and `normalize`. Importing it warns; use `nnlite.utils` instead."""
from nnlite.utils.legacy import warn_deprecated
from nnlite.utils.numerical_utils import normalize, to_categorical

warn_deprecated("the module keras.utils.np_utils (nnlite.utils.np_utils)",
                "`from nnlite.utils import to_categorical` (keras.utils)", stacklevel=2)

__all__ = ["normalize", "to_categorical"]
