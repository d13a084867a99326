/* cpu.c - run-time choice of the GEMM micro-kernels.
 *
 * The CPU is asked once what it supports (cpuid for the instructions, xgetbv
 * for whether the OS saves the wide registers); the best kernel this build
 * and CPU have wins, unless NNLITE_ISA names another. The chosen kernels are
 * the only global mutable state here, besides the thread pool (threads.c).
 */
#include <stdlib.h>
#include <string.h>
#include "nnlite.h"
#include "gemm_internal.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define NL_X86_GNU 1
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
#include <intrin.h>
#define NL_X86_MSVC 1
#endif

static const char *const isa_names[NL_ISA_COUNT] = {"ref", "avx2", "avx512"};

static const struct nl_skernel *const skernels[NL_ISA_COUNT] = {
    &nl_skernel_ref, &nl_skernel_avx2, &nl_skernel_avx512};
static const struct nl_dkernel *const dkernels[NL_ISA_COUNT] = {
    &nl_dkernel_ref, &nl_dkernel_avx2, &nl_dkernel_avx512};

/* ---- detection ------------------------------------------------------------- */

#if defined(NL_X86_GNU) || defined(NL_X86_MSVC)
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4])
{
#if defined(NL_X86_GNU)
    if (!__get_cpuid_count(leaf, sub, &r[0], &r[1], &r[2], &r[3]))
        r[0] = r[1] = r[2] = r[3] = 0;
#else
    int v[4];
    __cpuidex(v, (int)leaf, (int)sub);
    r[0] = (unsigned)v[0]; r[1] = (unsigned)v[1]; r[2] = (unsigned)v[2]; r[3] = (unsigned)v[3];
#endif
}

static unsigned long long xgetbv0(void)
{
#if defined(NL_X86_GNU)
    unsigned lo, hi;
    /* xgetbv by opcode: no -mxsave needed for the whole file */
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
#else
    return _xgetbv(0);
#endif
}

static int detect_isa(void)
{
    unsigned r1[4], r7[4], r0[4];
    unsigned long long xcr0;
    int avx_os, avx512_os;
    cpuid(0, 0, r0);
    if (r0[0] < 7)
        return NL_ISA_REF;
    cpuid(1, 0, r1);
    cpuid(7, 0, r7);
    /* OSXSAVE (ecx 27) is needed before xgetbv may be executed */
    if (!(r1[2] & (1u << 27)))
        return NL_ISA_REF;
    xcr0 = xgetbv0();
    avx_os = (xcr0 & 0x6) == 0x6;             /* XMM and YMM state */
    avx512_os = avx_os && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    if (avx512_os && (r7[1] & (1u << 16)) && nl_skernel_avx512.ukr)  /* AVX512F */
        return NL_ISA_AVX512;
    if (avx_os && (r1[2] & (1u << 28)) && (r1[2] & (1u << 12)) &&   /* AVX, FMA */
        (r7[1] & (1u << 5)) && nl_skernel_avx2.ukr)                  /* AVX2 */
        return NL_ISA_AVX2;
    return NL_ISA_REF;
}
#else
static int detect_isa(void)
{
    return NL_ISA_REF;
}
#endif

/* ---- the choice -------------------------------------------------------------- */

static int best_isa = -1;     /* what the CPU and build support */
static int chosen_isa = -1;   /* what runs */

static int isa_index(const char *name)
{
    for (int i = 0; i < NL_ISA_COUNT; i++)
        if (name && strcmp(name, isa_names[i]) == 0)
            return i;
    if (name && (strcmp(name, "portable") == 0 || strcmp(name, "generic") == 0))
        return NL_ISA_REF;
    return -1;
}

/* Resolved on first use. A race between two first callers is harmless: both
 * compute and store the same values. */
static void init_isa(void)
{
    if (chosen_isa >= 0)
        return;
    int best = detect_isa();
    int want = isa_index(getenv("NNLITE_ISA"));
    best_isa = best;
    /* A forced ISA the CPU lacks falls back to the best one it has. */
    chosen_isa = (want >= 0 && want <= best) ? want : best;
}

const struct nl_skernel *nl_gemm_skernel(void)
{
    init_isa();
    return skernels[chosen_isa];
}

const struct nl_dkernel *nl_gemm_dkernel(void)
{
    init_isa();
    return dkernels[chosen_isa];
}

const char *nl_isa_name(void)
{
    init_isa();
    return isa_names[chosen_isa];
}

int nl_isa_supported(const char *name)
{
    int i = isa_index(name);
    init_isa();
    return i >= 0 && i <= best_isa;
}

int nl_set_isa(const char *name)
{
    int i = isa_index(name);
    init_isa();
    if (i < 0 || i > best_isa)
        return NL_EINVAL;
    chosen_isa = i;
    return NL_OK;
}
