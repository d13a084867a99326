/* gemm_simd_tmpl.h - one register-blocked GEMM micro-kernel written once for
 * any SIMD width and type. Included by gemm_avx2.c and gemm_avx512.c with:
 *   T, VT, VL          element type, vector type, lanes per vector
 *   MR                 rows of the tile (NR = 2 * VL columns: two vectors)
 *   TARGET             the function attribute enabling the instruction set
 *   UKR                the kernel's (file-local) name
 *   SETZERO() SET1(x) LOAD(p) LOADU(p) STOREU(p, v) MUL(a, b) FMADD(a, b, c)
 *
 * It #undefs all of them at the end, so the next instance can define its own.
 *
 * The tile lives in 2*MR vector registers: per k, two vectors of B are loaded
 * and each of the MR values of A is broadcast and multiplied into both. The
 * interface is the one in gemm_internal.h.
 */

TARGET static void UKR(int64_t kc, T alpha, const T *a, const T *b, T beta, T *c,
                       int64_t ldc)
{
    VT c0[MR], c1[MR];
    int i;

#pragma GCC unroll 16
    for (i = 0; i < MR; i++) {
        c0[i] = SETZERO();
        c1[i] = SETZERO();
    }
    for (int64_t p = 0; p < kc; p++) {
        const VT b0 = LOAD(b), b1 = LOAD(b + VL);
#pragma GCC unroll 16
        for (i = 0; i < MR; i++) {
            const VT ai = SET1(a[i]);
            c0[i] = FMADD(ai, b0, c0[i]);
            c1[i] = FMADD(ai, b1, c1[i]);
        }
        a += MR;
        b += 2 * VL;
    }
    {
        const VT va = SET1(alpha);
        if (beta == 0) {   /* never read C: NaN there must not survive */
#pragma GCC unroll 16
            for (i = 0; i < MR; i++) {
                STOREU(c + i * ldc, MUL(va, c0[i]));
                STOREU(c + i * ldc + VL, MUL(va, c1[i]));
            }
        } else {
            const VT vb = SET1(beta);
#pragma GCC unroll 16
            for (i = 0; i < MR; i++) {
                STOREU(c + i * ldc, FMADD(vb, LOADU(c + i * ldc), MUL(va, c0[i])));
                STOREU(c + i * ldc + VL, FMADD(vb, LOADU(c + i * ldc + VL), MUL(va, c1[i])));
            }
        }
    }
}

#undef T
#undef VT
#undef VL
#undef MR
#undef UKR
#undef SETZERO
#undef SET1
#undef LOAD
#undef LOADU
#undef STOREU
#undef MUL
#undef FMADD
