// AVX2 activation quantizers to Q8_0 and Q8_1 (twins of quantize_row_q8_0 / _q8_1 in
// legacy_quantize.cpp, which reproduce this code step by step, so the bytes are identical for
// every input).
//
// Per block of 32: amax by a fixed tree of max operations; d = amax / 127 (stored as F16);
// codes = round-half-even(x * (127 / amax)) converted to int32 and saturated to int8. These are
// ggml's x86 AVX2 rules (not its scalar _ref rules: roundf and 1 / d), because ggml's matmul on
// the machines that made our reference fixtures quantizes activations exactly this way.
// Q8_1 also stores s = F16(d * sum of the int32 codes).
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"

namespace pw::quant {
namespace {

struct QuantizedBlock {
  float d;
  __m256i codes[4];  // int32 codes of values 0-7, 8-15, 16-23, 24-31
};

inline QuantizedBlock quantize_block(const float* x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 v[4];
  for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(x + 8 * k);
  // amax: lanes combined in order v0..v3, then high half with low half, movehl, movehdup.
  __m256 m = _mm256_andnot_ps(sign, v[0]);
  for (int k = 1; k < 4; ++k) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, v[k]));
  __m128 m4 = _mm_max_ps(_mm256_extractf128_ps(m, 1), _mm256_castps256_ps128(m));
  m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
  m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
  const float amax = _mm_cvtss_f32(m4);

  QuantizedBlock out;
  out.d = amax / 127.0f;
  const __m256 id = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
  for (int k = 0; k < 4; ++k) {
    const __m256 r = _mm256_round_ps(_mm256_mul_ps(v[k], id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    out.codes[k] = _mm256_cvtps_epi32(r);
  }
  return out;
}

// Saturating pack of the 4 x 8 int32 codes to 32 int8 in value order.
inline void store_codes(const QuantizedBlock& q, int8_t* dst) {
  const __m256i w01 = _mm256_packs_epi32(q.codes[0], q.codes[1]);  // 0-3 8-11 | 4-7 12-15
  const __m256i w23 = _mm256_packs_epi32(q.codes[2], q.codes[3]);  // 16-19 24-27 | 20-23 28-31
  const __m256i b = _mm256_packs_epi16(w01, w23);  // groups of 4 values: 0 2 4 6 | 1 3 5 7
  const __m256i ordered = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), ordered);
}

inline int32_t sum_codes(const QuantizedBlock& q) {
  const __m256i s = _mm256_add_epi32(_mm256_add_epi32(q.codes[0], q.codes[1]),
                                     _mm256_add_epi32(q.codes[2], q.codes[3]));
  __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  t = _mm_add_epi32(t, _mm_unpackhi_epi64(t, t));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x55));
  return _mm_cvtsi128_si32(t);
}

inline uint16_t to_f16(float v) {
  const auto h = static_cast<uint16_t>(
      _mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(v), _MM_FROUND_TO_NEAREST_INT), 0));
  // F16C keeps NaN payloads; fp32_to_fp16 (used by the scalar twin) gives the plain quiet NaN.
  return (h & 0x7FFF) > 0x7C00 ? static_cast<uint16_t>((h & 0x8000) | 0x7E00) : h;
}

}  // namespace

void quantize_row_q8_0_avx2(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_0*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const QuantizedBlock q = quantize_block(src + b * kLegacyBlock);
    blocks[b].d = to_f16(q.d);
    store_codes(q, blocks[b].qs);
  }
}

void quantize_row_q8_1_avx2(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_1*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const QuantizedBlock q = quantize_block(src + b * kLegacyBlock);
    blocks[b].d = to_f16(q.d);
    blocks[b].s = to_f16(q.d * static_cast<float>(sum_codes(q)));
    store_codes(q, blocks[b].qs);
  }
}

}  // namespace pw::quant
