/* conv_avx512.c - AVX-512 float32 micro-kernels of the convolutions: the
 * indirect GEMM of the forward and input-gradient passes and the weight-
 * gradient tile (interfaces in conv_ukr.h). Compiled for every x86-64 build
 * with a target attribute, never with -march; conv_tmpl.h only calls them
 * when the chosen ISA is AVX-512.
 *
 * Why not the GEMM: with N = 32..64 output channels every element of A takes
 * part in only 32-64 multiply-adds, so packing A (an im2col copy, then the
 * GEMM's own repacking) cost as much as the product. Here A is read where it
 * lies, through one pointer per row and tap, and B (the kernel) is packed
 * once per call instead of once per block. */
#include <stdint.h>
#include "conv_ukr.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f")))

/* acc += b * broadcast(*p), the broadcast embedded in the FMA ({1to16}).
 * Written as one instruction because the compilers hoist a broadcast used
 * by several FMAs into a register of its own, and on cores that split a
 * 512-bit operation in two (AMD Zen 4) that separate broadcast takes an FP
 * slot from the FMAs: a tile row's NV FMAs each reload the scalar instead,
 * from L1, through the load ports, which have room. Same rounding as
 * _mm512_fmadd_ps(_mm512_set1_ps(*p), b, acc). */
#define FMA_BCAST(acc, b, p) \
    __asm__("vfmadd231ps %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(b), "m"(*(p)))

/* ---- indirect GEMM tile ---------------------------------------------------- */

#define IND_KERNEL(NAME, MR, NV)                                                        \
TARGET static void NAME(int64_t ntap, int64_t kt, const float *const *a, const float *b, \
                        float *c, int64_t ldc, const float *bias, float *y, int first)  \
{                                                                                       \
    __m512 acc[MR][NV];                                                                 \
    _Pragma("GCC unroll 16")                                                            \
    for (int i = 0; i < MR; i++) {                                                      \
        _Pragma("GCC unroll 4")                                                         \
        for (int v = 0; v < NV; v++)                                                    \
            acc[i][v] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(c + i * ldc + 16 * v); \
    }                                                                                   \
    for (int64_t t = 0; t < ntap; t++, a += MR) {                                       \
        const float *ap[MR];                                                            \
        _Pragma("GCC unroll 16")                                                        \
        for (int i = 0; i < MR; i++) ap[i] = a[i];                                      \
        for (int64_t q = 0; q < kt; q++, b += 16 * NV) {                                \
            __m512 bv[NV];                                                              \
            _Pragma("GCC unroll 4")                                                     \
            for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(b + 16 * v);            \
            _Pragma("GCC unroll 16")                                                    \
            for (int i = 0; i < MR; i++) {                                              \
                _Pragma("GCC unroll 4")                                                 \
                for (int v = 0; v < NV; v++)                                            \
                    FMA_BCAST(acc[i][v], bv[v], ap[i] + q);                             \
            }                                                                           \
        }                                                                               \
    }                                                                                   \
    if (bias) {                                                                         \
        _Pragma("GCC unroll 4")                                                         \
        for (int v = 0; v < NV; v++) {                                                  \
            const __m512 bv = _mm512_loadu_ps(bias + 16 * v);                           \
            _Pragma("GCC unroll 16")                                                    \
            for (int i = 0; i < MR; i++) acc[i][v] = _mm512_add_ps(acc[i][v], bv);      \
        }                                                                               \
    }                                                                                   \
    _Pragma("GCC unroll 16")                                                            \
    for (int i = 0; i < MR; i++) {                                                      \
        _Pragma("GCC unroll 4")                                                         \
        for (int v = 0; v < NV; v++) _mm512_storeu_ps(c + i * ldc + 16 * v, acc[i][v]); \
    }                                                                                   \
    if (y) {   /* ReLU as nl_activation_forward: max(+0, x) keeps NaN and -0 */       \
        const __m512 zero = _mm512_setzero_ps();                                        \
        _Pragma("GCC unroll 16")                                                        \
        for (int i = 0; i < MR; i++) {                                                  \
            _Pragma("GCC unroll 4")                                                     \
            for (int v = 0; v < NV; v++)                                                \
                _mm512_storeu_ps(y + i * ldc + 16 * v, _mm512_max_ps(zero, acc[i][v])); \
        }                                                                               \
    }                                                                                   \
}

/* ---- weight-gradient tile ----------------------------------------------------- */

#define WGRAD_KERNEL(NAME, MR, NV)                                                       \
TARGET static void NAME(int64_t np, const int64_t *off, const int64_t *roff,             \
                        const float *x, const float *dz, int64_t ldz, float *c,          \
                        int64_t ldc, int first)                                          \
{                                                                                        \
    __m512 acc[MR][NV];                                                                  \
    const float *xr[MR];                                                                 \
    _Pragma("GCC unroll 16")                                                             \
    for (int i = 0; i < MR; i++) {                                                       \
        xr[i] = x + roff[i];                                                             \
        _Pragma("GCC unroll 4")                                                          \
        for (int v = 0; v < NV; v++)                                                     \
            acc[i][v] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(c + i * ldc + 16 * v); \
    }                                                                                    \
    for (int64_t p = 0; p < np; p++, dz += ldz) {                                        \
        const int64_t o = off[p];                                                        \
        __m512 bv[NV];                                                                   \
        _Pragma("GCC unroll 4")                                                          \
        for (int v = 0; v < NV; v++) bv[v] = _mm512_loadu_ps(dz + 16 * v);               \
        _Pragma("GCC unroll 16")                                                         \
        for (int i = 0; i < MR; i++) {                                                   \
            _Pragma("GCC unroll 4")                                                      \
            for (int v = 0; v < NV; v++)                                                 \
                FMA_BCAST(acc[i][v], bv[v], xr[i] + o);                                  \
        }                                                                                \
    }                                                                                    \
    _Pragma("GCC unroll 16")                                                             \
    for (int i = 0; i < MR; i++) {                                                       \
        _Pragma("GCC unroll 4")                                                          \
        for (int v = 0; v < NV; v++) _mm512_storeu_ps(c + i * ldc + 16 * v, acc[i][v]);  \
    }                                                                                    \
}

IND_KERNEL(ind_6x64, 6, 4)
IND_KERNEL(ind_12x32, 12, 2)
WGRAD_KERNEL(wgrad_6x64, 6, 4)
WGRAD_KERNEL(wgrad_12x32, 12, 2)

const struct nl_sconv_ukr nl_sconv_ukr_6x64 = {6, 64, ind_6x64, wgrad_6x64};
const struct nl_sconv_ukr nl_sconv_ukr_12x32 = {12, 32, ind_12x32, wgrad_12x32};

#else
const struct nl_sconv_ukr nl_sconv_ukr_6x64 = {6, 64, 0, 0};
const struct nl_sconv_ukr nl_sconv_ukr_12x32 = {12, 32, 0, 0};
#endif
