// Scalar dequantization of the 32-value block formats (declared in legacy_quants.h).
//
// Each value is code * d (+ m): one product rounded to float, then one sum, never fused, which
// is what ggml computes and what the AVX2 twins reproduce bit for bit.
#include <cstring>

#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"
#include "engine/tensor/fp16.h"

namespace pw::quant {
namespace {

inline uint32_t load_qh(const uint8_t* qh) {
  uint32_t v;
  std::memcpy(&v, qh, sizeof v);
  return v;
}

}  // namespace

void dequantize_row_q4_0(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_0*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    for (int j = 0; j < 16; ++j) {
      dst[j] = static_cast<float>((blocks[b].qs[j] & 0x0F) - 8) * d;
      dst[j + 16] = static_cast<float>((blocks[b].qs[j] >> 4) - 8) * d;
    }
  }
}

void dequantize_row_q4_1(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_1*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    const float m = fp16_to_fp32(blocks[b].m);
    for (int j = 0; j < 16; ++j) {
      dst[j] = static_cast<float>(blocks[b].qs[j] & 0x0F) * d + m;
      dst[j + 16] = static_cast<float>(blocks[b].qs[j] >> 4) * d + m;
    }
  }
}

void dequantize_row_q5_0(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_0*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    const uint32_t qh = load_qh(blocks[b].qh);
    for (int j = 0; j < 16; ++j) {
      const int lo = (blocks[b].qs[j] & 0x0F) | static_cast<int>(((qh >> j) & 1u) << 4);
      const int hi = (blocks[b].qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1u) << 4);
      dst[j] = static_cast<float>(lo - 16) * d;
      dst[j + 16] = static_cast<float>(hi - 16) * d;
    }
  }
}

void dequantize_row_q5_1(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_1*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    const float m = fp16_to_fp32(blocks[b].m);
    const uint32_t qh = load_qh(blocks[b].qh);
    for (int j = 0; j < 16; ++j) {
      const int lo = (blocks[b].qs[j] & 0x0F) | static_cast<int>(((qh >> j) & 1u) << 4);
      const int hi = (blocks[b].qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1u) << 4);
      dst[j] = static_cast<float>(lo) * d + m;
      dst[j + 16] = static_cast<float>(hi) * d + m;
    }
  }
}

void dequantize_row_q8_0(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_0*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    for (int j = 0; j < kLegacyBlock; ++j) dst[j] = static_cast<float>(blocks[b].qs[j]) * d;
  }
}

void dequantize_row_q8_1(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_1*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    for (int j = 0; j < kLegacyBlock; ++j) dst[j] = static_cast<float>(blocks[b].qs[j]) * d;
  }
}

}  // namespace pw::quant
