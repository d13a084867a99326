/* conv_ukr.h - the AVX-512 float32 micro-kernels of the convolutions
 * (conv_avx512.c), used by conv_tmpl.h when the chosen ISA is AVX-512. Not
 * part of the public API (nnlite.h).
 *
 * Indirect GEMM (forward, input gradient): the rows of A are never packed.
 * Row i of tap t starts at a[t*MR + i] (a pointer into the input, or into a
 * zero row for a tap in the padding) and runs over kt contiguous values; B is
 * packed once per call into NR-wide slivers (row p of the sliver at
 * b + p*NR, 64-byte aligned):
 *   c[i*ldc + j] = sum over t < ntap, q < kt of a[t*MR + i][q] * b[(t*kt + q)*NR + j]
 * for i < MR, j < NR: one FMA chain per element in (t, q) order starting
 * from zero (first != 0: c written only) or continuing the chain already in
 * c (first == 0: the taps of one call follow those of the call before),
 * the order of the GEMM's micro-kernel over K;
 * then, when bias is not NULL, c[i*ldc + j] += bias[j], and when y is not
 * NULL, y[i*ldc + j] = relu(c[i*ldc + j]) as well (the GEMM epilogue's
 * operations, in its order).
 *
 * Weight gradient: a tile of MR rows of dK (kernel-matrix rows, each an
 * offset roff[i] from a pixel's first tap) by NR output channels, summed over
 * np output pixels in order (pixel p's first tap at x + off[p]):
 *   c[i*ldc + j] (+)= sum over p < np of x[off[p] + roff[i]] * dz[p*ldz + j]
 * continuing the chain already in c (first == 0) or from zero (first != 0),
 * so splitting the pixels into consecutive runs never changes a rounding. */
#ifndef NNLITE_CONV_UKR_H
#define NNLITE_CONV_UKR_H

#include <stdint.h>

typedef void (*nl_sconv_ind_fn)(int64_t ntap, int64_t kt, const float *const *a,
                                const float *b, float *c, int64_t ldc, const float *bias,
                                float *y, int first);
typedef void (*nl_sconv_wgrad_fn)(int64_t np, const int64_t *off, const int64_t *roff,
                                  const float *x, const float *dz, int64_t ldz, float *c,
                                  int64_t ldc, int first);

struct nl_sconv_ukr {
    int mr, nr;              /* tile: MR rows by NR columns */
    nl_sconv_ind_fn ind;     /* 0 where this build has no AVX-512 */
    nl_sconv_wgrad_fn wgrad;
};

/* 6 x 64 (four vectors a row) and 12 x 32 (two), 24 accumulators each. */
extern const struct nl_sconv_ukr nl_sconv_ukr_6x64, nl_sconv_ukr_12x32;

#define NL_CONV_UKR_MR_MAX 12
#define NL_CONV_UKR_NR_MAX 64

#endif
