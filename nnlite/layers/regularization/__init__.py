"""Regularization layers for feature maps, as `keras.layers` (`keras/src/layers/regularization`)."""
from nnlite.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D

__all__ = ["SpatialDropout1D", "SpatialDropout2D"]
