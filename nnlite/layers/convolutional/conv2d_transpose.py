"""Conv2DTranspose: the 2-D transposed convolution ("deconvolution") layer."""
from nnlite.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution layer: the input gradient of a 2-D
    convolution applied to `inputs`, plus bias and activation. Upsamples
    by `strides` (decoders, segmentation heads, GAN generators).

    Each input position `i` adds `inputs[i, c] * kernel[w, f, c]` at output
    position `i * strides + w * dilation_rate` (a scatter-add); `"same"`
    crops the result to `size * strides`. Runs as the C core's convolution
    input-gradient kernel.

    Args:
        filters: Positive int, the number of output channels.
        kernel_size: An int, 2 ints, the window.
        strides: Defaults to `(1, 1)`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        output_padding: None, or an int, 2 ints, each smaller than the
            stride: the output's extra length at the end. Defaults to `None`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.
        dilation_rate: Defaults to `(1, 1)`.
        activation: Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: Defaults to `None`.

    Kernel shape: `(kh, kw, filters, channels)`; bias `(filters,)`.

    Input shape: `(batch, h, w, channels)` (or channels-first).
    Output shape: `(batch, new_h, new_w, filters)` (or channels-first).

    Example:

    >>> Conv2DTranspose(4, 3, strides=2)(np.ones((1, 4, 4, 2))).shape
    (1, 9, 9, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
