// AVX2 dot products of 32-value block weights with Q8_0 / Q8_1 activations; twins of
// legacy_vec_dot.cpp and vec_dot_iq4_nl_q8_0_scalar.
//
// Per block the 32 code products are summed exactly in integers (maddubs to int16 pairs, madd
// to 8 int32 lanes), converted to float (exact: |lane| < 2^24) and accumulated with one FMA by
// the product of the two F16 scales. Two blocks per iteration go to two accumulators so the
// FMA latency does not serialise the loop: decode is memory-bound and these kernels must keep
// up with the memory bus using every core.
//
// Versus the scalar twin only the float summation order differs. Both sum nb block terms
// d_b * (integer lanes); each result is within (nb + 8) * 2^-24 * B of the exact sum, with
// B = sum_b |dx_b * dy_b| * sum_j |qx_j * qy_j| (+ |m_b * s_b| for Q4_1/Q5_1), so the two agree
// within 2 * (nb + 8) * 2^-24 * B. The tests check exactly this bound.
//
// Code ranges: the sign trick (_mm256_sign_epi8) is exact for activation codes in -127..127,
// which is all our Q8 quantizers produce for finite input. Q8_0 weights may hold -128 (some
// files do), so the Q8_0 x Q8_0 kernel multiplies in 16 bits instead and is exact for any code.
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"

namespace pw::quant {
namespace {

struct BlockTerm {
  float scale;     // dx * dy
  __m256i lanes;   // 8 int32 partial sums of the code products
};

// Sums term(b).scale * term(b).lanes over the blocks, two independent FMA chains.
template <typename Term>
inline float sum_blocks(int64_t nb, Term term) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const BlockTerm t0 = term(b);
    const BlockTerm t1 = term(b + 1);
    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(t0.scale), _mm256_cvtepi32_ps(t0.lanes), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_set1_ps(t1.scale), _mm256_cvtepi32_ps(t1.lanes), acc1);
  }
  if (b < nb) {
    const BlockTerm t = term(b);
    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(t.scale), _mm256_cvtepi32_ps(t.lanes), acc0);
  }
  return avx2::hsum(_mm256_add_ps(acc0, acc1));
}

inline float scale_product(uint16_t dx, uint16_t dy) { return avx2::f16(dx) * avx2::f16(dy); }

// 5-bit codes of a block, 0..31 in value order.
inline __m256i codes_5bit(const uint8_t* qs, const uint8_t* qh) {
  const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(qh), _mm256_set1_epi8(0x10));
  return _mm256_or_si256(avx2::nibbles_32(qs), high);
}

}  // namespace

float vec_dot_q4_0_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  return sum_blocks(n / kLegacyBlock, [&](int64_t b) {
    const __m256i q = _mm256_sub_epi8(avx2::nibbles_32(wx[b].qs), _mm256_set1_epi8(8));  // -8..7
    return BlockTerm{scale_product(wx[b].d, ay[b].d), avx2::dot_s8_s8(q, avx2::load256(ay[b].qs))};
  });
}

float vec_dot_q4_1_q8_1_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_1*>(x);
  const auto* ay = static_cast<const BlockQ8_1*>(y);
  const int64_t nb = n / kLegacyBlock;
  float mins = 0.0f;
  for (int64_t b = 0; b < nb; ++b) mins += avx2::f16(wx[b].m) * avx2::f16(ay[b].s);
  return sum_blocks(nb, [&](int64_t b) {
    return BlockTerm{scale_product(wx[b].d, ay[b].d),
                     avx2::dot_u8_s8(avx2::nibbles_32(wx[b].qs), avx2::load256(ay[b].qs))};
  }) + mins;
}

float vec_dot_q5_0_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  return sum_blocks(n / kLegacyBlock, [&](int64_t b) {
    const __m256i q = _mm256_sub_epi8(codes_5bit(wx[b].qs, wx[b].qh), _mm256_set1_epi8(16));  // -16..15
    return BlockTerm{scale_product(wx[b].d, ay[b].d), avx2::dot_s8_s8(q, avx2::load256(ay[b].qs))};
  });
}

float vec_dot_q5_1_q8_1_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_1*>(x);
  const auto* ay = static_cast<const BlockQ8_1*>(y);
  const int64_t nb = n / kLegacyBlock;
  float mins = 0.0f;
  for (int64_t b = 0; b < nb; ++b) mins += avx2::f16(wx[b].m) * avx2::f16(ay[b].s);
  return sum_blocks(nb, [&](int64_t b) {
    return BlockTerm{scale_product(wx[b].d, ay[b].d),
                     avx2::dot_u8_s8(codes_5bit(wx[b].qs, wx[b].qh), avx2::load256(ay[b].qs))};
  }) + mins;
}

float vec_dot_q8_0_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ8_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  return sum_blocks(n / kLegacyBlock, [&](int64_t b) {
    // Sign-extend to int16 and madd: exact for every int8 pair, -128 * -128 included.
    const __m256i x_lo = _mm256_cvtepi8_epi16(avx2::load128(wx[b].qs));
    const __m256i x_hi = _mm256_cvtepi8_epi16(avx2::load128(wx[b].qs + 16));
    const __m256i y_lo = _mm256_cvtepi8_epi16(avx2::load128(ay[b].qs));
    const __m256i y_hi = _mm256_cvtepi8_epi16(avx2::load128(ay[b].qs + 16));
    const __m256i lanes = _mm256_add_epi32(_mm256_madd_epi16(x_lo, y_lo), _mm256_madd_epi16(x_hi, y_hi));
    return BlockTerm{scale_product(wx[b].d, ay[b].d), lanes};
  });
}

float vec_dot_iq4_nl_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockIq4Nl*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  const __m256i levels = _mm256_broadcastsi128_si256(avx2::load128(kIq4NlValues));
  return sum_blocks(n / kLegacyBlock, [&](int64_t b) {
    const __m256i q = _mm256_shuffle_epi8(levels, avx2::nibbles_32(wx[b].qs));  // -127..113
    return BlockTerm{scale_product(wx[b].d, ay[b].d), avx2::dot_s8_s8(q, avx2::load256(ay[b].qs))};
  });
}

}  // namespace pw::quant
