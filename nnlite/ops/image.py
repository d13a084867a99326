"""Image ops, as `keras.ops.image`: resizing and affine (projective) transforms.

Both are gathers with interpolation weights computed from the output grid
(never a loop over pixels in Python). `resize` forms its output with the
differentiable ops of `nnlite.ops.numpy` (`take`, products and sums), so its
gradient comes from those ops' backwards. `affine_transform` runs its
forward in the C core (`nl_*affine_transform`, float32 and float64; NumPy
taps for other float types) and its backward scatters the same taps,
computed in NumPy.

Semantics are TensorFlow's, which Keras 3 calls on its TensorFlow backend:

* `resize` is `tf.image.resize` without antialiasing: half-pixel centres.
  Bilinear samples the input at `(o + 0.5) * in / out - 0.5` with the
  neighbours clamped to the image; nearest takes `floor((o + 0.5) * in / out)`.
  With `antialias=True` the triangle filter is widened by `in / out` when
  downsampling (TensorFlow's `scale_and_translate`).
* `affine_transform` is `ImageProjectiveTransformV3`: the output pixel
  `(x, y)` (integer column and row) reads the input at
  `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`,
  computed in float32; the fill mode first maps an outside coordinate back
  (reflect `dcba|abcd|dcba`, wrap `abcd|abcd|abcd`, nearest `aaaa|abcd|dddd`,
  each clamped to `[0, size - 1]`; constant leaves it), then every
  interpolation tap outside the image reads `fill_value`.
"""
import numpy as np

from nnlite import _core, config
from nnlite.backend.tensor import apply, is_tensor, unwrap
from nnlite.ops import numpy as nops
from nnlite.ops.core import cast, convert_to_tensor

__all__ = ["affine_transform", "resize"]

RESIZE_INTERPOLATIONS = ("bilinear", "nearest")
AFFINE_TRANSFORM_INTERPOLATIONS = ("nearest", "bilinear")
AFFINE_TRANSFORM_FILL_MODES = ("constant", "nearest", "wrap", "reflect")


# ---------------------------------------------------------------------------
# argument checks

def standardize_data_format(data_format):
    """`"channels_last"` or `"channels_first"`; None gives the configured image
    data format (`"channels_last"` unless set)."""
    if data_format is None:
        getter = getattr(config, "image_data_format", None)
        return getter() if callable(getter) else "channels_last"
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError('The `data_format` argument must be one of {"channels_first", '
                         '"channels_last"}. Received: data_format=%s' % (data_format,))
    return value


def _images(images):
    """`images` as a float Tensor of rank 3 or 4 (integers become floatx)."""
    x = images if is_tensor(images) else convert_to_tensor(np.asarray(unwrap(images)))
    if len(x.shape) not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 "
                         "(batch of images). Received input with shape: images.shape=%s"
                         % (tuple(x.shape),))
    if not np.issubdtype(x.dtype, np.floating):
        x = cast(x, config.floatx())
    return x


def _to_nhwc(x, data_format):
    """(the images as an NHWC Tensor, a function that gives back the caller's layout)."""
    single = len(x.shape) == 3
    if single:
        x = nops.expand_dims(x, 0)
    if data_format == "channels_first":
        x = nops.transpose(x, (0, 2, 3, 1))

    def back(y):
        if data_format == "channels_first":
            y = nops.transpose(y, (0, 3, 1, 2))
        return nops.squeeze(y, 0) if single else y
    return x, back


# ---------------------------------------------------------------------------
# resize

def _bilinear_taps(in_size, out_size):
    """TensorFlow's half-pixel bilinear taps along one axis: (lower, upper, lerp)."""
    scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    floor = np.floor(pos)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    return lower, upper, pos - floor


def _nearest_taps(in_size, out_size):
    """TensorFlow's half-pixel nearest source index along one axis."""
    scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale
    return np.clip(np.floor(pos).astype(np.int64), 0, in_size - 1)


def _triangle_weights(in_size, out_size):
    """(in_size, out_size) weights of the antialiased triangle filter
    (`scale_and_translate` with no translation), columns normalized."""
    scale = out_size / in_size
    inv_scale = 1.0 / scale
    kernel_scale = max(inv_scale, 1.0)
    sample = (np.arange(out_size) + 0.5) * inv_scale - 0.5
    dist = np.abs(sample[None, :] - np.arange(in_size)[:, None]) / kernel_scale
    w = np.maximum(0.0, 1.0 - dist)
    total = w.sum(axis=0, keepdims=True)
    w = np.where(np.abs(total) > 1000.0 * np.finfo(np.float32).eps,
                 w / np.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], w, 0.0)


def _resize_nhwc(x, height, width, interpolation, antialias):
    in_h, in_w = int(x.shape[1]), int(x.shape[2])
    if antialias and interpolation == "bilinear":
        dt = x.dtype
        wh = _triangle_weights(in_h, height).astype(dt)       # (in_h, height)
        ww = _triangle_weights(in_w, width).astype(dt)        # (in_w, width)
        y = nops.einsum("nhwc,ho->nowc", x, wh)
        return nops.einsum("nowc,wp->nopc", y, ww)
    if interpolation == "nearest":
        rows = nops.take(x, _nearest_taps(in_h, height), axis=1)
        return nops.take(rows, _nearest_taps(in_w, width), axis=2)
    y0, y1, ly = _bilinear_taps(in_h, height)
    x0, x1, lx = _bilinear_taps(in_w, width)
    dt = x.dtype
    ly = ly.astype(dt).reshape(1, height, 1, 1)
    lx = lx.astype(dt).reshape(1, 1, width, 1)
    top_rows, bottom_rows = nops.take(x, y0, axis=1), nops.take(x, y1, axis=1)
    # TensorFlow's order: lerp along x in the two rows, then along y
    top_left, top_right = nops.take(top_rows, x0, axis=2), nops.take(top_rows, x1, axis=2)
    bot_left, bot_right = nops.take(bottom_rows, x0, axis=2), nops.take(bottom_rows, x1, axis=2)
    top = top_left + (top_right - top_left) * lx
    bottom = bot_left + (bot_right - bot_left) * lx
    return top + (bottom - top) * ly


def _crop_or_pad_to_aspect(x, height, width, crop, fill_value):
    """Keras's crop_to_aspect_ratio (the largest centred window of the target
    aspect ratio) and pad_to_aspect_ratio (`fill_value` bands of equal size on
    both sides), on NHWC images."""
    in_h, in_w = int(x.shape[1]), int(x.shape[2])
    if crop:
        crop_h = max(min(in_h, int(np.float32(in_w * height) / np.float32(width))), 1)
        crop_w = max(min(in_w, int(np.float32(in_h * width) / np.float32(height))), 1)
        h0 = int(np.float32(in_h - crop_h) / 2)
        w0 = int(np.float32(in_w - crop_w) / 2)
        return x[:, h0:h0 + crop_h, w0:w0 + crop_w, :]
    pad_h = max(in_h, int(np.float32(in_w * height) / np.float32(width)))
    pad_w = max(in_w, int(np.float32(in_h * width) / np.float32(height)))
    h0 = int(np.float32(pad_h - in_h) / 2)
    w0 = int(np.float32(pad_w - in_w) / 2)
    if h0 == 0 and w0 == 0:
        return x
    return nops.pad(x, ((0, 0), (h0, h0), (w0, w0), (0, 0)), constant_values=fill_value)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resizes images to `size = (height, width)`, as `keras.ops.image.resize`.

    Half-pixel centres (TensorFlow's `tf.image.resize`): bilinear reads the
    input at `(o + 0.5) * in / out - 0.5` along each axis with the
    neighbours clamped to the image; nearest takes `floor((o + 0.5) * in / out)`.

    Args:
        images: A batch `(N, H, W, C)` or one image `(H, W, C)` (channels
            first with `data_format="channels_first"`).
        size: `(height, width)` of the output.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        antialias: Widen the bilinear filter when downsampling. Defaults to `False`.
        crop_to_aspect_ratio: First crop the largest centred window of the
            target aspect ratio. Defaults to `False`.
        pad_to_aspect_ratio: First pad with `fill_value` to the target aspect
            ratio. Defaults to `False`.
        fill_mode: Only `"constant"`. Defaults to `"constant"`.
        fill_value: The padding value. Defaults to `0.0`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format.

    Returns:
        A float Tensor with the new height and width (differentiable with
        respect to `images`).

    Example:

    >>> resize(np.arange(16.0).reshape(4, 4, 1), (2, 2))[..., 0]
    [[2.5, 4.5], [10.5, 12.5]]
    """
    data_format = standardize_data_format(data_format)
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one %s. "
                         "Received: interpolation=%s" % (RESIZE_INTERPOLATIONS, interpolation))
    if fill_mode != "constant":
        raise ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is "
                         "supported. Received: fill_mode=%s" % (fill_mode,))
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be "
                         "`True`.")
    try:
        size = tuple(size)
    except TypeError:
        size = ()
    if len(size) != 2 or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                                 and s > 0 for s in size):
        raise ValueError("Argument `size` must be a tuple of two positive integers "
                         "(height, width). Received: size=%r" % (size,))
    height, width = int(size[0]), int(size[1])
    x, back = _to_nhwc(_images(images), data_format)
    if int(x.shape[1]) == 0 or int(x.shape[2]) == 0:
        raise ValueError("Cannot resize images with an empty height or width. Received: "
                         "images.shape=%s" % (tuple(images.shape),))
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        x = _crop_or_pad_to_aspect(x, height, width, crop_to_aspect_ratio, fill_value)
    return back(_resize_nhwc(x, height, width, interpolation, bool(antialias)))


# ---------------------------------------------------------------------------
# affine transform

def _map_coordinates(c, size, fill_mode):
    """TensorFlow's MapCoordinate: an outside float32 coordinate mapped into
    `[0, size - 1]` for the fill mode (constant leaves it unchanged)."""
    if fill_mode == "constant":
        return c
    last = np.float32(size - 1)
    if fill_mode == "nearest" or size <= 1:
        return np.clip(c, np.float32(0), last) if size > 1 else np.zeros_like(c)
    c = c.copy()
    if fill_mode == "reflect":
        sz2 = np.float32(2 * size)
        low, high = c < 0, c > last       # one branch each, as TensorFlow's if / else
        v = c[low]
        v = sz2 * np.trunc(-v / sz2) + v
        c[low] = np.where(v < -size, v + sz2, -v - np.float32(1))
        v = c[high]
        v = v - sz2 * np.trunc(v / sz2)
        c[high] = np.where(v >= size, sz2 - v - np.float32(1), v)
    else:   # wrap, as TensorFlow computes it (periods of `size`, counted in `size - 1`)
        sz = np.float32(size - 1)
        low, high = c < 0, c > last
        c[low] = c[low] + np.float32(size) * (np.trunc(-c[low] / sz) + np.float32(1))
        c[high] = c[high] - np.float32(size) * np.trunc(c[high] / sz)
    return np.clip(c, np.float32(0), last)


def _round_half_away(c):
    """`std::round`: halves away from zero (NumPy rounds them to even)."""
    c = c.astype(np.float64)
    return np.where(c >= 0, np.floor(c + 0.5), -np.floor(-c + 0.5)).astype(np.int64)


def _projective_taps(transform, height, width, interpolation, fill_mode):
    """The interpolation taps of every output pixel, for `T` transforms: a list
    of `(flat source index, weight)` pairs, each `(T, H*W)` (the weight is 0
    where the tap falls outside the image), and the fill weights `(T, H*W)`
    (the part of each pixel that reads `fill_value`). Weights are float32, as
    TensorFlow computes them."""
    f32 = np.float32
    t = transform.astype(f32)
    ys, xs = np.meshgrid(np.arange(height, dtype=f32), np.arange(width, dtype=f32),
                         indexing="ij")
    xs, ys = xs.reshape(1, -1), ys.reshape(1, -1)
    col = [t[:, i:i + 1] for i in range(8)]
    proj = col[6] * xs + col[7] * ys + f32(1)
    degenerate = proj == 0
    safe = np.where(degenerate, f32(1), proj)
    x = _map_coordinates((col[0] * xs + col[1] * ys + col[2]) / safe, width, fill_mode)
    y = _map_coordinates((col[3] * xs + col[4] * ys + col[5]) / safe, height, fill_mode)
    if interpolation == "nearest":
        rows, cols = [_round_half_away(y)], [_round_half_away(x)]
        points = [(0, 0, np.ones(x.shape, f32))]
    else:
        y0, x0 = np.floor(y), np.floor(x)
        wy1, wx1 = y - y0, x - x0
        wy0, wx0 = f32(1) - wy1, f32(1) - wx1
        y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
        rows, cols = [y0, y0 + 1], [x0, x0 + 1]
        points = [(0, 0, wy0 * wx0), (0, 1, wy0 * wx1), (1, 0, wy1 * wx0), (1, 1, wy1 * wx1)]
    # each row and column index once: inside the image, and clamped to it
    row_in = [(r >= 0) & (r < height) for r in rows]
    col_in = [(c >= 0) & (c < width) for c in cols]
    row_at = [np.minimum(np.maximum(r, 0), height - 1) * width for r in rows]
    col_at = [np.minimum(np.maximum(c, 0), width - 1) for c in cols]
    taps = []
    fill_w = np.zeros(x.shape, f32)
    for ri, ci, w in points:
        w = np.where(degenerate, f32(0), w)
        inside = row_in[ri] & col_in[ci]
        fill_w += np.where(inside, f32(0), w)
        taps.append((row_at[ri] + col_at[ci], np.where(inside, w, f32(0))))
    fill_w = np.where(degenerate, f32(1), fill_w)
    return taps, fill_w


def _scatter_taps(dy, taps, n, hw, c, dtype):
    """The backward of a resampling: each tap's `w * dy` added to the pixel it read."""
    g = dy.reshape(n * hw, c)
    dx = np.zeros((n * hw, c), np.float64)
    offsets = (np.arange(n, dtype=np.int64) * hw)[:, None]
    for index, weight in taps:
        rows = np.broadcast_to(index, (n, hw)) + offsets
        np.add.at(dx, rows.reshape(-1), g * np.broadcast_to(weight, (n, hw)).reshape(-1, 1))
    return dx.astype(dtype)


def _gather_taps(a, taps, fill_w, fill_value):
    """The resampling forward in NumPy (dtypes the C core lacks, e.g. float16):
    `sum_k w_k * x[i_k] + fill_w * fill_value` per output pixel."""
    n, h, w, c = a.shape
    hw = h * w
    flat = a.reshape(n * hw, c)
    offsets = (np.arange(n, dtype=np.int64) * hw)[:, None]
    dt = a.dtype.type
    out = np.zeros((n * hw, c), a.dtype)
    for index, weight in taps:
        rows = (np.broadcast_to(index, (n, hw)) + offsets).reshape(-1)
        out += flat[rows] * np.broadcast_to(weight, (n, hw)).reshape(-1, 1).astype(dt)
    if fill_value != 0 and np.any(fill_w):
        out += (np.broadcast_to(fill_w, (n, hw)).reshape(-1, 1) * dt(fill_value)).astype(dt)
    return out.reshape(a.shape)


def _resample(x, transform, interpolation, fill_mode, fill_value):
    """The differentiable resampling op on NHWC `x`: the forward is the C
    kernel (`nl_*affine_transform`) for float32 and float64, the backward
    scatters the NumPy taps (computed only when a gradient is asked for)."""
    n, h, w, c = (int(d) for d in x.shape)

    def fn(a):
        if a.dtype in (np.float32, np.float64):
            out = _core.affine_transform(a, transform, interpolation, fill_mode, fill_value)
            taps = None
        else:
            taps, fill_w = _projective_taps(transform, h, w, interpolation, fill_mode)
            out = _gather_taps(a, taps, fill_w, fill_value)

        def backward(dy):
            used = taps if taps is not None else \
                _projective_taps(transform, h, w, interpolation, fill_mode)[0]
            return (_scatter_taps(dy, used, n, h * w, c, a.dtype).reshape(a.shape),)
        return out, backward
    return apply("affine_transform", fn, (x,))


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Applies projective transforms to images, as `keras.ops.image.affine_transform`.

    The output pixel at column `x`, row `y` reads the input at
    `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)` with
    `k = c0 x + c1 y + 1`, where `transform = [a0, a1, a2, b0, b1, b2, c0, c1]`
    maps output to input (TensorFlow's `ImageProjectiveTransformV3`).

    Args:
        images: A batch `(N, H, W, C)` or one image `(H, W, C)` (channels
            first with `data_format="channels_first"`).
        transform: 8 numbers, or `(N, 8)` (one transform per image).
        interpolation: `"nearest"` or `"bilinear"`. Defaults to `"bilinear"`.
        fill_mode: How points outside the input are filled: `"constant"`
            (`fill_value`), `"nearest"` (`aaaa|abcd|dddd`), `"wrap"`
            (`abcd|abcd|abcd`) or `"reflect"` (`dcba|abcd|dcba`). Defaults to
            `"constant"`.
        fill_value: The value outside the input for `"constant"`. Defaults to `0`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format.

    Returns:
        A float Tensor of the shape of `images` (differentiable with respect to
        `images`).

    Example:

    >>> flip = [-1, 0, 2, 0, 1, 0, 0, 0]       # x -> 2 - x on a width of 3
    >>> affine_transform(np.arange(3.0).reshape(1, 3, 1), flip)[..., 0]
    [[2., 1., 0.]]
    """
    data_format = standardize_data_format(data_format)
    if interpolation not in AFFINE_TRANSFORM_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one %s. "
                         "Received: interpolation=%s"
                         % (AFFINE_TRANSFORM_INTERPOLATIONS, interpolation))
    if fill_mode not in AFFINE_TRANSFORM_FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one %s. "
                         "Received: fill_mode=%s" % (AFFINE_TRANSFORM_FILL_MODES, fill_mode))
    t = np.asarray(unwrap(transform), dtype=np.float64)
    if t.ndim not in (1, 2):
        raise ValueError("Invalid transform rank: expected rank 1 (single transform) or rank "
                         "2 (batch of transforms). Received input with shape: "
                         "transform.shape=%s" % (t.shape,))
    t = t.reshape(1, -1) if t.ndim == 1 else t
    if t.shape[1] != 8:
        raise ValueError("A transform must have 8 entries [a0, a1, a2, b0, b1, b2, c0, c1]. "
                         "Received: transform.shape=%s" % (t.shape,))
    x, back = _to_nhwc(_images(images), data_format)
    n, h, w, c = (int(d) for d in x.shape)
    if t.shape[0] not in (1, n):
        raise ValueError("There must be one transform, or one per image (%d). Received: "
                         "transform.shape=%s" % (n, t.shape))
    return back(_resample(x, t, interpolation, fill_mode, fill_value))
