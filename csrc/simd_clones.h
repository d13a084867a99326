/* simd_clones.h - NL_CLONES marks an elementwise loop to be compiled several
 * times (AVX-512, AVX2, baseline) with the best one picked when the library
 * loads (GCC function multiversioning, through the dynamic loader's ifunc).
 * Where that is unavailable (other compilers, macOS, Windows) it is empty and
 * the baseline build runs everywhere. */
#ifndef NNLITE_SIMD_CLONES_H
#define NNLITE_SIMD_CLONES_H

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__) \
    && __GNUC__ >= 8
#define NL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NL_CLONES
#endif

#endif
