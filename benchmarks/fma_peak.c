/* fma_peak.c - the float32 FMA peak of one core, from registers only.
 *
 *   gcc -O3 benchmarks/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak
 *
 * Runs independent chains of fused multiply-adds (enough to hide the latency,
 * few enough to stay in registers: 12 of the 16 ymm, 24 of the 32 zmm) on
 * 256-bit (AVX2) and 512-bit (AVX-512) vectors and prints
 * GFLOP/s: the ceiling any GEMM kernel can reach on this core. x86-64 only.
 */
#include <stdio.h>
#include <time.h>
#include <immintrin.h>

#define ROUNDS 50000000L

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define CHAINS 12
__attribute__((target("avx2,fma"))) static double peak_avx2(void)
{
    __m256 acc[CHAINS], x = _mm256_set1_ps(1.0000001f), y = _mm256_set1_ps(1e-7f);
    float sink = 0;
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
    double t = now();
    for (long r = 0; r < ROUNDS; r++) {
#pragma GCC unroll 24
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    }
    t = now() - t;
    for (int i = 0; i < CHAINS; i++) {
        float lanes[8];
        _mm256_storeu_ps(lanes, acc[i]);
        sink += lanes[0];
    }
    if (sink == 42.0f) printf(" ");
    return 2.0 * 8 * CHAINS * ROUNDS / t / 1e9;
}

#undef CHAINS
#define CHAINS 24
__attribute__((target("avx512f"))) static double peak_avx512(void)
{
    __m512 acc[CHAINS], x = _mm512_set1_ps(1.0000001f), y = _mm512_set1_ps(1e-7f);
    float sink = 0;
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    double t = now();
    for (long r = 0; r < ROUNDS; r++) {
#pragma GCC unroll 24
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    }
    t = now() - t;
    for (int i = 0; i < CHAINS; i++) sink += _mm512_reduce_add_ps(acc[i]);
    if (sink == 42.0f) printf(" ");
    return 2.0 * 16 * CHAINS * ROUNDS / t / 1e9;
}

int main(void)
{
    __builtin_cpu_init();
    peak_avx2();   /* warm up: let the clock settle */
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        printf("AVX2    float32 FMA peak: %6.1f GFLOP/s\n", peak_avx2());
    if (__builtin_cpu_supports("avx512f"))
        printf("AVX-512 float32 FMA peak: %6.1f GFLOP/s\n", peak_avx512());
    return 0;
}
