"""Preprocessing layers, as `keras.layers`: feature normalization and
discretization, categorical encodings, hashing, vocabulary lookups, text
vectorization, the image layers Rescaling, Resizing and CenterCrop, and the
image augmentation layers (RandomFlip, RandomRotation, RandomZoom,
RandomTranslation, RandomContrast, RandomBrightness, RandomCrop)."""
from nnlite.layers.preprocessing.category_encoding import CategoryEncoding
from nnlite.layers.preprocessing.center_crop import CenterCrop
from nnlite.layers.preprocessing.discretization import Discretization
from nnlite.layers.preprocessing.hashing import Hashing
from nnlite.layers.preprocessing.integer_lookup import IntegerLookup
from nnlite.layers.preprocessing.normalization import Normalization
from nnlite.layers.preprocessing.random_brightness import RandomBrightness
from nnlite.layers.preprocessing.random_contrast import RandomContrast
from nnlite.layers.preprocessing.random_crop import RandomCrop
from nnlite.layers.preprocessing.random_flip import RandomFlip
from nnlite.layers.preprocessing.random_rotation import RandomRotation
from nnlite.layers.preprocessing.random_translation import RandomTranslation
from nnlite.layers.preprocessing.random_zoom import RandomZoom
from nnlite.layers.preprocessing.rescaling import Rescaling
from nnlite.layers.preprocessing.resizing import Resizing
from nnlite.layers.preprocessing.string_lookup import StringLookup
from nnlite.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "IntegerLookup",
           "Normalization", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
           "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling", "Resizing",
           "StringLookup", "TextVectorization"]
