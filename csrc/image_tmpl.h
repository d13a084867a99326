/* image_tmpl.h - the affine resampling loop of image.c for one floating type
 * (see instantiate.h for the macros). */

int NL(affine_transform)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t nt,
                         int interpolation, int fill_mode, double fill_value,
                         const float *transform, const T *x, T *y)
{
    int status = affine_args(n, h, w, c, nt, interpolation, fill_mode);
    if (status != NL_OK)
        return status;
    if (n == 0 || h == 0 || w == 0 || c == 0)
        return NL_OK;
    if (!transform || !x || !y)
        return NL_EINVAL;
    const T fv = (T)fill_value;
    const int add_fill = fill_value != 0.0;
    const int64_t hw = h * w;
    for (int64_t i = 0; i < n; i++) {
        const float *t = transform + (nt == 1 ? 0 : i) * 8;
        const T *img = x + i * hw * c;
        T *out = y + i * hw * c;
        for (int64_t row = 0; row < h; row++) {
            for (int64_t col = 0; col < w; col++) {
                int64_t idx[4];
                float wt[4], fill_w;
                const int ntaps = pixel_taps(t, h, w, row, col, interpolation, fill_mode,
                                             idx, wt, &fill_w);
                T *o = out + (row * w + col) * c;
                for (int64_t k = 0; k < c; k++) {
                    T acc = (T)0;
                    for (int j = 0; j < ntaps; j++)
                        acc += img[idx[j] * c + k] * (T)wt[j];
                    if (add_fill && fill_w != 0.0f)
                        acc += (T)fill_w * fv;
                    o[k] = acc;
                }
            }
        }
    }
    return NL_OK;
}
