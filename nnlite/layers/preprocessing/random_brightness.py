"""RandomBrightness: adds a random offset to each image during training."""
from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_value_range, parse_factor)
from nnlite.ops import numpy as nops


class RandomBrightness(BaseImagePreprocessingLayer):
    """Randomly adjusts brightness during training; the identity at inference.

    `y = clip(x + d * (high - low), low, high)` with `(low, high) =
    value_range` and one `d` per image drawn on `[lower, upper)`: `d = -1`
    makes the image black, `d = 1` white.

    Args:
        factor: A float `f` in `[-1, 1]`, giving `[-|f|, |f|]`, or a pair
            `(lower, upper)`.
        value_range: `(low, high)`, the range of the input values (sorted);
            the output is clipped to it. Defaults to `(0, 255)`.
        seed: Integer seed. Defaults to `None`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: the input's.

    Example:

    >>> RandomBrightness((0.1, 0.1))(np.zeros((1, 2, 2, 3)))     # all 25.5
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = parse_factor(factor, (-1, 1))
        self.value_range = sorted(check_value_range(value_range))
        self._init_seed(seed)

    def get_random_transformation(self, images):
        """`{"rgb_delta": (N,)}`: the offsets, already scaled to the value range."""
        n = self._batch_size(tuple(images.shape))
        delta = self._uniform((n,), self.factor[0], self.factor[1])
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        if transformation is None:
            return images
        ndim = len(images.shape)
        delta = transformation["rgb_delta"].astype(images.dtype)
        delta = delta.reshape((-1, 1, 1, 1) if ndim == 4 else (1, 1, 1))
        return nops.clip(images + delta, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config
