"""Pooling layers, as `keras.layers` (`keras/src/layers/pooling`)."""
from nnlite.layers.pooling.average_pooling1d import AveragePooling1D
from nnlite.layers.pooling.average_pooling2d import AveragePooling2D
from nnlite.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from nnlite.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from nnlite.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from nnlite.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from nnlite.layers.pooling.max_pooling1d import MaxPooling1D
from nnlite.layers.pooling.max_pooling2d import MaxPooling2D

# Keras's shorter names for the same classes
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D

__all__ = ["AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "MaxPooling1D", "MaxPooling2D", "AvgPool1D", "AvgPool2D", "MaxPool1D", "MaxPool2D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D"]
