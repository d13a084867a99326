"""`image_dataset_from_directory`, as `keras.utils.image_dataset_from_directory`.

Returns an nnlite `Dataset` (see `nnlite/utils/dataset.py`) in place of a
`tf.data.Dataset`: it lists the files once, and decodes them with Pillow
element by element while a batch is assembled, so only one batch of images
is in memory however many files there are. Resizing is TensorFlow's
(`nnlite.ops.image.resize`: half-pixel centres, no antialiasing).
"""
import numpy as np

from nnlite.utils import dataset_utils
from nnlite.utils import image_utils

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
SUPPORTED_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                            "gaussian", "mitchellcubic")
IMPLEMENTED_INTERPOLATIONS = ("bilinear", "nearest")


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf",
                                 verbose=True):
    """A dataset of batches of images (and labels) from a folder of images.

    With `main_directory/class_a/*.jpg` and `main_directory/class_b/*.png`,
    `labels="inferred"` gives label 0 to `class_a` and 1 to `class_b` (the
    sub-folders in sorted order). Formats: .bmp .gif .jpeg .jpg .png (the
    first frame of an animated gif). Prints
    `Found N files belonging to K classes.`

    Args:
        directory: The folder. With `labels="inferred"` it holds one
            sub-folder per class; otherwise its structure is ignored.
        labels: `"inferred"`, `None` (no labels), or a list / tuple of int
            labels, one per file in the sorted order of the file paths.
            Defaults to `"inferred"`.
        label_mode: `"int"` (int32 `(batch,)`), `"categorical"` (float32
            one-hot `(batch, num_classes)`), `"binary"` (float32
            `(batch, 1)`, exactly 2 classes) or `None`. Defaults to `"int"`.
        class_names: With `labels="inferred"`, the sub-folders to use, in
            this order. Defaults to `None` (all, sorted).
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"` (1, 3 or 4 channels).
            Defaults to `"rgb"`.
        batch_size: Defaults to `32`; `None` yields single images.
        image_size: `(height, width)` the images are resized to. Defaults to
            `(256, 256)`.
        shuffle: Shuffle the files (and, at every pass, locally within
            `8 * batch_size`). `False` keeps the sorted order. Defaults to `True`.
        seed: Seed of the shuffles. Defaults to `None`.
        validation_split: Fraction of the files kept for validation (the
            last ones after the seeded shuffle). Defaults to `None`.
        subset: `"training"`, `"validation"` or `"both"` (a pair of
            datasets). Only with `validation_split`. Defaults to `None`.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        follow_links: Visit sub-folders that are symlinks. Defaults to `False`.
        crop_to_aspect_ratio: Resize the largest centred crop with the
            target aspect ratio. Defaults to `False`.
        pad_to_aspect_ratio: Resize to fit inside the target keeping the
            aspect ratio, then pad with zeros (`tf.image.resize_with_pad`).
            Defaults to `False`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format.
        format: Only `"tf"` (the nnlite `Dataset`) is available. Defaults to `"tf"`.
        verbose: Print the number of files and classes found. Defaults to `True`.

    Returns:
        A `Dataset` yielding `(images, labels)` (images alone when
        `label_mode=None`), images float32 `(batch, height, width, channels)`
        in [0, 255]; with `.class_names` and `.file_paths`. With
        `subset="both"`, a list `[train_dataset, validation_dataset]`.

    Example:

    >>> train_ds = image_dataset_from_directory("flowers", validation_split=0.2,
    ...     subset="training", seed=123, image_size=(180, 180), batch_size=32)
    Found 3670 files belonging to 5 classes.
    Using 2936 files for training.
    """
    labels, label_mode = dataset_utils.check_labels_arg(labels, label_mode, class_names)
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         "Received: color_mode=%s" % (color_mode,))
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError("Invalid `image_size` value. Expected a tuple of 2 integers. "
                         "Received: image_size=%s" % (image_size,))
    image_size = (int(image_size[0]), int(image_size[1]))
    interpolation = str(interpolation).lower()
    if interpolation not in SUPPORTED_INTERPOLATIONS:
        raise ValueError("Argument `interpolation` should be one of %s. Received: "
                         "interpolation=%s" % (SUPPORTED_INTERPOLATIONS, interpolation))
    if interpolation not in IMPLEMENTED_INTERPOLATIONS:
        raise NotImplementedError("nnlite resizes with %s only. Received: interpolation=%s"
                                  % (" or ".join(IMPLEMENTED_INTERPOLATIONS), interpolation))
    if format not in ("tf", "grain"):
        raise ValueError('`format` should be either "tf" or "grain". Received: format=%s'
                         % (format,))
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set "
                         "to `True`.")
    if batch_size is not None:
        batch_size = _check_batch_size(batch_size)
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    image_utils.require_pil("image_dataset_from_directory")
    data_format = image_utils._data_format(data_format)

    if seed is None:
        seed = np.random.randint(int(1e6))
    paths, labels, class_names = dataset_utils.index_directory(
        directory, labels, formats=ALLOWLIST_FORMATS, class_names=class_names,
        shuffle=shuffle, seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         "class_names. Received: class_names=%s" % (class_names,))
    num_classes = len(class_names) if class_names else 0

    def load(path):
        return load_image(path, image_size, channels, interpolation, data_format,
                          crop_to_aspect_ratio, pad_to_aspect_ratio)

    def make(subset_paths, subset_labels, subset_shuffle):
        ds = dataset_utils.files_dataset(subset_paths, subset_labels, label_mode, num_classes,
                                         load, batch_size, subset_shuffle, seed, class_names)
        ds.file_paths = list(subset_paths)
        return ds

    if subset == "both":
        train = dataset_utils.get_training_or_validation_split(paths, labels, validation_split,
                                                               "training")
        val = dataset_utils.get_training_or_validation_split(paths, labels, validation_split,
                                                             "validation")
        if not train[0]:
            raise ValueError("No training images found in directory %s. Allowed formats: %s"
                             % (directory, ALLOWLIST_FORMATS))
        if not val[0]:
            raise ValueError("No validation images found in directory %s. Allowed formats: %s"
                             % (directory, ALLOWLIST_FORMATS))
        return [make(train[0], train[1], shuffle), make(val[0], val[1], False)]
    paths, labels = dataset_utils.get_training_or_validation_split(paths, labels,
                                                                   validation_split, subset)
    if not paths:
        raise ValueError("No images found in directory %s. Allowed formats: %s"
                         % (directory, ALLOWLIST_FORMATS))
    return make(paths, labels, shuffle)


def _check_batch_size(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError("`batch_size` must be a positive integer or None. Received: "
                         "batch_size=%r" % (batch_size,))
    return int(batch_size)


def decode_image(path, num_channels):
    """The image file at `path` as a float32 `(h, w, num_channels)` array
    (Pillow decodes; the first frame of an animation)."""
    Image = image_utils.require_pil("image_dataset_from_directory")
    mode = {1: "grayscale", 3: "rgb", 4: "rgba"}[num_channels]
    with Image.open(path) as img:
        x = np.asarray(image_utils.convert_mode(img, mode), dtype=np.float32)
    return x[..., None] if x.ndim == 2 else x


def _resize_with_pad(x, height, width, interpolation):
    """`tf.image.resize_with_pad`: resize to fit inside (height, width) with
    the aspect ratio kept (sizes floored), then zero bands (the extra row or
    column at the bottom / right)."""
    from nnlite.ops.image import resize
    from nnlite.backend.tensor import unwrap
    in_h, in_w = np.float32(x.shape[0]), np.float32(x.shape[1])
    ratio = max(in_w / np.float32(width), in_h / np.float32(height))
    new_h, new_w = in_h / ratio, in_w / ratio
    rh, rw = int(np.floor(new_h)), int(np.floor(new_w))
    top = max(0, int(np.floor((np.float32(height) - new_h) / 2)))
    left = max(0, int(np.floor((np.float32(width) - new_w) / 2)))
    small = np.asarray(unwrap(resize(x, (rh, rw), interpolation=interpolation)))
    out = np.zeros((height, width, x.shape[2]), dtype=np.float32)
    out[top:top + rh, left:left + rw] = small
    return out


def load_image(path, image_size, num_channels, interpolation, data_format="channels_last",
               crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """One file decoded and resized to `image_size`: float32 in [0, 255]."""
    from nnlite.backend.tape import stop_recording
    from nnlite.backend.tensor import unwrap
    from nnlite.ops.image import resize
    x = decode_image(path, num_channels)
    height, width = image_size
    with stop_recording():
        if pad_to_aspect_ratio:
            x = _resize_with_pad(x, height, width, interpolation)
        elif x.shape[0] != height or x.shape[1] != width or crop_to_aspect_ratio:
            x = np.asarray(unwrap(resize(x, (height, width), interpolation=interpolation,
                                         crop_to_aspect_ratio=crop_to_aspect_ratio)),
                           dtype=np.float32)
    if data_format == "channels_first":
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(x, dtype=np.float32)
