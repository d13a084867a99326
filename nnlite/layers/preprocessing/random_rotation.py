"""RandomRotation: rotates each image by a random angle during training."""
import numpy as np

from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, affine_matrix, check_fill_and_interpolation, parse_factor)
from nnlite.ops import image as image_ops


class RandomRotation(BaseImagePreprocessingLayer):
    """Randomly rotates images during training; the identity at inference.

    Each image is turned about its centre by `angle = u * 360` degrees, `u`
    drawn uniformly on `[lower, upper)` (counter-clockwise for a positive
    angle), by `ops.image.affine_transform` with the layer's fill mode and
    interpolation.

    Args:
        factor: A float `f` (fraction of a full turn), giving `[-f, f]`, or a
            pair `(lower, upper)`. Values lie in `[-1, 1]`.
        fill_mode: `"reflect"` (`dcba|abcd|dcba`), `"wrap"` (`abcd|abcd|abcd`),
            `"constant"` (`kkkk|abcd|kkkk`, `k = fill_value`) or `"nearest"`
            (`aaaa|abcd|dddd`). Defaults to `"reflect"`.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        seed: Integer seed. Defaults to `None`.
        fill_value: The value outside the image with `fill_mode="constant"`.
            Defaults to `0.0`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: the input's.

    Example:

    >>> RandomRotation((0.25, 0.25))(square_images)     # every image turned 90 degrees
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, (-1, 1))
        check_fill_and_interpolation(fill_mode, interpolation, fill_value)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._init_seed(seed)

    def get_random_transformation(self, images):
        """`{"angle": (N,) degrees, "rotation_matrix": (N, 8)}`."""
        shape = tuple(images.shape)
        n = self._batch_size(shape)
        height, width = self._height_width(shape)
        angle = self._uniform((n,), self.factor[0] * 360.0, self.factor[1] * 360.0)
        matrix = affine_matrix(angle, np.zeros(n), np.zeros(n), np.ones(n), height, width)
        return {"angle": angle, "rotation_matrix": matrix}

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        if transformation is None:
            return images
        return image_ops.affine_transform(images, transformation["rotation_matrix"],
                                          interpolation=self.interpolation,
                                          fill_mode=self.fill_mode,
                                          fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "interpolation": self.interpolation,
                       "seed": self.seed})
        return config
