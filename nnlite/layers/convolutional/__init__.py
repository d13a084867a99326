"""Convolution layers, as `keras.layers` (Conv1D, Conv2D, DepthwiseConv2D,
SeparableConv2D, Conv1DTranspose, Conv2DTranspose)."""
from nnlite.layers.convolutional.conv1d import Conv1D
from nnlite.layers.convolutional.conv1d_transpose import Conv1DTranspose
from nnlite.layers.convolutional.conv2d import Conv2D
from nnlite.layers.convolutional.conv2d_transpose import Conv2DTranspose
from nnlite.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from nnlite.layers.convolutional.separable_conv2d import SeparableConv2D

__all__ = ["Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D",
           "SeparableConv2D"]
