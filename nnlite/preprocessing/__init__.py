"""`keras.preprocessing` as Keras 3 has it: the `image` and `sequence`
modules and the three dataset builders (the same functions as in
`nnlite.utils`). Keras 3 has no `text` module or `Tokenizer` here."""
from nnlite.preprocessing import image, sequence
from nnlite.utils.image_dataset_utils import image_dataset_from_directory
from nnlite.utils.text_dataset_utils import text_dataset_from_directory
from nnlite.utils.timeseries_dataset_utils import timeseries_dataset_from_array

__all__ = ["image", "image_dataset_from_directory", "sequence", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]
