/* gemm_internal.h - what the GEMM driver, the per-ISA micro-kernels and the
 * dispatcher share. Not part of the public API (nnlite.h).
 *
 * A micro-kernel computes one full MR x NR tile of C from packed slivers:
 *   c[i*ldc + j] = alpha * sum_p a[p*MR + i] * b[p*NR + j] + beta * c[i*ldc + j]
 * for 0 <= i < MR, 0 <= j < NR, 0 <= p < kc. Slivers start on 64-byte
 * boundaries. beta == 0 must not read c. Each kernel comes with the cache
 * blocks that suit it; the driver reads everything from this description. */
#ifndef NNLITE_GEMM_INTERNAL_H
#define NNLITE_GEMM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define GEMM_ALIGN 64       /* pack buffers and slivers: one cache line */
#define GEMM_TILE_MAX 512   /* largest MR * NR of any kernel (edge-tile buffer) */

typedef void (*nl_sukr_fn)(int64_t kc, float alpha, const float *a, const float *b,
                           float beta, float *c, int64_t ldc);
typedef void (*nl_dukr_fn)(int64_t kc, double alpha, const double *a, const double *b,
                           double beta, double *c, int64_t ldc);

struct nl_skernel {
    const char *name;
    int mr, nr;             /* micro-tile: MR rows of C by NR columns */
    int64_t mc, kc, nc;     /* cache blocks, multiples of mr / nr */
    nl_sukr_fn ukr;
};

struct nl_dkernel {
    const char *name;
    int mr, nr;
    int64_t mc, kc, nc;
    nl_dukr_fn ukr;
};

/* gemm.c: malloc aligned to GEMM_ALIGN (micro-kernels load packed slivers
 * with aligned loads), C99 only; free with nl_aligned_free (NULL is fine). */
void *nl_aligned_malloc(size_t bytes);
void nl_aligned_free(void *p);

/* Instruction sets, best last. */
enum nl_isa { NL_ISA_REF = 0, NL_ISA_AVX2 = 1, NL_ISA_AVX512 = 2, NL_ISA_COUNT = 3 };

/* Kernels per ISA (ukr == 0 where this build or CPU family has none). */
extern const struct nl_skernel nl_skernel_ref, nl_skernel_avx2, nl_skernel_avx512;
extern const struct nl_dkernel nl_dkernel_ref, nl_dkernel_avx2, nl_dkernel_avx512;

/* cpu.c: the kernels chosen for this machine (resolved once). */
const struct nl_skernel *nl_gemm_skernel(void);
const struct nl_dkernel *nl_gemm_dkernel(void);

/* threads.c: runs fn(arg, t) for t = 0 .. ntasks-1 on the pool and the
 * calling thread; returns when all are done. ntasks <= NL_MAX_TASKS. */
#define NL_MAX_TASKS 64
void nl_parallel_for(int ntasks, void (*fn)(void *arg, int task), void *arg);

/* threads.c: how many tasks a job of `work` multiply-adds deserves: 1 below
 * a size threshold (so threading never slows a small step), else the
 * configured thread count. */
int nl_threads_for(double work);

/* Elementwise epilogue of a fused GEMM: C += bias (per column), then
 * y = act(C) (y may be C). act < 0 means none. Applied per tile, while the
 * tile is in L1. */
struct nl_sepilogue { const float *bias; int act; float act_alpha; float *y; int64_t ldy; };
struct nl_depilogue { const double *bias; int act; double act_alpha; double *y; int64_t ldy; };

#endif
