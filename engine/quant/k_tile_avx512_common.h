// Helpers shared by the AVX-512 VNNI K-quant tiles (k_tile_kernels_avx512.cpp: Q4_K/Q5_K,
// q6k_tile_kernels_avx512.cpp: Q6_K). Include ONLY from files named *_avx512.cpp (the only ones
// built with -mavx512vnni -mavx512vl); everything here is internal to each including file
// (anonymous namespace), so no AVX-512 code can leak into a function called without the CPUID check.
//
//   prefetch_blocks<BlockQ6K, NR>(w, ws, b, row_bytes, NR * ws);   // kPrefetch bytes ahead per row
//   isum = add_scaled_dot(isum, q, load32(act), scales);            // maddubs then vpdpwssd
//   store<NR, NT>(acc, y, ys);                                      // y[t * ys + r] = hsum(acc[r][t])
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants_avx2_common.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "k_tile_avx512_common.h is for files built with -mavx512vnni -mavx512vl (*_avx512.cpp) only"
#endif

namespace pw::quant {
namespace {

constexpr int kPrefetch = 512;

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// sums + scales . maddubs(q, a), pairwise: the AVX2 tiles' add(sums, madd(maddubs(q, a), scales)).
inline __m256i add_scaled_dot(__m256i sums, __m256i q, __m256i a, __m256i scales) {
  return _mm256_dpwssd_epi32(sums, _mm256_maddubs_epi16(q, a), scales);
}

// The cache lines of the block kPrefetch bytes after super-block b of each row of the tile.
// _mm_prefetch directly and always_inline: written with avx2::prefetch and plain inline, GCC 12
// compiled every call of this to nothing (apparently it takes a function whose only effect is a
// prefetch for const and drops the call as dead): the K-quant tiles had no software prefetch until 2026-11-22.
// Check with objdump (prefetcht0) after touching this.
template <typename Block, int NR>
[[gnu::always_inline]] inline void prefetch_blocks(const uint8_t* w, size_t ws, int64_t b, size_t row_bytes,
                                                   size_t next_tile) {
  const size_t pf = avx2::row_stream_offset(static_cast<size_t>(b) * sizeof(Block) + kPrefetch, row_bytes, next_tile);
  #pragma GCC unroll 4
  for (int r = 0; r < NR; ++r)
    #pragma GCC unroll 4
    for (size_t off = 0; off < sizeof(Block); off += 64)
      _mm_prefetch(reinterpret_cast<const char*>(w + static_cast<size_t>(r) * ws + pf + off), _MM_HINT_T0);
}

template <int NR, int NT>
inline void store(const __m256 (&acc)[NR][NT], float* y, size_t ys) {
  #pragma GCC unroll 4
  for (int t = 0; t < NT; ++t)
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = avx2::hsum_ps(acc[r][t]);
}

}  // namespace
}  // namespace pw::quant
