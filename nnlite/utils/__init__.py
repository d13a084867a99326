"""Utilities, as `keras.utils`: to_categorical, set_random_seed, Progbar, get_file, ..."""
from nnlite.backend.naming import clear_session
from nnlite.backend.random import set_random_seed
from nnlite.utils.classification_utils import confusion_matrix
from nnlite.utils.dataset_utils import split_dataset
from nnlite.utils.file_utils import get_file
from nnlite.utils.image_dataset_utils import image_dataset_from_directory
from nnlite.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from nnlite.utils.model_visualization import model_to_dot, plot_model
from nnlite.utils.numerical_utils import normalize, to_categorical
from nnlite.utils.plotting import plot_confusion_matrix, plot_history, plot_images
from nnlite.utils.progbar import Progbar
from nnlite.utils.py_dataset import PyDataset, Sequence
from nnlite.utils.sequence_utils import pad_sequences
from nnlite.utils.text_dataset_utils import text_dataset_from_directory
from nnlite.utils.timeseries_dataset_utils import timeseries_dataset_from_array

__all__ = ["Progbar", "PyDataset", "Sequence", "array_to_img", "clear_session",
           "confusion_matrix", "get_file", "image_dataset_from_directory", "img_to_array",
           "load_img", "model_to_dot", "normalize", "pad_sequences", "plot_confusion_matrix",
           "plot_history", "plot_images", "plot_model", "save_img", "set_random_seed",
           "split_dataset", "text_dataset_from_directory", "timeseries_dataset_from_array",
           "to_categorical"]
