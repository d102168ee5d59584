// Scalar quantizers of the 32-value block formats (declared in legacy_quants.h).
//
// The weight quantizers (Q4_0, Q4_1, Q5_0, Q5_1 and quantize_row_q8_*_reference) follow ggml's
// quantize_row_*_ref operation for operation, in the same float order, so that quantizing a
// model's F32 weights gives the bytes llama-quantize writes (no importance matrix). What must
// not change: the scale formulas (Q4_0 d = max / -8 with max the signed value of largest
// magnitude, first one wins on ties; Q4_1 d = (max - min) / 15; ...), the use of the F32 scale
// (not the stored F16 one) for the codes, and truncation of code + 0.5 (not rounding).
//
// The activation quantizers (quantize_row_q8_0 / _q8_1) are the scalar twins of
// q8_activation_avx2.cpp and mirror ggml's AVX2 code instead (see legacy_quants.h for why):
// the same max tree, scale 127 / amax, half-to-even rounding, int32 conversion and saturation,
// so the two give the same bytes for every input, NaN and infinity included.
//
// Float -> integer conversions never hit undefined behaviour: every conversion goes through a
// helper that returns what x86's cvttss2si/cvtps2dq would give for out-of-range input (only
// reachable with NaN or infinite input).
#include <cfloat>
#include <cmath>
#include <cstring>

#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"
#include "engine/tensor/fp16.h"

namespace pw::quant {
namespace {

// C's (int32_t)v with x86 semantics: truncation, and INT32_MIN when v is NaN or out of range.
inline int32_t truncate_i32(float v) {
  if (!(v >= -2147483648.0f && v < 2147483648.0f)) return INT32_MIN;
  return static_cast<int32_t>(v);
}

// C's (int8_t)v / (uint8_t)v as compiled for x86 (truncate to int32, keep the low byte).
inline uint8_t truncate_low_byte(float v) { return static_cast<uint8_t>(truncate_i32(v) & 0xFF); }

inline uint8_t min_code(uint8_t limit, float v) {
  const auto code = static_cast<int8_t>(truncate_low_byte(v));  // signed, like ggml's (int8_t)
  return static_cast<uint8_t>(code < limit ? code : limit);
}

// Signed value of largest magnitude (the first one on ties), as ggml's q4_0/q5_0 use it.
inline float signed_absmax(const float* x) {
  float amax = 0.0f, max = 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    if (amax < std::fabs(x[j])) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  return max;
}

inline void min_max(const float* x, float& min, float& max) {
  min = FLT_MAX;
  max = -FLT_MAX;
  for (int j = 0; j < kLegacyBlock; ++j) {
    if (x[j] < min) min = x[j];
    if (x[j] > max) max = x[j];
  }
}

// Writes the 32 5-bit codes of a block: low nibbles into qs (Q4 order), bit 4 into qh.
inline void pack_5bit(const uint8_t* codes, uint8_t* qs, uint8_t* qh) {
  uint32_t high = 0;
  for (int j = 0; j < 16; ++j) {
    qs[j] = static_cast<uint8_t>((codes[j] & 0x0F) | ((codes[j + 16] & 0x0F) << 4));
    high |= static_cast<uint32_t>((codes[j] >> 4) & 1u) << j;
    high |= static_cast<uint32_t>((codes[j + 16] >> 4) & 1u) << (j + 16);
  }
  std::memcpy(qh, &high, sizeof high);
}

// _mm256_max_ps semantics: the second operand when either is NaN.
inline float maxps(float a, float b) { return a > b ? a : b; }

// The max-abs reduction of q8_activation_avx2.cpp, lane for lane: 4 vectors of 8 combined in
// order, then 128-bit halves (high, low), then movehl, then movehdup.
inline float activation_absmax(const float* x) {
  float lane[8];
  for (int l = 0; l < 8; ++l) {
    float m = std::fabs(x[l]);
    for (int v = 1; v < 4; ++v) m = maxps(m, std::fabs(x[8 * v + l]));
    lane[l] = m;
  }
  float four[4];
  for (int l = 0; l < 4; ++l) four[l] = maxps(lane[4 + l], lane[l]);
  const float two0 = maxps(four[0], four[2]);
  const float two1 = maxps(four[1], four[3]);
  return maxps(two0, two1);
}

// _mm256_round_ps(nearest even) then _mm256_cvtps_epi32.
inline int32_t round_even_i32(float v) { return truncate_i32(std::nearbyint(v)); }

// _mm256_packs_epi32 then _mm256_packs_epi16: signed saturation to int8.
inline int8_t saturate_i8(int32_t v) {
  return static_cast<int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

// Shared by the Q8_0 and Q8_1 activation quantizers; returns the F32 scale and the int32 sum
// of the codes before saturation (what the AVX2 code adds up).
inline float quantize_activation_block(const float* x, int8_t* qs, int32_t& sum) {
  const float amax = activation_absmax(x);
  const float d = amax / 127.0f;
  const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
  uint32_t wrapped = 0;  // the SIMD sum wraps; unsigned arithmetic wraps without UB
  for (int j = 0; j < kLegacyBlock; ++j) {
    const int32_t q = round_even_i32(x[j] * id);
    wrapped += static_cast<uint32_t>(q);
    qs[j] = saturate_i8(q);
  }
  sum = static_cast<int32_t>(wrapped);
  return d;
}

// ggml's *_ref scale and rounding for Q8: inverse of d = amax / 127, roundf (half away).
inline float quantize_reference_block(const float* x, int8_t* qs) {
  float amax = 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    const float a = std::fabs(x[j]);
    amax = amax > a ? amax : a;
  }
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) qs[j] = static_cast<int8_t>(truncate_low_byte(std::round(x[j] * id)));
  return d;
}

}  // namespace

void quantize_row_q4_0(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ4_0*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const float* x = src + b * kLegacyBlock;
    const float d = signed_absmax(x) / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = fp32_to_fp16(d);
    for (int j = 0; j < 16; ++j) {
      const uint8_t lo = min_code(15, x[j] * id + 8.5f);
      const uint8_t hi = min_code(15, x[j + 16] * id + 8.5f);
      blocks[b].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
  }
}

void quantize_row_q4_1(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ4_1*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const float* x = src + b * kLegacyBlock;
    float min, max;
    min_max(x, min, max);
    const float d = (max - min) / 15.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = fp32_to_fp16(d);
    blocks[b].m = fp32_to_fp16(min);
    for (int j = 0; j < 16; ++j) {
      const uint8_t lo = min_code(15, (x[j] - min) * id + 0.5f);
      const uint8_t hi = min_code(15, (x[j + 16] - min) * id + 0.5f);
      blocks[b].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
  }
}

void quantize_row_q5_0(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ5_0*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const float* x = src + b * kLegacyBlock;
    const float d = signed_absmax(x) / -16.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = fp32_to_fp16(d);
    uint8_t codes[kLegacyBlock];
    for (int j = 0; j < kLegacyBlock; ++j) codes[j] = min_code(31, x[j] * id + 16.5f);
    pack_5bit(codes, blocks[b].qs, blocks[b].qh);
  }
}

void quantize_row_q5_1(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ5_1*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const float* x = src + b * kLegacyBlock;
    float min, max;
    min_max(x, min, max);
    const float d = (max - min) / 31.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = fp32_to_fp16(d);
    blocks[b].m = fp32_to_fp16(min);
    uint8_t codes[kLegacyBlock];
    // ggml has no clamp here ((uint8_t) only); finite input never exceeds 31.
    for (int j = 0; j < kLegacyBlock; ++j) codes[j] = truncate_low_byte((x[j] - min) * id + 0.5f);
    pack_5bit(codes, blocks[b].qs, blocks[b].qh);
  }
}

void quantize_row_q8_0_reference(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_0*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    blocks[b].d = fp32_to_fp16(quantize_reference_block(src + b * kLegacyBlock, blocks[b].qs));
  }
}

void quantize_row_q8_1_reference(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_1*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    const float d = quantize_reference_block(src + b * kLegacyBlock, blocks[b].qs);
    int sum = 0;
    for (int j = 0; j < kLegacyBlock; ++j) sum += blocks[b].qs[j];
    blocks[b].d = fp32_to_fp16(d);
    blocks[b].s = fp32_to_fp16(static_cast<float>(sum) * d);
  }
}

void quantize_row_q8_0(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_0*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    int32_t sum;
    blocks[b].d = fp32_to_fp16(quantize_activation_block(src + b * kLegacyBlock, blocks[b].qs, sum));
  }
}

void quantize_row_q8_1(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_1*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    int32_t sum;
    const float d = quantize_activation_block(src + b * kLegacyBlock, blocks[b].qs, sum);
    blocks[b].d = fp32_to_fp16(d);
    blocks[b].s = fp32_to_fp16(d * static_cast<float>(sum));
  }
}

}  // namespace pw::quant
