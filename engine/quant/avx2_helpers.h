// Small AVX2 building blocks shared by the *_avx2.cpp kernels. Include ONLY from files named
// *_avx2.cpp: they are the only ones compiled with -mavx2 -mfma -mf16c, and everything here is
// internal to each including file (anonymous namespace), so no AVX2 code can leak into a
// function another file calls without the CPUID check.
//
//   __m256i q = avx2::nibbles_32(block.qs);          // 32 bytes 0..15 in value order
//   __m256i p = avx2::dot_u8_s8(q, act);              // 8 int32 partial sums
//   acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(p), acc);
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "avx2_helpers.h is for files compiled with -mavx2 -mfma -mf16c (*_avx2.cpp) only"
#endif

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "engine/quant/row_stream.h"

namespace pw::quant::avx2 {
namespace {

// Sum of the 8 lanes: (0+4, 1+5, 2+6, 3+7), then pairs, then the last two. The order is fixed
// so a kernel's result does not depend on the compiler.
inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Up to 4 F16 scales (h[0] in lane 0) -> 4 floats with one vcvtph2ps. The scales are packed
// into a 64-bit integer register with plain loads, shifts and ors (ALU ports) instead of one
// vpinsrw + vcvtph2ps per scale (_cvtsh_ss: 2 shuffle-port uops each, plus a vbroadcastss per
// use): in the 32-value tiles that per-row conversion was about half the cycles of a block
// (Q4_0/Q8_0 decode compute-bound near 10 cycles per block-row). Exact (F16 -> F32 always is),
// so results do not change.
template <int N>
inline __m128 f16x4_to_f32(const uint16_t (&h)[N]) {
  static_assert(N >= 1 && N <= 4);
  uint64_t packed = 0;
  #pragma GCC unroll 4
  for (int i = 0; i < N; ++i) packed |= static_cast<uint64_t>(h[i]) << (16 * i);
  return _mm_cvtph_ps(_mm_cvtsi64_si128(static_cast<long long>(packed)));
}

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline __m128i load128(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

inline float f16(uint16_t h) { return _cvtsh_ss(h); }

// 16 bytes of packed nibbles -> 32 bytes in ggml's value order: the low nibbles are values
// 0..15 (low 128-bit lane), the high nibbles values 16..31 (high lane). The bytes are loaded
// into both lanes (vbroadcasti128: a plain load) and only the high lane is shifted, which
// keeps the kernels off the shuffle port.
inline __m256i nibbles_32(const uint8_t* qs) {
  const __m256i both = _mm256_broadcastsi128_si256(load128(qs));
  const __m256i shifted = _mm256_srlv_epi64(both, _mm256_set_epi64x(4, 4, 0, 0));
  return _mm256_and_si256(shifted, _mm256_set1_epi8(0x0F));
}

// The 32 bits of a little-endian uint32 -> 32 bytes, 0xFF where bit j is set (byte j).
inline __m256i bits_to_bytes_32(const uint8_t* qh) {
  uint32_t bits;
  std::memcpy(&bits, qh, sizeof bits);
  // Byte j takes source byte j / 8, then tests bit j % 8 of it.
  const __m256i spread = _mm256_shuffle_epi8(
      _mm256_set1_epi32(static_cast<int>(bits)),
      _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));
  const __m256i bit = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ull));
  return _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
}

// always_inline: a function whose only effect is a prefetch counts as "const" for GCC, and calls
// to it that are not inlined first are deleted (see k_tile_kernels_avx2.cpp prefetch_blocks).
[[gnu::always_inline]] inline void prefetch(const uint8_t* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
}

// Sum over pairs-of-pairs of unsigned x (0..255) times signed y: 8 int32 lanes, lane k holding
// x[4k..4k+3] . y[4k..4k+3]. Exact as long as every adjacent pair product sum fits int16
// (|x| <= 128 and |y| <= 128 with x*y pair sums <= 32767 in magnitude); callers ensure it.
inline __m256i dot_u8_s8(__m256i x_unsigned, __m256i y_signed) {
  const __m256i pairs = _mm256_maddubs_epi16(x_unsigned, y_signed);
  return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}

// Same for two signed operands: |x| goes to the unsigned side and x's sign moves onto y.
// Exact for any x (|-128| = 128 is fine unsigned) as long as y is never -128 (its negation
// would wrap): pass weights as x and activations as y.
inline __m256i dot_s8_s8(__m256i x_signed, __m256i y_signed) {
  return dot_u8_s8(_mm256_sign_epi8(x_signed, x_signed), _mm256_sign_epi8(y_signed, x_signed));
}

// 8 int8 -> 8 floats times d (exact conversion, one rounding in the product, like scalar).
inline __m256 i8x8_times(__m128i bytes8, __m256 d) {
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes8)), d);
}

// Writes 32 int8 values (in value order) as q * d, or q * d + m, to dst. Multiply then add,
// never fused: the scalar twins (and ggml) round the product before adding the minimum.
inline void store_scaled_32(__m256i q, float d, float* dst) {
  const __m256 vd = _mm256_set1_ps(d);
  const __m128i lo = _mm256_castsi256_si128(q);
  const __m128i hi = _mm256_extracti128_si256(q, 1);
  _mm256_storeu_ps(dst + 0, i8x8_times(lo, vd));
  _mm256_storeu_ps(dst + 8, i8x8_times(_mm_srli_si128(lo, 8), vd));
  _mm256_storeu_ps(dst + 16, i8x8_times(hi, vd));
  _mm256_storeu_ps(dst + 24, i8x8_times(_mm_srli_si128(hi, 8), vd));
}

inline void store_scaled_offset_32(__m256i q, float d, float m, float* dst) {
  const __m256 vd = _mm256_set1_ps(d);
  const __m256 vm = _mm256_set1_ps(m);
  const __m128i lo = _mm256_castsi256_si128(q);
  const __m128i hi = _mm256_extracti128_si256(q, 1);
  _mm256_storeu_ps(dst + 0, _mm256_add_ps(i8x8_times(lo, vd), vm));
  _mm256_storeu_ps(dst + 8, _mm256_add_ps(i8x8_times(_mm_srli_si128(lo, 8), vd), vm));
  _mm256_storeu_ps(dst + 16, _mm256_add_ps(i8x8_times(hi, vd), vm));
  _mm256_storeu_ps(dst + 24, _mm256_add_ps(i8x8_times(_mm_srli_si128(hi, 8), vd), vm));
}

}  // namespace
}  // namespace pw::quant::avx2
