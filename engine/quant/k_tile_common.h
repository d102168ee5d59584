// Helpers shared by the K-quant tiles of every instruction set (k_tile_kernels_avx2.cpp and,
// through k_tile_avx512_common.h, the *_avx512.cpp K tiles). Include ONLY from files built with
// AVX2 flags (*_avx2.cpp / *_avx512.cpp); everything is internal to each including file
// (anonymous namespace), so each copy carries its own file's instruction set.
//
//   prefetch_blocks<BlockQ6K, NR>(w, ws, b, stream);               // kStreamPrefetch / NR ahead per row
//   const __m256i a = load32(act);
//   store<NR, NT>(acc, y, ys);                                      // y[t * ys + r] = hsum(acc[r][t])
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/quant/avx2_helpers.h"

namespace pw::quant {
namespace {

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// The cache lines of the block `stream` (kStreamPrefetch / NR bytes) ahead of super-block b of
// each row of the tile, continuing into the caller's next tiles past the rows' end.
// _mm_prefetch directly and always_inline: written with avx2::prefetch and plain inline, GCC 12
// compiled every call of this to nothing (apparently it takes a function whose only effect is a
// prefetch for const and drops the call as dead): the K-quant tiles had no software prefetch until 2026-11-22.
// Check with objdump (prefetcht0) after touching this.
template <typename Block, int NR>
[[gnu::always_inline]] inline void prefetch_blocks(const uint8_t* w, size_t ws, int64_t b, const RowStream& stream) {
  const size_t pf = stream.offset(static_cast<size_t>(b) * sizeof(Block));
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
