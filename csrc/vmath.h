/* vmath.h - exp, tanh and sigmoid for float32 written so that GCC vectorizes
 * the loops that call them (no libm calls, no branches: selects only).
 *
 * libm's expf/tanhf are scalar calls (~15 ns an element here); these are
 * inlined polynomials, within 2 ulp of the float64 result over the whole float
 * range (tests/test_core_vmath.py measures it), NaN in -> NaN out, overflow to
 * inf and underflow through the subnormals as libm does. The double versions
 * stay libm's: float64 is the precision path, not the fast one.
 *
 * exp:  x = k ln2 + r, |r| <= ln2/2 (Cody-Waite, ln2 in two parts, rounding by
 *       the 1.5 * 2^23 trick), exp(r) by its Taylor series to r^7 (error
 *       < 6e-9 relative), then times 2^k as two powers of two so that k down
 *       to -150 (subnormal results) never forms an invalid exponent.
 * tanh: |x| < 0.625: x * P(x^2), a least-squares fit of tanh(x)/x (degree 6
 *       in x^2); else 1 - 2 / (exp(2|x|) + 1), with the sign of x.
 * sigmoid: 1 / (1 + exp(-|x|)), mirrored for x < 0 as e / (1 + e). */
#ifndef NNLITE_VMATH_H
#define NNLITE_VMATH_H

#include <stdint.h>
#include <string.h>

static inline float nl_pow2if(int32_t e)     /* 2^e for -126 <= e <= 127 */
{
    int32_t bits = (e + 127) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline float nl_vexpf(float x)
{
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    const float round = 12582912.0f;          /* 1.5 * 2^23 */
    float xc = x > 89.0f ? 89.0f : x;         /* NaN fails both tests and stays */
    xc = xc < -104.0f ? -104.0f : xc;
    float kf = (xc * log2e + round) - round;  /* nearest integer to x / ln2 */
    float r = (xc - kf * ln2_hi) - kf * ln2_lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    /* -150 ... 129; NaN (whose result is x, below) converts as 0, so the
     * conversion stays defined; the select sits here, not on r, or GCC
     * evaluates the polynomial for both of its sides */
    int32_t k = (int32_t)(kf == kf ? kf : 0.0f);
    int32_t k1 = k >> 1, k2 = k - k1;          /* each within -75 ... 65 */
    float y = (p * nl_pow2if(k1)) * nl_pow2if(k2);
    return x == x ? y : x;
}

static inline float nl_vtanhf(float x)
{
    float a = x < 0 ? -x : x;
    float z = a * a;
    float p = 0.00215359078720212f;
    p = p * z - 0.008189946413040161f;
    p = p * z + 0.021706251427531242f;
    p = p * z - 0.05394788831472397f;
    p = p * z + 0.13333216309547424f;
    p = p * z - 0.3333333134651184f;
    p = p * z + 1.0f;
    float small = a * p;
    float e = nl_vexpf(2.0f * a);
    float large = 1.0f - 2.0f / (e + 1.0f);
    float t = a < 0.625f ? small : large;
    t = x < 0 ? -t : t;
    return x == x ? t : x;
}

static inline float nl_vsigmoidf(float x)
{
    float a = x < 0 ? -x : x;
    float e = nl_vexpf(-a);
    float s = 1.0f / (1.0f + e);
    float y = x < 0 ? e * s : s;
    return x == x ? y : x;
}

static inline double nl_vexp(double x) { return exp(x); }
static inline double nl_vtanh(double x) { return tanh(x); }

#endif
