"""Utilities, as `keras.utils`: to_categorical, set_random_seed, Progbar, get_file, ...

Each name imports its module on first use."""
from nnlite import _lazy

_NAMES = {
    "clear_session": "nnlite.backend.naming",
    "set_random_seed": "nnlite.backend.random",
    "confusion_matrix": "nnlite.utils.classification_utils",
    "split_dataset": "nnlite.utils.dataset_utils",
    "get_file": "nnlite.utils.file_utils",
    "image_dataset_from_directory": "nnlite.utils.image_dataset_utils",
    "array_to_img": "nnlite.utils.image_utils",
    "img_to_array": "nnlite.utils.image_utils",
    "load_img": "nnlite.utils.image_utils",
    "save_img": "nnlite.utils.image_utils",
    "model_to_dot": "nnlite.utils.model_visualization",
    "plot_model": "nnlite.utils.model_visualization",
    "normalize": "nnlite.utils.numerical_utils",
    "to_categorical": "nnlite.utils.numerical_utils",
    "plot_confusion_matrix": "nnlite.utils.plotting",
    "plot_history": "nnlite.utils.plotting",
    "plot_images": "nnlite.utils.plotting",
    "Progbar": "nnlite.utils.progbar",
    "PyDataset": "nnlite.utils.py_dataset",
    "Sequence": "nnlite.utils.py_dataset",
    "pad_sequences": "nnlite.utils.sequence_utils",
    "text_dataset_from_directory": "nnlite.utils.text_dataset_utils",
    "timeseries_dataset_from_array": "nnlite.utils.timeseries_dataset_utils",
}
__getattr__, __dir__ = _lazy.attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
