"""Utilities, as `keras.utils`: to_categorical, set_random_seed, Progbar, get_file, ..."""
from nnlite.backend.naming import clear_session
from nnlite.backend.random import set_random_seed
from nnlite.utils.classification_utils import confusion_matrix
from nnlite.utils.file_utils import get_file
from nnlite.utils.model_visualization import model_to_dot, plot_model
from nnlite.utils.numerical_utils import normalize, to_categorical
from nnlite.utils.plotting import plot_confusion_matrix, plot_history, plot_images
from nnlite.utils.progbar import Progbar
from nnlite.utils.sequence_utils import pad_sequences

__all__ = ["Progbar", "clear_session", "confusion_matrix", "get_file", "model_to_dot", "normalize",
           "pad_sequences", "plot_confusion_matrix", "plot_history", "plot_images", "plot_model",
           "set_random_seed", "to_categorical"]
