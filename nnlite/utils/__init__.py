"""Utilities, as `keras.utils`: to_categorical, set_random_seed, Progbar, get_file, ..."""
from nnlite.backend.naming import clear_session
from nnlite.backend.random import set_random_seed
from nnlite.utils.file_utils import get_file
from nnlite.utils.numerical_utils import normalize, to_categorical
from nnlite.utils.progbar import Progbar
from nnlite.utils.sequence_utils import pad_sequences

__all__ = ["Progbar", "clear_session", "get_file", "normalize", "pad_sequences", "set_random_seed", "to_categorical"]
