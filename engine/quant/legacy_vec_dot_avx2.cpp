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
// Code ranges: the signed products use the sign trick (|w| unsigned times y with w's sign),
// exact for any weight code, -128 included, as long as the activation code is not -128; our
// Q8 quantizers never produce -128 from finite input.
//
// Scales: one vcvtph2ps of the first 8 bytes of a block converts d (and, for Q4_1/Q5_1, the
// minimum m next to it) in one go; times the activation block's (d, s) that gives dx*dy and
// m*s in one multiply. This keeps the shuffle port free: scalar F16 conversions per block
// were the bottleneck (measured 1.3-1.7x slower). The extra lanes hold code bytes read as F16,
// never used.
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"

namespace pw::quant {
namespace {

// F16 values at p, p+2, p+4, p+6 as 4 floats (reads 8 bytes; every block is longer).
inline __m128 f16x4(const void* p) { return _mm_cvtph_ps(_mm_loadl_epi64(static_cast<const __m128i*>(p))); }

struct BlockTerm {
  __m128 scales;   // lane 0: dx * dy; lane 1: m * s (Q4_1/Q5_1 only)
  __m256i lanes;   // 8 int32 partial sums of the code products
};

// Sums scales[0] * lanes over the blocks in two independent FMA chains, plus (kWithMin) the
// scales[1] terms in two more chains.
template <bool kWithMin, typename Term>
inline float sum_blocks(int64_t nb, Term term) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  __m128 min0 = _mm_setzero_ps();
  __m128 min1 = _mm_setzero_ps();
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const BlockTerm t0 = term(b);
    const BlockTerm t1 = term(b + 1);
    acc0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(t0.scales), _mm256_cvtepi32_ps(t0.lanes), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_broadcastss_ps(t1.scales), _mm256_cvtepi32_ps(t1.lanes), acc1);
    if constexpr (kWithMin) {
      min0 = _mm_add_ps(min0, t0.scales);
      min1 = _mm_add_ps(min1, t1.scales);
    }
  }
  if (b < nb) {
    const BlockTerm t = term(b);
    acc0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(t.scales), _mm256_cvtepi32_ps(t.lanes), acc0);
    if constexpr (kWithMin) min0 = _mm_add_ps(min0, t.scales);
  }
  float sum = avx2::hsum(_mm256_add_ps(acc0, acc1));
  if constexpr (kWithMin) {
    const __m128 mins = _mm_add_ps(min0, min1);
    sum += _mm_cvtss_f32(_mm_movehdup_ps(mins));  // lane 1
  }
  return sum;
}

inline __m128 scale_products(const void* x_block, const void* y_block) {
  return _mm_mul_ps(f16x4(x_block), f16x4(y_block));
}

// 5-bit codes of a block, 0..31 in value order.
inline __m256i codes_5bit(const uint8_t* qs, const uint8_t* qh) {
  const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(qh), _mm256_set1_epi8(0x10));
  return _mm256_or_si256(avx2::nibbles_32(qs), high);
}

}  // namespace

float vec_dot_q4_0_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  return sum_blocks<false>(n / kLegacyBlock, [&](int64_t b) {
    const __m256i q = _mm256_sub_epi8(avx2::nibbles_32(wx[b].qs), _mm256_set1_epi8(8));  // -8..7
    return BlockTerm{scale_products(&wx[b], &ay[b]), avx2::dot_s8_s8(q, avx2::load256(ay[b].qs))};
  });
}

float vec_dot_q4_1_q8_1_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_1*>(x);
  const auto* ay = static_cast<const BlockQ8_1*>(y);
  return sum_blocks<true>(n / kLegacyBlock, [&](int64_t b) {
    return BlockTerm{scale_products(&wx[b], &ay[b]),  // (d, m) * (d, s)
                     avx2::dot_u8_s8(avx2::nibbles_32(wx[b].qs), avx2::load256(ay[b].qs))};
  });
}

float vec_dot_q5_0_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  return sum_blocks<false>(n / kLegacyBlock, [&](int64_t b) {
    const __m256i q = _mm256_sub_epi8(codes_5bit(wx[b].qs, wx[b].qh), _mm256_set1_epi8(16));  // -16..15
    return BlockTerm{scale_products(&wx[b], &ay[b]), avx2::dot_s8_s8(q, avx2::load256(ay[b].qs))};
  });
}

float vec_dot_q5_1_q8_1_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_1*>(x);
  const auto* ay = static_cast<const BlockQ8_1*>(y);
  return sum_blocks<true>(n / kLegacyBlock, [&](int64_t b) {
    return BlockTerm{scale_products(&wx[b], &ay[b]),  // (d, m) * (d, s)
                     avx2::dot_u8_s8(codes_5bit(wx[b].qs, wx[b].qh), avx2::load256(ay[b].qs))};
  });
}

float vec_dot_q8_0_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ8_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  return sum_blocks<false>(n / kLegacyBlock, [&](int64_t b) {
    // Weights are the sign source: exact for weight code -128 too.
    return BlockTerm{scale_products(&wx[b], &ay[b]),
                     avx2::dot_s8_s8(avx2::load256(wx[b].qs), avx2::load256(ay[b].qs))};
  });
}

float vec_dot_iq4_nl_q8_0_avx2(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockIq4Nl*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  const __m256i levels = _mm256_broadcastsi128_si256(avx2::load128(kIq4NlValues));
  return sum_blocks<false>(n / kLegacyBlock, [&](int64_t b) {
    const __m256i q = _mm256_shuffle_epi8(levels, avx2::nibbles_32(wx[b].qs));  // -127..113
    return BlockTerm{scale_products(&wx[b], &ay[b]), avx2::dot_s8_s8(q, avx2::load256(ay[b].qs))};
  });
}

}  // namespace pw::quant
