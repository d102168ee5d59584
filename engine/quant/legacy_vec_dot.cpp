// Scalar dot products of 32-value block weights with quantized activations (legacy_quants.h).
//
// Per block: the integer dot product of the codes (exact), times the F32 product of the two
// F16 scales, added to a float sum in block order; Q4_1/Q5_1 add m * s per block (the min
// times the activation block's d * sum(q)). This is ggml's generic kernel; the AVX2 twins use
// the same per-block integers and scales and differ only in the order of the float additions.
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

// Integer codes of a 4-bit block with a constant offset, values in ggml order.
inline int dot_nibbles(const uint8_t* qs, int offset, const int8_t* y) {
  int sum = 0;
  for (int j = 0; j < 16; ++j) {
    sum += ((qs[j] & 0x0F) - offset) * y[j];
    sum += ((qs[j] >> 4) - offset) * y[j + 16];
  }
  return sum;
}

inline int dot_5bit(const uint8_t* qs, const uint8_t* qh_bytes, int offset, const int8_t* y) {
  const uint32_t qh = load_qh(qh_bytes);
  int sum = 0;
  for (int j = 0; j < 16; ++j) {
    const int lo = (qs[j] & 0x0F) | static_cast<int>(((qh >> j) & 1u) << 4);
    const int hi = (qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1u) << 4);
    sum += (lo - offset) * y[j];
    sum += (hi - offset) * y[j + 16];
  }
  return sum;
}

}  // namespace

float vec_dot_q4_0_q8_0_scalar(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const int sumi = dot_nibbles(wx[b].qs, 8, ay[b].qs);
    sum += static_cast<float>(sumi) * (fp16_to_fp32(wx[b].d) * fp16_to_fp32(ay[b].d));
  }
  return sum;
}

float vec_dot_q4_1_q8_1_scalar(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_1*>(x);
  const auto* ay = static_cast<const BlockQ8_1*>(y);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const int sumi = dot_nibbles(wx[b].qs, 0, ay[b].qs);
    sum += static_cast<float>(sumi) * (fp16_to_fp32(wx[b].d) * fp16_to_fp32(ay[b].d)) +
           fp16_to_fp32(wx[b].m) * fp16_to_fp32(ay[b].s);
  }
  return sum;
}

float vec_dot_q5_0_q8_0_scalar(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const int sumi = dot_5bit(wx[b].qs, wx[b].qh, 16, ay[b].qs);
    sum += static_cast<float>(sumi) * (fp16_to_fp32(wx[b].d) * fp16_to_fp32(ay[b].d));
  }
  return sum;
}

float vec_dot_q5_1_q8_1_scalar(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_1*>(x);
  const auto* ay = static_cast<const BlockQ8_1*>(y);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const int sumi = dot_5bit(wx[b].qs, wx[b].qh, 0, ay[b].qs);
    sum += static_cast<float>(sumi) * (fp16_to_fp32(wx[b].d) * fp16_to_fp32(ay[b].d)) +
           fp16_to_fp32(wx[b].m) * fp16_to_fp32(ay[b].s);
  }
  return sum;
}

float vec_dot_q8_0_q8_0_scalar(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ8_0*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    int sumi = 0;
    for (int j = 0; j < kLegacyBlock; ++j) sumi += wx[b].qs[j] * ay[b].qs[j];
    sum += static_cast<float>(sumi) * (fp16_to_fp32(wx[b].d) * fp16_to_fp32(ay[b].d));
  }
  return sum;
}

}  // namespace pw::quant
