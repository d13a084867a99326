/* image.c - affine (projective) resampling of images, TensorFlow's
 * ImageProjectiveTransformV3 as Keras 3 calls it (RandomRotation, RandomZoom,
 * RandomTranslation). The sampling point, the fill-mode mapping and the
 * interpolation weights are computed in float32 with TensorFlow's operation
 * order, so float32 results equal NumPy's reference in nnlite/ops/image.py
 * bit for bit; the pixels are then accumulated in the image type
 * (image_tmpl.h, instantiated for float and double). The backward (a scatter
 * of the same taps) stays in NumPy: augmentation layers sit at the model's
 * input, where no gradient is asked for. */
#include <math.h>
#include <stdint.h>
#include "nnlite.h"

/* An outside coordinate mapped into [0, size - 1] for the fill mode
 * (TensorFlow's MapCoordinate); constant leaves it as it is. */
static float map_coordinate(float c, int64_t size, int fill_mode)
{
    if (fill_mode == NL_FILL_CONSTANT)
        return c;
    const float last = (float)(size - 1);
    if (fill_mode == NL_FILL_NEAREST || size <= 1)
        return size > 1 ? (c < 0.0f ? 0.0f : (c > last ? last : c)) : 0.0f;
    if (fill_mode == NL_FILL_REFLECT) {
        const float sz2 = (float)(2 * size);
        if (c < 0.0f) {
            float v = sz2 * truncf(-c / sz2) + c;
            c = v < (float)(-size) ? v + sz2 : -v - 1.0f;
        } else if (c > last) {
            float v = c - sz2 * truncf(c / sz2);
            c = v >= (float)size ? sz2 - v - 1.0f : v;
        }
    } else {   /* wrap: periods of size, counted in size - 1, as TensorFlow does */
        const float sz = (float)(size - 1);
        if (c < 0.0f)
            c = c + (float)size * (truncf(-c / sz) + 1.0f);
        else if (c > last)
            c = c - (float)size * truncf(c / sz);
    }
    return c < 0.0f ? 0.0f : (c > last ? last : c);
}

/* A tap's integer position, or -2 (outside any image) when the float is NaN
 * or too large to convert. */
static int64_t tap_index(double v)
{
    return (v > -4.0e18 && v < 4.0e18) ? (int64_t)v : -2;
}

/* The taps of one output pixel: flat source indices (clamped into the image),
 * weights (0 for taps outside it) and the weight that reads fill_value.
 * Returns the number of taps (1 or 4). */
static int pixel_taps(const float *t, int64_t h, int64_t w, int64_t row, int64_t col,
                      int interpolation, int fill_mode, int64_t *idx, float *wt,
                      float *fill_w)
{
    const float fx = (float)col, fy = (float)row;
    const float proj = t[6] * fx + t[7] * fy + 1.0f;
    const int degenerate = proj == 0.0f;
    const float safe = degenerate ? 1.0f : proj;
    const float px = map_coordinate((t[0] * fx + t[1] * fy + t[2]) / safe, w, fill_mode);
    const float py = map_coordinate((t[3] * fx + t[4] * fy + t[5]) / safe, h, fill_mode);
    int64_t rows[4], cols[4];
    float ws[4];
    int ntaps;
    if (interpolation == NL_INTERP_NEAREST) {
        const double dy = py, dx = px;   /* std::round: halves away from zero */
        rows[0] = tap_index(dy >= 0 ? floor(dy + 0.5) : -floor(-dy + 0.5));
        cols[0] = tap_index(dx >= 0 ? floor(dx + 0.5) : -floor(-dx + 0.5));
        ws[0] = 1.0f;
        ntaps = 1;
    } else {
        const float y0 = floorf(py), x0 = floorf(px);
        const float wy1 = py - y0, wx1 = px - x0;
        const float wy0 = 1.0f - wy1, wx0 = 1.0f - wx1;
        const int64_t r0 = tap_index(y0), c0 = tap_index(x0);
        rows[0] = r0; cols[0] = c0; ws[0] = wy0 * wx0;
        rows[1] = r0; cols[1] = c0 + 1; ws[1] = wy0 * wx1;
        rows[2] = r0 + 1; cols[2] = c0; ws[2] = wy1 * wx0;
        rows[3] = r0 + 1; cols[3] = c0 + 1; ws[3] = wy1 * wx1;
        if (r0 == -2) rows[2] = rows[3] = -2;
        if (c0 == -2) cols[1] = cols[3] = -2;
        ntaps = 4;
    }
    float fw = 0.0f;
    for (int k = 0; k < ntaps; k++) {
        const float wk = degenerate ? 0.0f : ws[k];
        const int inside = rows[k] >= 0 && rows[k] < h && cols[k] >= 0 && cols[k] < w;
        fw += inside ? 0.0f : wk;
        const int64_t r = rows[k] < 0 ? 0 : (rows[k] >= h ? h - 1 : rows[k]);
        const int64_t q = cols[k] < 0 ? 0 : (cols[k] >= w ? w - 1 : cols[k]);
        idx[k] = r * w + q;
        wt[k] = inside ? wk : 0.0f;
    }
    *fill_w = degenerate ? 1.0f : fw;
    return ntaps;
}

static int affine_args(int64_t n, int64_t h, int64_t w, int64_t c, int64_t nt,
                       int interpolation, int fill_mode)
{
    if (n < 0 || h < 0 || w < 0 || c < 0 || !(nt == 1 || nt == n))
        return NL_EINVAL;
    if (interpolation != NL_INTERP_NEAREST && interpolation != NL_INTERP_BILINEAR)
        return NL_EINVAL;
    if (fill_mode < NL_FILL_CONSTANT || fill_mode > NL_FILL_REFLECT)
        return NL_EINVAL;
    return NL_OK;
}

#define NL_TEMPLATE "image_tmpl.h"
#include "instantiate.h"
