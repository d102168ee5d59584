// AVX2 dot products of K-quant / IQ4_XS weight rows with Q8_K activation rows. Scalar twins:
// k_quants_dot.cpp. Built with -mavx2 -mfma -mf16c; call only after cpu_features().avx2_fma_f16c.
//
// How they work (and what must stay true):
// - Weight quants are widened to unsigned bytes and multiplied with the signed activation bytes
//   by _mm256_maddubs_epi16 (pairs summed into int16). No pair can saturate: the largest
//   unsigned weight value is 63 (Q6_K), 63*128*2 < 32767.
// - Signed formats (Q3_K: q-4, Q6_K: q-32) use the unsigned q and subtract offset*scale*bsum
//   per sub-block, using the Q8_K block sums, so the integer results are exactly the scalar
//   kernels'. IQ4_XS values are signed: it uses the sign trick (|w| x sign(a, w)), exact
//   because Q8_K quants are never -128.
// - Per super-block everything is an exact int32 vector; one FMA per block adds it to a float
//   accumulator. Only the order of those float additions differs from the scalar kernels.
// Decode is memory-bound: the loops avoid per-value scalar work; per block only the scale
// unpacking touches general-purpose registers.
#include <immintrin.h>

#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"

namespace pw::quant {
namespace {

using avx2::fp16_to_fp32_f16c;
using avx2::hsum_ps;

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// q (32 unsigned bytes) . a (32 signed bytes), pairs scaled by `scales` (int16) -> 8 int32.
inline __m256i scaled_dot(__m256i q, __m256i a, __m256i scales) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(q, a), scales);
}

}  // namespace

// ---- Q4_K: 8 sub-blocks of 32, value = d*sc*q - dmin*m, q in 0..15 ----------------------------

float vec_dot_q4_K_q8_K_avx2(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ4K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  __m256 acc = _mm256_setzero_ps();
  __m128 acc_min = _mm_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = y[b].d * fp16_to_fp32_f16c(x[b].d);
    const float dmin = y[b].d * fp16_to_fp32_f16c(x[b].dmin);
    // int16: lane 0 = scales 0..7, lane 1 = mins 0..7.
    const __m256i sc_mn = _mm256_cvtepu8_epi16(avx2::unpack_scales_mins_k4_sse(x[b].scales));

    // Mins: sum_j min_j * (bsums[2j] + bsums[2j+1]).
    const __m256i bsums = load32(y[b].bsums);
    const __m128i bsum_pairs = _mm_hadd_epi16(_mm256_castsi256_si128(bsums), _mm256_extracti128_si256(bsums, 1));
    const __m128i msum = _mm_madd_epi16(_mm256_extracti128_si256(sc_mn, 1), bsum_pairs);
    acc_min = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(msum), acc_min);

    const __m256i scales = avx2::dup_lane0(sc_mn);
    const uint8_t* qs = x[b].qs;
    const int8_t* a = y[b].qs;
    __m256i isum = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {  // 64 values: sub-blocks 2p (low nibbles) and 2p+1 (high)
      const __m256i q = load32(qs + 32 * p);
      const __m256i lo = _mm256_and_si256(q, low4);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
      isum = _mm256_add_epi32(isum, scaled_dot(lo, load32(a + 64 * p), avx2::broadcast_scale(scales, 2 * p)));
      isum = _mm256_add_epi32(isum, scaled_dot(hi, load32(a + 64 * p + 32), avx2::broadcast_scale(scales, 2 * p + 1)));
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
  }
  __m128 m = _mm_add_ps(acc_min, _mm_movehl_ps(acc_min, acc_min));
  m = _mm_add_ss(m, _mm_movehdup_ps(m));
  return hsum_ps(acc) - _mm_cvtss_f32(m);
}

// ---- Q5_K: as Q4_K plus a fifth bit from qh ---------------------------------------------------

float vec_dot_q5_K_q8_K_avx2(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ5K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  __m256 acc = _mm256_setzero_ps();
  __m128 acc_min = _mm_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = y[b].d * fp16_to_fp32_f16c(x[b].d);
    const float dmin = y[b].d * fp16_to_fp32_f16c(x[b].dmin);
    const __m256i sc_mn = _mm256_cvtepu8_epi16(avx2::unpack_scales_mins_k4_sse(x[b].scales));

    const __m256i bsums = load32(y[b].bsums);
    const __m128i bsum_pairs = _mm_hadd_epi16(_mm256_castsi256_si128(bsums), _mm256_extracti128_si256(bsums, 1));
    const __m128i msum = _mm_madd_epi16(_mm256_extracti128_si256(sc_mn, 1), bsum_pairs);
    acc_min = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(msum), acc_min);

    const __m256i scales = avx2::dup_lane0(sc_mn);
    const uint8_t* qs = x[b].qs;
    const int8_t* a = y[b].qs;
    // Bit k of qh[l] is the fifth bit of value 32k+l. Each step shifts the next two bits down
    // to bits 0 and 1 of every byte (a 16-bit shift never mixes those bits between bytes).
    __m256i qh = load32(x[b].qh);
    __m256i isum = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {
      const __m256i q = load32(qs + 32 * p);
      const __m256i lo = _mm256_or_si256(_mm256_and_si256(q, low4),
                                         _mm256_and_si256(_mm256_slli_epi16(qh, 4), bit4));
      const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4),
                                         _mm256_and_si256(_mm256_slli_epi16(qh, 3), bit4));
      qh = _mm256_srli_epi16(qh, 2);
      isum = _mm256_add_epi32(isum, scaled_dot(lo, load32(a + 64 * p), avx2::broadcast_scale(scales, 2 * p)));
      isum = _mm256_add_epi32(isum, scaled_dot(hi, load32(a + 64 * p + 32), avx2::broadcast_scale(scales, 2 * p + 1)));
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
  }
  __m128 m = _mm_add_ps(acc_min, _mm_movehl_ps(acc_min, acc_min));
  m = _mm_add_ss(m, _mm_movehdup_ps(m));
  return hsum_ps(acc) - _mm_cvtss_f32(m);
}

// ---- Q6_K: 16 sub-blocks of 16, value = d*sc*(q-32), q in 0..63 ------------------------------

float vec_dot_q6_K_q8_K_avx2(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ6K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i ctrl0 = avx2::pair_ctrl(0), ctrl1 = avx2::pair_ctrl(1);
  const __m256i ctrl2 = avx2::pair_ctrl(2), ctrl3 = avx2::pair_ctrl(3);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = y[b].d * fp16_to_fp32_f16c(x[b].d);
    const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[b].scales)));
    // The -32 offset: sum_j sc_j * 32 * bsum_j, subtracted once per block.
    __m256i isum = _mm256_slli_epi32(_mm256_madd_epi16(sc16, load32(y[b].bsums)), 5);
    isum = _mm256_sub_epi32(_mm256_setzero_si256(), isum);
    const int8_t* a = y[b].qs;
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {  // 128 values each
      const __m256i sc = h == 0 ? avx2::dup_lane0(sc16) : avx2::dup_lane1(sc16);
      const __m256i ql0 = load32(x[b].ql + 64 * h);
      const __m256i ql1 = load32(x[b].ql + 64 * h + 32);
      const __m256i qh = load32(x[b].qh + 32 * h);
      // Group g takes bits 2g, 2g+1 of qh into bits 4, 5 (16-bit shifts do not mix bytes here
      // because of the mask).
      const __m256i q0 = _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45));
      const __m256i q1 = _mm256_or_si256(_mm256_and_si256(ql1, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45));
      const __m256i q2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4), _mm256_and_si256(qh, bits45));
      const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                         _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45));
      const int8_t* ah = a + 128 * h;
      isum = _mm256_add_epi32(isum, scaled_dot(q0, load32(ah), _mm256_shuffle_epi8(sc, ctrl0)));
      isum = _mm256_add_epi32(isum, scaled_dot(q1, load32(ah + 32), _mm256_shuffle_epi8(sc, ctrl1)));
      isum = _mm256_add_epi32(isum, scaled_dot(q2, load32(ah + 64), _mm256_shuffle_epi8(sc, ctrl2)));
      isum = _mm256_add_epi32(isum, scaled_dot(q3, load32(ah + 96), _mm256_shuffle_epi8(sc, ctrl3)));
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
  }
  return hsum_ps(acc);
}

// ---- Q3_K: 16 sub-blocks of 16, value = d*sc*(q-4), q in 0..7 ---------------------------------

float vec_dot_q3_K_q8_K_avx2(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ3K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m256i low2 = _mm256_set1_epi8(0x03);
  const __m256i bit2 = _mm256_set1_epi8(0x04);
  const __m256i ctrl[4] = {avx2::pair_ctrl(0), avx2::pair_ctrl(1), avx2::pair_ctrl(2), avx2::pair_ctrl(3)};
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = y[b].d * fp16_to_fp32_f16c(x[b].d);
    const __m256i sc16 = _mm256_cvtepi8_epi16(avx2::unpack_scales_q3_K_sse(x[b].scales));
    // The -4 offset: sum_j sc_j * 4 * bsum_j.
    __m256i isum = _mm256_slli_epi32(_mm256_madd_epi16(sc16, load32(y[b].bsums)), 2);
    isum = _mm256_sub_epi32(_mm256_setzero_si256(), isum);
    const int8_t* a = y[b].qs;
    // Bit 4h+g of hmask[l] is the high bit of value 128h+32g+l; shifted down one per group.
    __m256i hm = load32(x[b].hmask);
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const __m256i sc = h == 0 ? avx2::dup_lane0(sc16) : avx2::dup_lane1(sc16);
      __m256i q2 = load32(x[b].qs + 32 * h);
#pragma GCC unroll 4
      for (int g = 0; g < 4; ++g) {
        const __m256i q = _mm256_or_si256(_mm256_and_si256(q2, low2), _mm256_and_si256(_mm256_slli_epi16(hm, 2), bit2));
        q2 = _mm256_srli_epi16(q2, 2);
        hm = _mm256_srli_epi16(hm, 1);
        isum = _mm256_add_epi32(isum, scaled_dot(q, load32(a + 128 * h + 32 * g), _mm256_shuffle_epi8(sc, ctrl[g])));
      }
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
  }
  return hsum_ps(acc);
}

// ---- Q2_K: 16 sub-blocks of 16, value = d*sc*q - dmin*m, q in 0..3 ---------------------------

float vec_dot_q2_K_q8_K_avx2(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ2K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m128i low4 = _mm_set1_epi8(0x0F);
  const __m256i low2 = _mm256_set1_epi8(0x03);
  const __m256i ctrl[4] = {avx2::pair_ctrl(0), avx2::pair_ctrl(1), avx2::pair_ctrl(2), avx2::pair_ctrl(3)};
  __m256 acc = _mm256_setzero_ps();
  __m256 acc_min = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = y[b].d * fp16_to_fp32_f16c(x[b].d);
    const float dmin = y[b].d * fp16_to_fp32_f16c(x[b].dmin);
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[b].scales));
    const __m256i sc16 = _mm256_cvtepu8_epi16(_mm_and_si128(packed, low4));
    const __m256i mn16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), low4));
    const __m256i msum = _mm256_madd_epi16(mn16, load32(y[b].bsums));
    acc_min = _mm256_fmadd_ps(_mm256_set1_ps(dmin), _mm256_cvtepi32_ps(msum), acc_min);

    const int8_t* a = y[b].qs;
    __m256i isum = _mm256_setzero_si256();
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const __m256i sc = h == 0 ? avx2::dup_lane0(sc16) : avx2::dup_lane1(sc16);
      __m256i q2 = load32(x[b].qs + 32 * h);
#pragma GCC unroll 4
      for (int g = 0; g < 4; ++g) {
        const __m256i q = _mm256_and_si256(q2, low2);
        q2 = _mm256_srli_epi16(q2, 2);
        isum = _mm256_add_epi32(isum, scaled_dot(q, load32(a + 128 * h + 32 * g), _mm256_shuffle_epi8(sc, ctrl[g])));
      }
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
  }
  return hsum_ps(acc) - hsum_ps(acc_min);
}

// ---- IQ4_XS: 8 sub-blocks of 32, value = d*(ls-32)*kIQ4NLValues[q] ---------------------------

float vec_dot_iq4_xs_q8_K_avx2(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockIQ4XS*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m128i table128 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NLValues));
  const __m256i table = _mm256_set_m128i(table128, table128);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = y[b].d * fp16_to_fp32_f16c(x[b].d);
    const int8_t* a = y[b].qs;
    __m256i isum = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {  // sub-blocks 2p (bytes in lane 0) and 2p+1 (lane 1)
      const __m256i q = load32(x[b].qs + 32 * p);
      const __m256i lo = _mm256_and_si256(q, low4);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
      // Sub-block 2p = low nibbles then high nibbles of lane 0; 2p+1 the same of lane 1.
      const __m256i w0 = _mm256_shuffle_epi8(table, _mm256_permute2x128_si256(lo, hi, 0x20));
      const __m256i w1 = _mm256_shuffle_epi8(table, _mm256_permute2x128_si256(lo, hi, 0x31));
      const __m256i a0 = load32(a + 64 * p), a1 = load32(a + 64 * p + 32);
      const __m256i p0 = _mm256_maddubs_epi16(_mm256_sign_epi8(w0, w0), _mm256_sign_epi8(a0, w0));
      const __m256i p1 = _mm256_maddubs_epi16(_mm256_sign_epi8(w1, w1), _mm256_sign_epi8(a1, w1));
      const int s0 = (((x[b].scales_l[p] & 0x0F) | (((x[b].scales_h >> (4 * p)) & 3) << 4))) - 32;
      const int s1 = (((x[b].scales_l[p] >> 4) | (((x[b].scales_h >> (4 * p + 2)) & 3) << 4))) - 32;
      isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p0, _mm256_set1_epi16(static_cast<int16_t>(s0))));
      isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p1, _mm256_set1_epi16(static_cast<int16_t>(s1))));
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
  }
  return hsum_ps(acc);
}

}  // namespace pw::quant
