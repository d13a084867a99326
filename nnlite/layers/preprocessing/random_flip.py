"""RandomFlip: flips each image left-right and/or top-bottom during training."""
import numpy as np

from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer)
from nnlite.ops import numpy as nops

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"
MODES = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)


class RandomFlip(BaseImagePreprocessingLayer):
    """Randomly flips images during training; the identity at inference.

    Each image of the batch is flipped with probability 1/2 (a draw
    `u < 0.5` per image, as Keras's `uniform() <= 0.5`). As in Keras 3, in
    `"horizontal_and_vertical"` mode the one draw flips both axes, so an image
    is either unchanged or turned by 180 degrees.

    Args:
        mode: `"horizontal"` (left-right), `"vertical"` (top-bottom) or
            `"horizontal_and_vertical"`. Defaults to `"horizontal_and_vertical"`.
        seed: Integer seed: the same seed gives the same flips, call after
            call. Defaults to `None`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: the input's.

    Example:

    >>> layer = RandomFlip("horizontal", seed=0)
    >>> layer(images, training=True)     # some images mirrored left-right
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in MODES:
            raise ValueError("RandomFlip layer %s received an unknown mode argument %r. "
                             "Expected one of %s. Received: mode=%r"
                             % (self.name, mode, MODES, mode))
        self.mode = mode
        self._init_seed(seed)

    def get_random_transformation(self, images):
        """`{"flips": bool array (N,)}`: which images are flipped."""
        n = self._batch_size(tuple(images.shape))
        return {"flips": self._uniform((n,), 0.0, 1.0) <= 0.5}

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        if transformation is None:
            return images
        shape = tuple(images.shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        flips = np.asarray(transformation["flips"], bool).reshape(-1)
        if len(shape) == 4:
            flips = flips.reshape((-1, 1, 1, 1))
        else:
            flips = bool(flips[0])
        axes = []
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            axes.append(w_axis)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            axes.append(h_axis)
        flipped = images
        for axis in axes:
            flipped = nops.flip(flipped, axis=axis)
        if np.ndim(flips) == 0:
            return flipped if flips else images
        return nops.where(np.broadcast_to(flips, shape), flipped, images)

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode})
        return config
