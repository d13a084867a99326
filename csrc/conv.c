/* conv.c - convolution (2-D; 1-D is height 1) and depthwise convolution,
 * forward, input gradient and weight gradient, for float32 and float64 from
 * one template (conv_tmpl.h), on the project's GEMM and thread pool. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nnlite.h"
#include "gemm_internal.h"
#include "simd_clones.h"
#include "conv_geom.h"
#include "conv_ukr.h"

/* Scratch of one im2col block: about this many elements (128 KB of float32,
 * beside the GEMM's own L2 block), as output rows between the two bounds
 * (multiples of 16, so blocks end on whole tiles of every micro-kernel). */
#define CONV_BLOCK_ELEMS 32768
#define CONV_BLOCK_MIN 16
#define CONV_BLOCK_MAX 1024
/* Weight gradient: at most this many partial sums, each over a fixed chunk of
 * the blocks, and at most CONV_PART_ELEMS elements of partials in all. */
#define CONV_WGRAD_CHUNKS 16
#define CONV_PART_ELEMS ((int64_t)1 << 22)

/* Up to this many input channels (groups == 1) the forward and the weight
 * gradient run as direct loops instead of a GEMM of K = kh*kw*c. */
#define CONV_DIRECT_MAX_C 4
#define CONV_DIRECT_NB 32     /* outputs per accumulator block (two AVX-512 vectors) */
/* The register blocks of the direct loops over interior pixels: VB outputs
 * (two AVX-512 vectors of T) by PB output pixels (forward) or by TB taps
 * (weight gradient). The blocking never changes the order of any sum. */
#define CONV_DIRECT_VB 32
#define CONV_DIRECT_PB 4
#define CONV_DIRECT_TB (sizeof(T) == 4 ? 9 : 4)

#define NL_TEMPLATE "conv_tmpl.h"
#include "instantiate.h"
