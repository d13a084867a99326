/* rnn.c - fused recurrent layers (SimpleRNN, LSTM, GRU) over a whole
 * sequence, forward and backward through time, for float32 and float64 from
 * one template (rnn_tmpl.h), on the project's GEMM and thread pool. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nnlite.h"
#include "gemm_internal.h"
#include "simd_clones.h"
#include "vmath.h"

/* Largest element count of any array or scratch buffer (as conv_geom.h):
 * every byte count of 8-byte doubles and every index stays inside int64_t. */
#define RNN_MAX_ELEMS ((int64_t)1 << 59)

/* An elementwise pass over a batch row of G*U gates costs about this many
 * multiply-adds an element (exp, division, the state update), for deciding
 * whether splitting rows over threads pays. */
#define RNN_ROW_WORK 24.0

#define NL_TEMPLATE "rnn_tmpl.h"
#include "instantiate.h"
