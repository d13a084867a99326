"""RandomContrast: scales each image's deviations from its channel means."""
from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_value_range, parse_factor)
from nnlite.ops import numpy as nops


class RandomContrast(BaseImagePreprocessingLayer):
    """Randomly adjusts contrast during training; the identity at inference.

    For each image and channel, with `mean` the channel's mean over the pixels:
    `y = clip((x - mean) * c + mean, value_range)`, one factor `c` per image
    drawn on `[1 - lower, 1 + upper)`.

    `factor` is parsed as Keras parses it, with bounds `[0, 1]`: a number `f`
    gives `(lower, upper) = (0, f)`, so `c` lies in `[1, 1 + f)` (Keras 3
    behaviour); a pair gives itself sorted (`(0.2, 0.2)` draws `c` in
    `[0.8, 1.2)`, `(-0.5, 0.5)` fixes `c = 1.5`).

    Args:
        factor: A float in `[0, 1]`, or a pair `(lower, upper)`.
        value_range: `(low, high)`, the range of the input values; the output
            is clipped to it. Defaults to `(0, 255)`.
        seed: Integer seed. Defaults to `None`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: the input's.

    Example:

    >>> RandomContrast(0.2, seed=1)(images)     # contrast raised by up to 20%
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = parse_factor(factor, (0, 1))
        self.value_range = check_value_range(value_range)
        self._init_seed(seed)

    def get_random_transformation(self, images):
        """`{"contrast_factor": (N,)}`."""
        n = self._batch_size(tuple(images.shape))
        return {"contrast_factor": self._uniform((n,), 1.0 - self.factor[0],
                                                 1.0 + self.factor[1])}

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        if transformation is None:
            return images
        ndim = len(images.shape)
        h_axis, w_axis = self._spatial_axes(ndim)
        factor = transformation["contrast_factor"].astype(images.dtype)
        factor = factor.reshape((-1, 1, 1, 1) if ndim == 4 else (1, 1, 1))
        mean = nops.mean(nops.mean(images, axis=h_axis, keepdims=True), axis=w_axis,
                         keepdims=True)
        out = (images - mean) * factor + mean
        return nops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config
