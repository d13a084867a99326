"""Reshaping layers for sequences and images, as `keras.layers` (`keras/src/layers/reshaping`)."""
from nnlite.layers.reshaping.cropping1d import Cropping1D
from nnlite.layers.reshaping.cropping2d import Cropping2D
from nnlite.layers.reshaping.up_sampling1d import UpSampling1D
from nnlite.layers.reshaping.up_sampling2d import UpSampling2D
from nnlite.layers.reshaping.zero_padding1d import ZeroPadding1D
from nnlite.layers.reshaping.zero_padding2d import ZeroPadding2D

__all__ = ["Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "ZeroPadding1D",
           "ZeroPadding2D"]
