// Helpers of the 512-bit tiles (wide_tile_kernels_avx512.cpp,
// wide_superblock_tiles_avx512.cpp):
// loads into register halves and 4-bit codes unpacked two 16-byte groups at a time. Only for
// files compiled with the AVX-512 flags (*_avx512.cpp).
//
//   __m512i codes = wide::nibbles_64(block0.qs, block1.qs);  // [lo(q0) hi(q0) | lo(q1) hi(q1)]
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#if !defined(__AVX512BW__)
#error "wide_avx512_common.h is for files compiled with -mavx512bw (*_avx512.cpp) only"
#endif

namespace pw::quant::wide {

// How far ahead of a tile its prefetches run, in bytes of the matrix (split over its row
// streams as quant::kStreamPrefetch is, row_stream.h): twice the 256-bit tiles' page. The cores these
// tiles run on read 35-40 GB/s per core, so more bytes must be in flight. Zen 5 VM, Q4_0, 4-row
// walk, 2 threads, fraction of read bandwidth at 2048x2048 / 2048x8192 / 8192x2048, medians of 3
// alternating runs: 2048 bytes 0.63/0.67/0.69, 4096 0.76/0.81/0.72, 8192 0.89/0.93/0.90 (one
// round); 8192 0.88/0.92/0.92, 16384 0.83/0.90/0.93 (another; an earlier round had 4096 at
// 0.84/0.85/0.87: the VM is noisy). 1 thread, 4096 -> 8192: 19.6 -> 26.5 GB/s at 2048x2048.
// Generation, Llama-3.2-1B Q4_0, 2 threads: 47.1 -> 50.6 tok/s.
inline constexpr size_t kStreamPrefetch = 8192;

inline __m128i load128(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// Two 256-bit halves from two addresses.
inline __m512i halves(const void* lo, const void* hi) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(load256(lo)), load256(hi), 1);
}

// The 32 4-bit codes of two 16-byte groups, in value order per half: [lo(q0) hi(q0) | lo(q1)
// hi(q1)] (128-bit lanes), nibble j of a group being value j, its high nibble value j + 16 (the
// layout of Q4_0, IQ4_NL and of each IQ4_XS sub-block).
inline __m512i nibbles_64(const uint8_t* q0, const uint8_t* q1) {
  const __m512i both = _mm512_mask_broadcast_i32x4(_mm512_broadcast_i32x4(load128(q0)), 0xFF00, load128(q1));
  const __m512i shifted = _mm512_srlv_epi64(both, _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4));
  return _mm512_and_si512(shifted, _mm512_set1_epi8(0x0F));
}

// The 16 IQ4_NL / IQ4_XS levels + 128 (unsigned, 1..241) in every 128-bit lane, for vpshufb by
// nibble; the dot products then take 128 * sum(a) off through their start value.
inline __m512i iq4_levels_unsigned(const int8_t (&levels)[16]) {
  return _mm512_broadcast_i32x4(_mm_xor_si128(load128(levels), _mm_set1_epi8(static_cast<char>(0x80))));
}

}  // namespace pw::quant::wide
