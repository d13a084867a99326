"""Resizing: resizes images to a fixed height and width."""
from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_choice, check_size)
from nnlite.ops import image as image_ops


class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to `(height, width)`, in training and at inference.

    Bilinear and nearest use half-pixel centres, as `tf.image.resize`:
    output index `o` samples the input at `(o + 0.5) * in / out - 0.5`
    (bilinear, neighbours clamped to the image) or takes
    `floor((o + 0.5) * in / out)` (nearest).

    Args:
        height: Integer, the height of the output.
        width: Integer, the width of the output.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        crop_to_aspect_ratio: First take the largest centred crop of the
            target aspect ratio, so the image is not distorted. Defaults to `False`.
        pad_to_aspect_ratio: First pad (with `fill_value`, equally on both
            sides) to the target aspect ratio. Defaults to `False`.
        fill_mode: Only `"constant"`. Defaults to `"constant"`.
        fill_value: The padding value of `pad_to_aspect_ratio`. Defaults to `0.0`.
        antialias: Widen the bilinear filter when downsampling. Defaults to `False`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: `(N, height, width, C)` or `(height, width, C)`.

    Example:

    >>> Resizing(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
    [[2.5, 4.5], [10.5, 12.5]]
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, "height")
        self.width = check_size(width, "width")
        self.interpolation = check_choice(interpolation, image_ops.RESIZE_INTERPOLATIONS,
                                          "interpolation", "Resizing")
        if fill_mode != "constant":
            raise ValueError("Resizing: only fill_mode='constant' is supported. Received: "
                             "fill_mode=%r" % (fill_mode,))
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can "
                             "be `True`.")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def _resize(self, images):
        return image_ops.resize(images, (self.height, self.width),
                                interpolation=self.interpolation, antialias=self.antialias,
                                crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                data_format=self.data_format)

    def augment(self, images):
        return self._resize(images)

    def infer(self, images):
        return self._resize(images)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check_rank(shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width,
                       "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                       "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                       "antialias": self.antialias})
        return config
