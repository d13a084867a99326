/* gemm_avx512.c - AVX-512 micro-kernels: float 8 x 32 and double 8 x 16 tiles
 * (16 accumulator registers of 32). Compiled for every x86-64 build with a
 * target attribute, never with -march: cpu.c only calls them on CPUs whose
 * cpuid and xgetbv report AVX-512F. */
#include <stdint.h>
#include "gemm_internal.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER))
#include <immintrin.h>

#if defined(_MSC_VER) && !defined(__clang__)
#define TARGET
#else
#define TARGET __attribute__((target("avx512f")))
#endif

/* float: 8 x 32 */
#define T float
#define VT __m512
#define VL 16
#define MR 8
#define UKR s_ukr_avx512
#define SETZERO() _mm512_setzero_ps()
#define SET1(x) _mm512_set1_ps(x)
#define LOAD(p) _mm512_load_ps(p)
#define LOADU(p) _mm512_loadu_ps(p)
#define STOREU(p, v) _mm512_storeu_ps(p, v)
#define MUL(x, y) _mm512_mul_ps(x, y)
#define FMADD(x, y, z) _mm512_fmadd_ps(x, y, z)
#include "gemm_simd_tmpl.h"

/* double: 8 x 16 */
#define T double
#define VT __m512d
#define VL 8
#define MR 8
#define UKR d_ukr_avx512
#define SETZERO() _mm512_setzero_pd()
#define SET1(x) _mm512_set1_pd(x)
#define LOAD(p) _mm512_load_pd(p)
#define LOADU(p) _mm512_loadu_pd(p)
#define STOREU(p, v) _mm512_storeu_pd(p, v)
#define MUL(x, y) _mm512_mul_pd(x, y)
#define FMADD(x, y, z) _mm512_fmadd_pd(x, y, z)
#include "gemm_simd_tmpl.h"

/* Blocks: the KC x NR B sliver (32 KB for float) in L1, the MC x KC A block
 * (256 KB) in L2, the KC x NC B panel (4 MB) in L3. */
const struct nl_skernel nl_skernel_avx512 = {"avx512", 8, 32, 192, 384, 4096, s_ukr_avx512};
const struct nl_dkernel nl_dkernel_avx512 = {"avx512", 8, 16, 128, 256, 2048, d_ukr_avx512};

#else
const struct nl_skernel nl_skernel_avx512 = {"avx512", 8, 32, 256, 256, 4096, 0};
const struct nl_dkernel nl_dkernel_avx512 = {"avx512", 8, 16, 128, 256, 2048, 0};
#endif
