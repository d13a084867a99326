/* gemm_avx2.c - AVX2+FMA micro-kernels: float 6 x 16 and double 6 x 8 tiles
 * (12 accumulator registers of 16). Compiled for every x86-64 build with a
 * target attribute, never with -march: cpu.c only calls them on CPUs whose
 * cpuid and xgetbv report AVX2 and FMA. */
#include <stdint.h>
#include "gemm_internal.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER))
#include <immintrin.h>

#if defined(_MSC_VER) && !defined(__clang__)
#define TARGET
#else
#define TARGET __attribute__((target("avx2,fma")))
#endif

/* float: 6 x 16 */
#define T float
#define VT __m256
#define VL 8
#define MR 6
#define UKR s_ukr_avx2
#define SETZERO() _mm256_setzero_ps()
#define SET1(x) _mm256_set1_ps(x)
#define LOAD(p) _mm256_load_ps(p)
#define LOADU(p) _mm256_loadu_ps(p)
#define STOREU(p, v) _mm256_storeu_ps(p, v)
#define MUL(x, y) _mm256_mul_ps(x, y)
#define FMADD(x, y, z) _mm256_fmadd_ps(x, y, z)
#include "gemm_simd_tmpl.h"

/* double: 6 x 8 */
#define T double
#define VT __m256d
#define VL 4
#define MR 6
#define UKR d_ukr_avx2
#define SETZERO() _mm256_setzero_pd()
#define SET1(x) _mm256_set1_pd(x)
#define LOAD(p) _mm256_load_pd(p)
#define LOADU(p) _mm256_loadu_pd(p)
#define STOREU(p, v) _mm256_storeu_pd(p, v)
#define MUL(x, y) _mm256_mul_pd(x, y)
#define FMADD(x, y, z) _mm256_fmadd_pd(x, y, z)
#include "gemm_simd_tmpl.h"

/* Blocks: the KC x NR B sliver (16 KB for float) in L1, the MC x KC A block
 * (144 KB) in L2, the KC x NC B panel (4 MB) in L3. */
const struct nl_skernel nl_skernel_avx2 = {"avx2", 6, 16, 144, 256, 4096, s_ukr_avx2};
const struct nl_dkernel nl_dkernel_avx2 = {"avx2", 6, 8, 72, 256, 2048, d_ukr_avx2};

#else
const struct nl_skernel nl_skernel_avx2 = {"avx2", 6, 16, 144, 256, 4096, 0};
const struct nl_dkernel nl_dkernel_avx2 = {"avx2", 6, 8, 72, 256, 2048, 0};
#endif
