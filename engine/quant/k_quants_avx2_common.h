// Inline AVX2 helpers shared by the K-quant *_avx2.cpp files. Include ONLY from files named
// *_avx2.cpp (they are the only ones compiled with -mavx2 -mfma -mf16c).
//
//   __m256i sc16 = _mm256_cvtepi8_epi16(...16 sub-block scales...);
//   __m256i s = _mm256_shuffle_epi8(dup_lane0(sc16), pair_ctrl(g));  // scales 2g | 2g+1
//   float total = hsum_ps(acc);
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace pw::quant::avx2 {

inline float hsum_ps(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Sub-block pairs. _mm256_maddubs_epi16 over 32 consecutive values that span two 16-value
// sub-blocks leaves sub-block 2p in the low 128-bit lane and 2p+1 in the high lane. Given the
// 16 int16 scales with lane 0 = scales 0..7 duplicated into both lanes (or lane 1 = 8..15 for
// p >= 4), pair_ctrl(p % 4) is the pshufb control that repeats scale 2p across the low lane and
// 2p+1 across the high lane.
inline __m256i pair_ctrl(int k) {  // k = p % 4
  const int lo = 4 * k, hi = 4 * k + 2;  // byte offsets of int16 scales 2k and 2k+1 in a lane
  return _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(((hi + 1) << 8) | hi)),
                          _mm_set1_epi16(static_cast<int16_t>(((lo + 1) << 8) | lo)));
}

inline __m256i dup_lane0(__m256i v) { return _mm256_permute2x128_si256(v, v, 0x00); }
inline __m256i dup_lane1(__m256i v) { return _mm256_permute2x128_si256(v, v, 0x11); }

// 8 int16 scales repeated in both lanes -> scale j (0..7) in every int16 lane.
inline __m256i broadcast_scale(__m256i sc8x2, int j) {
  return _mm256_shuffle_epi8(sc8x2, _mm256_set1_epi16(static_cast<int16_t>(((2 * j + 1) << 8) | (2 * j))));
}

// Q4_K/Q5_K: 12 packed bytes -> 16 bytes: scales 0..7 then mins 0..7 (6 bits each).
// Same bit positions as unpack_scales_mins_k4, done on 32-bit words.
inline __m128i unpack_scales_mins_k4_sse(const uint8_t* packed) {
  uint32_t w[3];
  std::memcpy(&w[0], packed, 4);
  std::memcpy(&w[1], packed + 4, 4);
  std::memcpy(&w[2], packed + 8, 4);
  const uint32_t sc_lo = w[0] & 0x3F3F3F3Fu;
  const uint32_t mn_lo = w[1] & 0x3F3F3F3Fu;
  // Sub-blocks 4..7: low nibbles from bytes 8..11; the top bits (bits 6,7 of bytes 0..7) move
  // to bits 4,5 of the same byte with one shift of the whole word.
  const uint32_t sc_hi = (w[2] & 0x0F0F0F0Fu) | ((w[0] >> 2) & 0x30303030u);
  const uint32_t mn_hi = ((w[2] >> 4) & 0x0F0F0F0Fu) | ((w[1] >> 2) & 0x30303030u);
  return _mm_set_epi32(static_cast<int>(mn_hi), static_cast<int>(mn_lo), static_cast<int>(sc_hi),
                       static_cast<int>(sc_lo));
}

// The same as unpack_scales_mins_k4_sse in 7 vector instructions instead of ~20 scalar ones
// plus inserts (it runs once per super-block and row in the decode tiles). Reads 16 bytes at
// `packed`: only for the scales field of a block (the quants follow it in the same block).
inline __m128i unpack_scales_mins_k4_vec(const uint8_t* packed) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed));  // words w0 w1 w2 (w3)
  // [w0, w2, w1, w2 >> 4] & [3F, 0F, 3F, 0F]: the low bits of scales 0..3, 4..7, mins 0..3, 4..7
  const __m128i a = _mm_srlv_epi32(_mm_shuffle_epi32(raw, _MM_SHUFFLE(2, 1, 2, 0)), _mm_setr_epi32(0, 0, 0, 4));
  const __m128i lo = _mm_and_si128(a, _mm_setr_epi32(0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F));
  // [-, w0 >> 2, -, w1 >> 2] & 30: the top two bits of scales / mins 4..7
  const __m128i b = _mm_srli_epi32(_mm_shuffle_epi32(raw, _MM_SHUFFLE(1, 1, 0, 0)), 2);
  const __m128i hi = _mm_and_si128(b, _mm_setr_epi32(0, 0x30303030, 0, 0x30303030));
  return _mm_or_si128(lo, hi);
}

// Q4_K/Q5_K scales and mins for the decode tiles, with no shuffle-port instruction: the 12
// packed bytes come in through two broadcast loads (plain loads), and the result is the same 16
// bytes in both 128-bit lanes, so an in-lane pshufb can pick any scale or min for either lane.
// Byte layout of each lane (NOT unpack_scales_mins_k4_vec's):
//   [scales 0..3 | mins 0..3 | scales 4..7 | mins 4..7]   (6-bit values, one per byte)
// k_scale_byte / k_min_byte give the positions. Reads 12 bytes at `packed`.
inline constexpr int k_scale_byte(int j) { return j < 4 ? j : j + 4; }
inline constexpr int k_min_byte(int j) { return j < 4 ? j + 4 : j + 8; }

inline __m256i unpack_scales_mins_k4_x2(const uint8_t* packed) {
  uint64_t w01;
  uint32_t w2;
  std::memcpy(&w01, packed, 8);
  std::memcpy(&w2, packed + 8, 4);
  const __m256i bq = _mm256_set1_epi64x(static_cast<long long>(w01));  // [w0 w1 w0 w1] per lane
  const __m256i bd = _mm256_set1_epi32(static_cast<int>(w2));          // [w2 w2 w2 w2]
  // [w0, w1, w2, w2 >> 4] & [3F, 3F, 0F, 0F]: the low bits of scales 0..3, mins 0..3, 4..7
  const __m256i a = _mm256_srlv_epi32(_mm256_blend_epi32(bq, bd, 0xCC), _mm256_setr_epi32(0, 0, 0, 4, 0, 0, 0, 4));
  const __m256i lo = _mm256_and_si256(
      a, _mm256_setr_epi32(0x3F3F3F3F, 0x3F3F3F3F, 0x0F0F0F0F, 0x0F0F0F0F, 0x3F3F3F3F, 0x3F3F3F3F, 0x0F0F0F0F,
                           0x0F0F0F0F));
  // [-, -, w0 >> 2, w1 >> 2] & 30: the top two bits of scales / mins 4..7
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(bq, 2),
                                      _mm256_setr_epi32(0, 0, 0x30303030, 0x30303030, 0, 0, 0x30303030, 0x30303030));
  return _mm256_or_si256(lo, hi);
}

// pshufb controls for unpack_scales_mins_k4_x2's result: 8 int32 lanes, lane j holding the int16
// pair (v_j, v_j) with v the scales (mins = false) or the mins. madd against 16 int16 bsums
// gives m_j * (bsum_2j + bsum_2j+1) in lane j; a scale lane is what vpmaddwd / vpdpwssd need to
// multiply int16 pairs of sub-block j by s_j.
inline __m256i k4_pair_dup_ctrl(bool mins) {
  const auto lane = [mins](int j) {  // bytes [v_j, zero, v_j, zero] of int32 lane j
    const uint32_t src = static_cast<uint32_t>(mins ? k_min_byte(j) : k_scale_byte(j));
    return static_cast<int>(src | 0x8000u | (src << 16) | 0x80000000u);
  };
  return _mm256_setr_epi32(lane(0), lane(1), lane(2), lane(3), lane(4), lane(5), lane(6), lane(7));
}

// Q3_K: 12 packed bytes -> 16 int8 scales with the +32 bias removed.
// Same bit positions as unpack_scales_q3_K, done on 32-bit words.
inline __m128i unpack_scales_q3_K_sse(const uint8_t* packed) {
  uint32_t w[3];
  std::memcpy(&w[0], packed, 4);
  std::memcpy(&w[1], packed + 4, 4);
  std::memcpy(&w[2], packed + 8, 4);
  const uint32_t lo4 = 0x0F0F0F0Fu, hi2 = 0x03030303u;
  const uint32_t s0 = (w[0] & lo4) | ((w[2] & hi2) << 4);
  const uint32_t s1 = (w[1] & lo4) | (((w[2] >> 2) & hi2) << 4);
  const uint32_t s2 = ((w[0] >> 4) & lo4) | (((w[2] >> 4) & hi2) << 4);
  const uint32_t s3 = ((w[1] >> 4) & lo4) | (((w[2] >> 6) & hi2) << 4);
  const __m128i biased = _mm_set_epi32(static_cast<int>(s3), static_cast<int>(s2), static_cast<int>(s1),
                                       static_cast<int>(s0));
  return _mm_sub_epi8(biased, _mm_set1_epi8(32));
}

inline float fp16_to_fp32_f16c(uint16_t h) { return _cvtsh_ss(h); }

}  // namespace pw::quant::avx2
