// Helpers shared by the AVX-512 VNNI K-quant tiles (k_tile_kernels_avx512.cpp: Q4_K/Q5_K,
// q6k_tile_kernels_avx512.cpp: Q6_K), on top of k_tile_common.h (load32,
// prefetch_blocks, store: shared with the AVX2 K tiles). Include ONLY from files named *_avx512.cpp (the only ones
// built with -mavx512vnni -mavx512vl); everything here is internal to each including file
// (anonymous namespace), so no AVX-512 code can leak into a function called without the CPUID check.
//
//   prefetch_blocks<BlockQ6K, NR>(w, ws, b, stream);               // kStreamPrefetch / NR ahead per row
//   isum = add_scaled_dot(isum, q, load32(act), scales);            // maddubs then vpdpwssd
//   store<NR, NT>(acc, y, ys);                                      // y[t * ys + r] = hsum(acc[r][t])
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/k_tile_common.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "k_tile_avx512_common.h is for files built with -mavx512vnni -mavx512vl (*_avx512.cpp) only"
#endif

namespace pw::quant {
namespace {

// sums + scales . maddubs(q, a), pairwise: the AVX2 tiles' add(sums, madd(maddubs(q, a), scales)).
inline __m256i add_scaled_dot(__m256i sums, __m256i q, __m256i a, __m256i scales) {
  return _mm256_dpwssd_epi32(sums, _mm256_maddubs_epi16(q, a), scales);
}

}  // namespace
}  // namespace pw::quant
