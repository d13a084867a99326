"""Layers, as `keras.layers`."""
from nnlite.layers.activation import Activation
from nnlite.layers.batch_normalization import BatchNormalization
from nnlite.layers.convolutional import (Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose,
                                         DepthwiseConv2D, SeparableConv2D)
from nnlite.layers.dense import Dense
from nnlite.layers.dropout import Dropout
from nnlite.layers.elu import ELU
from nnlite.layers.embedding import Embedding
from nnlite.layers.flatten import Flatten
from nnlite.layers.input_layer import Input, InputLayer, KerasTensor
from nnlite.layers.lambda_layer import Lambda
from nnlite.layers.layer import Layer
from nnlite.layers.layer_normalization import LayerNormalization
from nnlite.layers.merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,
                                   Subtract, add, average, concatenate, dot, maximum, minimum,
                                   multiply, subtract)
from nnlite.layers.op_layer import GetItem, OpLayer
from nnlite.layers.pooling import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D,
                                   GlobalAveragePooling2D, GlobalMaxPooling1D,
                                   GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)
from nnlite.layers.pooling import (AvgPool1D, AvgPool2D, GlobalAvgPool1D, GlobalAvgPool2D,
                                   GlobalMaxPool1D, GlobalMaxPool2D, MaxPool1D, MaxPool2D)
from nnlite.layers.regularization import SpatialDropout1D, SpatialDropout2D
from nnlite.layers.reshaping import (Cropping1D, Cropping2D, UpSampling1D, UpSampling2D,
                                     ZeroPadding1D, ZeroPadding2D)
from nnlite.layers.rnn import (GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, SimpleRNN,
                               SimpleRNNCell, StackedRNNCells, TimeDistributed)
from nnlite.layers.masking import Masking
from nnlite.layers.permute import Permute
from nnlite.layers.preprocessing import (CategoryEncoding, CenterCrop, Discretization, Hashing,
                                         IntegerLookup, Normalization, Rescaling, Resizing,
                                         StringLookup, TextVectorization)
from nnlite.layers.preprocessing import (RandomBrightness, RandomContrast, RandomCrop,
                                         RandomFlip, RandomRotation, RandomTranslation,
                                         RandomZoom)
from nnlite.layers.repeat_vector import RepeatVector
from nnlite.layers.wrapper import Wrapper
from nnlite.layers.leaky_relu import LeakyReLU
from nnlite.layers.prelu import PReLU
from nnlite.layers.relu import ReLU
from nnlite.layers.reshape import Reshape
from nnlite.layers.softmax import Softmax

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (
    Activation, BatchNormalization, Dense, Dropout, ELU, Flatten, InputLayer,
    LayerNormalization, LeakyReLU, PReLU, ReLU, Reshape, Softmax,
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, OpLayer, GetItem,
    Lambda)}
ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in (
    AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
    GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
    SpatialDropout1D, SpatialDropout2D,
    Cropping1D, Cropping2D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D)})

ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in (
    GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell, StackedRNNCells, Bidirectional,
    TimeDistributed, Masking, Permute, RepeatVector, Embedding)})
ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in (
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D)})
ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in (
    CategoryEncoding, CenterCrop, Discretization, Hashing, IntegerLookup, Normalization,
    Rescaling, Resizing, StringLookup, TextVectorization)})
ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in (
    RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation,
    RandomZoom)})


def serialize(layer):
    """Returns the layer's configuration as a Python dict (as
    `nnlite.saving.serialize_keras_object`)."""
    from nnlite.saving import serialization_lib
    return serialization_lib.serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Returns a layer from its serialized configuration.

    Args:
        config: A dict made by `serialize` (or a Keras layer config).
        custom_objects: Optional dict of name -> class for custom layers.
    """
    from nnlite.saving import serialization_lib
    obj = serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(obj, Layer):
        raise ValueError("`nnlite.layers.deserialize` was passed a `config` object that is "
                         "not a layer. Received: config=%r" % (config,))
    return obj


__all__ = ["Activation", "BatchNormalization", "Dense", "Dropout", "ELU", "Flatten", "Input",
           "InputLayer", "KerasTensor", "Layer", "LayerNormalization", "LeakyReLU", "PReLU",
           "ReLU", "Reshape", "Softmax", "serialize", "deserialize",
           "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
           "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]
__all__ += ["AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
            "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
            "MaxPooling1D", "MaxPooling2D", "SpatialDropout1D", "SpatialDropout2D",
            "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "ZeroPadding1D",
            "ZeroPadding2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
            "GlobalMaxPool1D", "GlobalMaxPool2D", "MaxPool1D", "MaxPool2D"]
__all__ += ["Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D",
            "SeparableConv2D"]
__all__ += ["Bidirectional", "Embedding", "GRU", "GRUCell", "LSTM", "LSTMCell", "Masking", "Permute", "RNN",
            "RepeatVector", "SimpleRNN", "SimpleRNNCell", "StackedRNNCells", "TimeDistributed",
            "Wrapper"]
__all__ += ["CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "IntegerLookup",
            "Normalization", "Rescaling", "Resizing", "StringLookup", "TextVectorization"]
__all__ += ["RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
            "RandomTranslation", "RandomZoom"]
