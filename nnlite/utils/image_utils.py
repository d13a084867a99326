"""Image files and arrays, as `keras.utils.load_img` / `img_to_array` /
`array_to_img` / `save_img` (also `keras.preprocessing.image`).

Decoding and encoding use Pillow, an optional dependency: the functions
that need it raise an ImportError naming `pip install pillow` when it is
missing. Arrays are `(height, width, channels)` (channels first with
`data_format="channels_first"`).
"""
import io
import pathlib
import warnings

import numpy as np

from nnlite import config

PIL_INSTALL_HINT = "Install it with `pip install pillow`."


def require_pil(what):
    """The `PIL.Image` module, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Could not import PIL.Image. The use of `%s` requires PIL. %s"
                          % (what, PIL_INSTALL_HINT)) from None
    return Image


def _resampling(Image):
    r = getattr(Image, "Resampling", Image)
    return {"nearest": r.NEAREST, "bilinear": r.BILINEAR, "bicubic": r.BICUBIC,
            "hamming": r.HAMMING, "box": r.BOX, "lanczos": r.LANCZOS}


def _data_format(data_format):
    from nnlite.ops.image import standardize_data_format
    return standardize_data_format(data_format)


def convert_mode(img, color_mode):
    """`img` in the mode `color_mode` asks for, as Keras: grayscale keeps
    8-, 16- and 32-bit grayscale images and converts others to "L"."""
    if color_mode == "grayscale":
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    if color_mode == "rgba":
        return img if img.mode == "RGBA" else img.convert("RGBA")
    if color_mode == "rgb":
        return img if img.mode == "RGB" else img.convert("RGB")
    raise ValueError('color_mode must be "grayscale", "rgb", or "rgba". Received: '
                     'color_mode=%r' % (color_mode,))


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file into a PIL Image.

    Args:
        path: Path to the image file (str, bytes or `pathlib.Path`) or an
            `io.BytesIO`.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`. Defaults to `"rgb"`.
        target_size: `None` (the file's size) or `(height, width)`.
            Defaults to `None`.
        interpolation: Resampling when resizing: `"nearest"`, `"bilinear"`,
            `"bicubic"`, `"hamming"`, `"box"` or `"lanczos"`. Defaults to
            `"nearest"`.
        keep_aspect_ratio: Resize the largest centred crop with the target's
            aspect ratio instead of distorting the image. Defaults to `False`.

    Returns:
        A PIL Image instance.

    Example:

    >>> img = load_img("cat.png", target_size=(64, 64))
    >>> img_to_array(img).shape
    (64, 64, 3)
    """
    Image = require_pil("load_img")
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError("path should be path-like or io.BytesIO, not %s" % (type(path),))
    img = convert_mode(img, color_mode)
    if target_size is None:
        return img
    size = (int(target_size[1]), int(target_size[0]))      # PIL wants (width, height)
    if img.size == size:
        return img
    methods = _resampling(Image)
    if interpolation not in methods:
        raise ValueError("Invalid interpolation method %s specified. Supported methods are %s"
                         % (interpolation, ", ".join(methods)))
    if not keep_aspect_ratio:
        return img.resize(size, methods[interpolation])
    width, height = img.size
    crop_h = min(height, (width * size[1]) // size[0])
    crop_w = min(width, (height * size[0]) // size[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img.resize(size, methods[interpolation], box=(left, top, left + crop_w, top + crop_h))


def img_to_array(img, data_format=None, dtype=None):
    """A PIL Image as a 3-D NumPy array `(height, width, channels)`.

    Args:
        img: A PIL Image (or anything `np.asarray` reads as an image).
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format.
        dtype: Defaults to `floatx()` (`"float32"`).

    Returns:
        The array; grayscale images get a channel axis of 1.
    """
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[..., None]
    elif x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError("Unsupported image shape: %s" % (x.shape,))
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array as a PIL Image.

    Args:
        x: Array `(height, width, channels)` with 1, 3 or 4 channels.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format.
        scale: Rescale the values so that the minimum becomes 0 and the
            maximum 255. Defaults to `True`.
        dtype: The working dtype. Defaults to `floatx()`.

    Returns:
        A PIL Image: "L" (or "I" for values above 255), "RGB" or "RGBA".
    """
    data_format = _data_format(data_format)
    Image = require_pil("array_to_img")
    x = np.array(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). Got array with "
                         "shape: %s" % (x.shape,))
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError("Unsupported channel number: %s" % (channels,))


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an array as an image file.

    Args:
        path: Path or file object.
        x: Array `(height, width, channels)`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format.
        file_format: Format override (needed for a file object); otherwise
            taken from the extension. `"jpg"` means `"jpeg"`.
        scale: Rescale the values to `[0, 255]`. Defaults to `True`.
        **kwargs: Passed to `PIL.Image.Image.save`.
    """
    if file_format is not None and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format in ("jpeg", "jpg"):
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Resizes images to `size` without distortion: the largest centred crop
    with the target aspect ratio, then a resize (as
    `keras.preprocessing.image.smart_resize`).

    Args:
        x: Image `(h, w, c)` or batch `(n, h, w, c)`.
        size: `(height, width)`.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        data_format: Defaults to `"channels_last"`.

    Returns:
        A NumPy array of the new size.
    """
    from nnlite.backend.tape import stop_recording
    from nnlite.backend.tensor import unwrap
    from nnlite.ops.image import resize
    if len(size) != 2:
        raise ValueError("Expected `size` to be a tuple of 2 integers, but got: %s." % (size,))
    x = np.asarray(x)
    if x.ndim not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or "
                         "`(batch_size, height, width, channels)`, but got input with incorrect "
                         "rank, of shape %s." % (x.shape,))
    with stop_recording():
        return np.asarray(unwrap(resize(x, tuple(size), interpolation=interpolation,
                                        crop_to_aspect_ratio=True, data_format=data_format)))
