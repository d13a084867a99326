/* gemm.c - TEMPORARY naive GEMM, replaced by the blocked one being written. */
#include "nnlite.h"
#define GEMM(NAME, T) \
int NAME(int ta, int tb, int64_t m, int64_t n, int64_t k, T alpha, const T *a, int64_t lda, \
         const T *b, int64_t ldb, T beta, T *c, int64_t ldc) \
{ \
    if (m < 0 || n < 0 || k < 0) return NL_EINVAL; \
    for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) { \
        T s = 0; \
        for (int64_t p = 0; p < k; p++) s += (ta ? a[p*lda+i] : a[i*lda+p]) * (tb ? b[j*ldb+p] : b[p*ldb+j]); \
        c[i*ldc+j] = beta == 0 ? alpha * s : alpha * s + beta * c[i*ldc+j]; \
    } \
    return NL_OK; \
}
GEMM(nl_sgemm, float)
GEMM(nl_dgemm, double)
