"""`keras.preprocessing` as Keras 3 has it: the `image` and `sequence`
modules and the three dataset builders (the same functions as in
`nnlite.utils`). Keras 3 has no `text` module or `Tokenizer` here.

Each name imports its module on first use."""
from nnlite import _lazy

_NAMES = {
    "image": "nnlite.preprocessing.image",
    "sequence": "nnlite.preprocessing.sequence",
    "image_dataset_from_directory": "nnlite.utils.image_dataset_utils",
    "text_dataset_from_directory": "nnlite.utils.text_dataset_utils",
    "timeseries_dataset_from_array": "nnlite.utils.timeseries_dataset_utils",
}
__getattr__, __dir__ = _lazy.attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
