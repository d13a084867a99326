"""Layers, as `keras.layers`. Each name imports its module on first use."""
from nnlite import _lazy

_NAMES = {
    "Activation": "nnlite.layers.activation",
    "BatchNormalization": "nnlite.layers.batch_normalization",
    "Conv1D": "nnlite.layers.convolutional",
    "Conv1DTranspose": "nnlite.layers.convolutional",
    "Conv2D": "nnlite.layers.convolutional",
    "Conv2DTranspose": "nnlite.layers.convolutional",
    "DepthwiseConv2D": "nnlite.layers.convolutional",
    "SeparableConv2D": "nnlite.layers.convolutional",
    "Dense": "nnlite.layers.dense",
    "Dropout": "nnlite.layers.dropout",
    "ELU": "nnlite.layers.elu",
    "Embedding": "nnlite.layers.embedding",
    "Flatten": "nnlite.layers.flatten",
    "Input": "nnlite.layers.input_layer",
    "InputLayer": "nnlite.layers.input_layer",
    "KerasTensor": "nnlite.layers.input_layer",
    "Lambda": "nnlite.layers.lambda_layer",
    "Layer": "nnlite.layers.layer",
    "LayerNormalization": "nnlite.layers.layer_normalization",
    "Add": "nnlite.layers.merging",
    "Average": "nnlite.layers.merging",
    "Concatenate": "nnlite.layers.merging",
    "Dot": "nnlite.layers.merging",
    "Maximum": "nnlite.layers.merging",
    "Minimum": "nnlite.layers.merging",
    "Multiply": "nnlite.layers.merging",
    "Subtract": "nnlite.layers.merging",
    "add": "nnlite.layers.merging",
    "average": "nnlite.layers.merging",
    "concatenate": "nnlite.layers.merging",
    "dot": "nnlite.layers.merging",
    "maximum": "nnlite.layers.merging",
    "minimum": "nnlite.layers.merging",
    "multiply": "nnlite.layers.merging",
    "subtract": "nnlite.layers.merging",
    "GetItem": "nnlite.layers.op_layer",
    "OpLayer": "nnlite.layers.op_layer",
    "AveragePooling1D": "nnlite.layers.pooling",
    "AveragePooling2D": "nnlite.layers.pooling",
    "GlobalAveragePooling1D": "nnlite.layers.pooling",
    "GlobalAveragePooling2D": "nnlite.layers.pooling",
    "GlobalMaxPooling1D": "nnlite.layers.pooling",
    "GlobalMaxPooling2D": "nnlite.layers.pooling",
    "MaxPooling1D": "nnlite.layers.pooling",
    "MaxPooling2D": "nnlite.layers.pooling",
    "AvgPool1D": "nnlite.layers.pooling",
    "AvgPool2D": "nnlite.layers.pooling",
    "GlobalAvgPool1D": "nnlite.layers.pooling",
    "GlobalAvgPool2D": "nnlite.layers.pooling",
    "GlobalMaxPool1D": "nnlite.layers.pooling",
    "GlobalMaxPool2D": "nnlite.layers.pooling",
    "MaxPool1D": "nnlite.layers.pooling",
    "MaxPool2D": "nnlite.layers.pooling",
    "SpatialDropout1D": "nnlite.layers.regularization",
    "SpatialDropout2D": "nnlite.layers.regularization",
    "Cropping1D": "nnlite.layers.reshaping",
    "Cropping2D": "nnlite.layers.reshaping",
    "UpSampling1D": "nnlite.layers.reshaping",
    "UpSampling2D": "nnlite.layers.reshaping",
    "ZeroPadding1D": "nnlite.layers.reshaping",
    "ZeroPadding2D": "nnlite.layers.reshaping",
    "GRU": "nnlite.layers.rnn",
    "LSTM": "nnlite.layers.rnn",
    "RNN": "nnlite.layers.rnn",
    "Bidirectional": "nnlite.layers.rnn",
    "GRUCell": "nnlite.layers.rnn",
    "LSTMCell": "nnlite.layers.rnn",
    "SimpleRNN": "nnlite.layers.rnn",
    "SimpleRNNCell": "nnlite.layers.rnn",
    "StackedRNNCells": "nnlite.layers.rnn",
    "TimeDistributed": "nnlite.layers.rnn",
    "Masking": "nnlite.layers.masking",
    "Permute": "nnlite.layers.permute",
    "CategoryEncoding": "nnlite.layers.preprocessing",
    "CenterCrop": "nnlite.layers.preprocessing",
    "Discretization": "nnlite.layers.preprocessing",
    "Hashing": "nnlite.layers.preprocessing",
    "IntegerLookup": "nnlite.layers.preprocessing",
    "Normalization": "nnlite.layers.preprocessing",
    "Rescaling": "nnlite.layers.preprocessing",
    "Resizing": "nnlite.layers.preprocessing",
    "StringLookup": "nnlite.layers.preprocessing",
    "TextVectorization": "nnlite.layers.preprocessing",
    "RandomBrightness": "nnlite.layers.preprocessing",
    "RandomContrast": "nnlite.layers.preprocessing",
    "RandomCrop": "nnlite.layers.preprocessing",
    "RandomFlip": "nnlite.layers.preprocessing",
    "RandomRotation": "nnlite.layers.preprocessing",
    "RandomTranslation": "nnlite.layers.preprocessing",
    "RandomZoom": "nnlite.layers.preprocessing",
    "RepeatVector": "nnlite.layers.repeat_vector",
    "Wrapper": "nnlite.layers.wrapper",
    "LeakyReLU": "nnlite.layers.leaky_relu",
    "PReLU": "nnlite.layers.prelu",
    "ReLU": "nnlite.layers.relu",
    "Reshape": "nnlite.layers.reshape",
    "Softmax": "nnlite.layers.softmax",
}
# the layer classes a saved model may name
_SERIALIZABLE = (
    "Activation", "BatchNormalization", "Dense", "Dropout", "ELU", "Flatten", "InputLayer",
    "LayerNormalization", "LeakyReLU", "PReLU", "ReLU", "Reshape", "Softmax", "Add", "Average",
    "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract", "OpLayer", "GetItem",
    "Lambda", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "MaxPooling1D",
    "MaxPooling2D", "SpatialDropout1D", "SpatialDropout2D", "Cropping1D", "Cropping2D",
    "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "GRU", "GRUCell", "LSTM",
    "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell", "StackedRNNCells", "Bidirectional",
    "TimeDistributed", "Masking", "Permute", "RepeatVector", "Embedding", "Conv1D",
    "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
    "CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "IntegerLookup",
    "Normalization", "Rescaling", "Resizing", "StringLookup", "TextVectorization",
    "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
    "RandomTranslation", "RandomZoom"
)

_getattr, __dir__ = _lazy.attach(__name__, _NAMES)


def __getattr__(name):
    if name == "ALL_OBJECTS_DICT":
        return _lazy.load_all(__name__, _SERIALIZABLE)
    return _getattr(name)


def serialize(layer):
    """Returns the layer"s configuration as a Python dict (as
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
    from nnlite.layers.layer import Layer
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
