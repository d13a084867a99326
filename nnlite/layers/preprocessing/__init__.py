"""Preprocessing layers, as `keras.layers`: feature normalization and
discretization, categorical encodings, hashing, vocabulary lookups, text
vectorization, and the image layers Rescaling, Resizing and CenterCrop."""
from nnlite.layers.preprocessing.category_encoding import CategoryEncoding
from nnlite.layers.preprocessing.center_crop import CenterCrop
from nnlite.layers.preprocessing.discretization import Discretization
from nnlite.layers.preprocessing.hashing import Hashing
from nnlite.layers.preprocessing.integer_lookup import IntegerLookup
from nnlite.layers.preprocessing.normalization import Normalization
from nnlite.layers.preprocessing.rescaling import Rescaling
from nnlite.layers.preprocessing.resizing import Resizing
from nnlite.layers.preprocessing.string_lookup import StringLookup
from nnlite.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "IntegerLookup",
           "Normalization", "Rescaling", "Resizing", "StringLookup", "TextVectorization"]
