// AVX2 activation quantization to Q8_K. Produces exactly the bytes of the scalar reference
// quantize_row_q8_K (k_quants_q8k.cpp): same scale choice (first value of largest magnitude),
// same product iscale*x, same nearest-even rounding and clamping, same block sums.
// Built with -mavx2 -mfma -mf16c; call only after cpu_features().avx2_fma_f16c.
#include <immintrin.h>

#include <cstring>

#include "engine/quant/k_quants.h"

namespace pw::quant {
namespace {

// 8 int32 sums, each of 4 consecutive int8 quants of `q` (32 bytes).
inline __m256i sums_of_4(__m256i q) {
  const __m256i ones8 = _mm256_set1_epi8(1);
  const __m256i ones16 = _mm256_set1_epi16(1);
  // maddubs takes its first operand unsigned: ones (unsigned) x q (signed) = pair sums of q.
  return _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, q), ones16);
}

// Block sums of 16 for 128 quants (four 32-byte vectors), in order, as 8 int32.
inline __m256i sums_of_16(__m256i q0, __m256i q1, __m256i q2, __m256i q3) {
  const __m256i h01 = _mm256_hadd_epi32(sums_of_4(q0), sums_of_4(q1));
  const __m256i h23 = _mm256_hadd_epi32(sums_of_4(q2), sums_of_4(q3));
  // hadd works within 128-bit lanes: lane 0 holds the first 16-sums of q0..q3, lane 1 the
  // second ones. Interleave the lanes back into memory order.
  const __m256i both = _mm256_hadd_epi32(h01, h23);
  return _mm256_permutevar8x32_epi32(both, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// 32 floats -> 32 int8: round to nearest even, clamp to [-127, 127] (NaN -> -127, like the
// scalar round_clamped).
inline __m256i round_to_int8(const float* x, __m256 iscale) {
  const __m256 lo = _mm256_set1_ps(-127.0f), hi = _mm256_set1_ps(127.0f);
  __m256i v[4];
  for (int k = 0; k < 4; ++k) {
    __m256 p = _mm256_mul_ps(iscale, _mm256_loadu_ps(x + 8 * k));
    p = _mm256_round_ps(p, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    p = _mm256_max_ps(p, lo);  // max_ps returns the second operand when the first is NaN
    p = _mm256_min_ps(p, hi);
    v[k] = _mm256_cvttps_epi32(p);
  }
  const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3]));
  // The packs work per 128-bit lane; restore element order.
  return _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

}  // namespace

void quantize_row_q8_K_avx2(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8K*>(dst);
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float* x = src + b * kQK_K;
    BlockQ8K& out = blocks[b];

    __m256 vmax = _mm256_setzero_ps();
    for (int i = 0; i < kQK_K; i += 8) {
      // Operand order: a NaN in x yields the running max, so NaN is ignored like in scalar.
      vmax = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i), abs_mask), vmax);
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float amax = _mm_cvtss_f32(m4);
    if (amax == 0.0f) {
      std::memset(&out, 0, sizeof out);
      continue;
    }
    // The first value whose magnitude is the maximum decides the sign of the scale.
    const __m256 vamax = _mm256_set1_ps(amax);
    float max = amax;
    for (int i = 0; i < kQK_K; i += 8) {
      const __m256 ax = _mm256_and_ps(_mm256_loadu_ps(x + i), abs_mask);
      const int hits = _mm256_movemask_ps(_mm256_cmp_ps(ax, vamax, _CMP_EQ_OQ));
      if (hits) {
        max = x[i + __builtin_ctz(static_cast<unsigned>(hits))];
        break;
      }
    }
    const float iscale = -127.0f / max;
    const __m256 viscale = _mm256_set1_ps(iscale);

    __m256i q[8];
    for (int k = 0; k < 8; ++k) {
      q[k] = round_to_int8(x + 32 * k, viscale);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.qs + 32 * k), q[k]);
    }
    const __m256i s_lo = sums_of_16(q[0], q[1], q[2], q[3]);
    const __m256i s_hi = sums_of_16(q[4], q[5], q[6], q[7]);
    const __m256i s16 = _mm256_permute4x64_epi64(_mm256_packs_epi32(s_lo, s_hi), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.bsums), s16);
    out.d = 1.0f / iscale;
  }
}

}  // namespace pw::quant
