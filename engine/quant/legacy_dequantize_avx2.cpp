// AVX2 dequantization of the 32-value block formats; twins of legacy_dequantize.cpp and of
// dequantize_row_iq4_nl. Same results bit for bit: int8 -> float is exact, then one product
// (and, with a minimum, one separate sum). The only exception is a NaN scale, where F16C
// returns a quiet NaN and the scalar conversion keeps a signalling one (both NaN).
//
// Prefill dequantizes whole weight tiles through these, so they are written to stream: one
// block per iteration, four 8-float stores.
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"

namespace pw::quant {

void dequantize_row_q4_0_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_0*>(src);
  const __m256i eight = _mm256_set1_epi8(8);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const __m256i q = _mm256_sub_epi8(avx2::nibbles_32(blocks[b].qs), eight);
    avx2::store_scaled_32(q, avx2::f16(blocks[b].d), dst);
  }
}

void dequantize_row_q4_1_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_1*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    avx2::store_scaled_offset_32(avx2::nibbles_32(blocks[b].qs), avx2::f16(blocks[b].d),
                                 avx2::f16(blocks[b].m), dst);
  }
}

void dequantize_row_q5_0_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_0*>(src);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  const __m256i sixteen = _mm256_set1_epi8(16);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(blocks[b].qh), bit4);
    const __m256i q = _mm256_sub_epi8(_mm256_or_si256(avx2::nibbles_32(blocks[b].qs), high), sixteen);
    avx2::store_scaled_32(q, avx2::f16(blocks[b].d), dst);
  }
}

void dequantize_row_q5_1_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_1*>(src);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(blocks[b].qh), bit4);
    const __m256i q = _mm256_or_si256(avx2::nibbles_32(blocks[b].qs), high);  // 0..31
    avx2::store_scaled_offset_32(q, avx2::f16(blocks[b].d), avx2::f16(blocks[b].m), dst);
  }
}

void dequantize_row_q8_0_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_0*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    avx2::store_scaled_32(avx2::load256(blocks[b].qs), avx2::f16(blocks[b].d), dst);
  }
}

void dequantize_row_iq4_nl_avx2(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockIq4Nl*>(src);
  const __m256i levels = _mm256_broadcastsi128_si256(avx2::load128(kIq4NlValues));
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const __m256i q = _mm256_shuffle_epi8(levels, avx2::nibbles_32(blocks[b].qs));
    avx2::store_scaled_32(q, avx2::f16(blocks[b].d), dst);
  }
}

}  // namespace pw::quant
