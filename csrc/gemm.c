/* gemm.c - nl_sgemm / nl_dgemm (and the fused nl_?gemm_bias_act): cache-
 * blocked GEMM (BLIS / Goto layout) for float32 and float64 from one template
 * (gemm_kernel.h).
 *
 * This file holds what the two types share (aligned pack buffers, small
 * integer helpers) and the per-type tile and block sizes of the portable
 * reference micro-kernel. The SIMD micro-kernels live in gemm_avx2.c and
 * gemm_avx512.c; cpu.c picks one per type at run time.
 */
/* The packing loops copy a sliver's rows (NR elements) one at a time: GCC
 * would turn each into a memmove call (and each pad into a memset), which for
 * runs this short costs more than the copy. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "nnlite.h"
#include "gemm_internal.h"
#include "simd_clones.h"

/* ---- shared helpers -------------------------------------------------------- */

static inline int64_t gemm_min(int64_t x, int64_t y)
{
    return x < y ? x : y;
}

static inline int64_t gemm_round_up(int64_t x, int64_t unit)
{
    return (x + unit - 1) / unit * unit;
}

/* malloc with GEMM_ALIGN alignment using only C99: over-allocate, round the
 * pointer up, and keep the raw pointer in the slot just before the aligned
 * block for nl_aligned_free (posix_memalign / aligned_alloc are not portable). */
void *nl_aligned_malloc(size_t bytes)
{
    unsigned char *raw, *p;
    if (bytes > SIZE_MAX - GEMM_ALIGN - sizeof(void *))
        return NULL;
    raw = (unsigned char *)malloc(bytes + GEMM_ALIGN + sizeof(void *));
    if (raw == NULL)
        return NULL;
    p = raw + sizeof(void *);
    p += (GEMM_ALIGN - (uintptr_t)p % GEMM_ALIGN) % GEMM_ALIGN;
    ((void **)p)[-1] = raw;
    return p;
}

void nl_aligned_free(void *p)
{
    if (p != NULL)
        free(((void **)p)[-1]);
}

/* ---- float32 ---------------------------------------------------------------- */

/* Reference tile 6 x 16 (the tile of the usual AVX2 kernels). With only SSE2
 * some accumulators spill to L1, yet among the shapes tried (2..8 x 8..32)
 * this was the fastest at 512^3. Blocks: the KC x NR B sliver (16 KB) stays in
 * L1, the MC x KC A block (120 KB) in L2, the KC x NC B panel (4 MB) in L3. */
#define T float
#define NL(x) nl_s##x
#define L(x) s_##x
#define KERN struct nl_skernel
#define EPI struct nl_sepilogue
#define CHOSEN_KERNEL nl_gemm_skernel
#define REF_MR 6
#define REF_NR 16
#define REF_MC 120
#define REF_KC 256
#define REF_NC 4096
#include "gemm_kernel.h"
#undef T
#undef NL
#undef L
#undef KERN
#undef EPI
#undef CHOSEN_KERNEL
#undef REF_MR
#undef REF_NR
#undef REF_MC
#undef REF_KC
#undef REF_NC

/* ---- float64 ---------------------------------------------------------------- */

/* Reference tile 4 x 4: with 2 doubles per SSE2 vector, 8 accumulators stay
 * in registers; wider tiles spilled and were 20-30% slower at 512^3. Blocks:
 * a 8 KB B sliver in L1, a 128 KB A block in L2, a 4 MB B panel in L3. */
#define T double
#define NL(x) nl_d##x
#define L(x) d_##x
#define KERN struct nl_dkernel
#define EPI struct nl_depilogue
#define CHOSEN_KERNEL nl_gemm_dkernel
#define REF_MR 4
#define REF_NR 4
#define REF_MC 64
#define REF_KC 256
#define REF_NC 2048
#include "gemm_kernel.h"
#undef T
#undef NL
#undef L
#undef KERN
#undef EPI
#undef CHOSEN_KERNEL
#undef REF_MR
#undef REF_NR
#undef REF_MC
#undef REF_KC
#undef REF_NC
