// Small helpers shared by the K-quant source files (not a public API).
//
//   int q = round_clamped(x * inv_scale, -32, 31);   // nearest-even, clamped, NaN -> lo
//   blk.d = fp32_to_fp16_saturated(scale);           // never +-Inf for finite scales
//
// Must not change: round_clamped rounds half to even, like ggml's nearest_int and like AVX2's
// _mm256_round_ps(_MM_FROUND_TO_NEAREST_INT); quantize_row_q8_K and its AVX2 twin rely on it
// to produce identical bytes.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "engine/tensor/fp16.h"

namespace pw::quant::detail {

// Round to nearest (ties to even) after clamping to [lo, hi]. Clamping first keeps the
// float-to-int step defined for any input: huge values saturate, NaN becomes lo.
inline int round_clamped(float v, int lo, int hi) {
  // Plain comparisons (std::fmax/fmin are library calls without -ffast-math); NaN fails the
  // first test and becomes lo.
  v = v >= static_cast<float>(lo) ? v : static_cast<float>(lo);
  v = v <= static_cast<float>(hi) ? v : static_cast<float>(hi);
  // Adding 1.5 * 2^23 pushes the fraction bits out of the mantissa; the FPU rounds to nearest
  // even on the way (default rounding mode). Valid for |v| < 2^22, which the clamp guarantees.
  const float shifted = v + 12582912.0f;
  int32_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  return (bits & 0x007FFFFF) - 0x00400000;
}

// Largest finite half: F16 scales are clamped to it so dequantized values stay finite.
inline constexpr float kMaxFp16 = 65504.0f;

inline uint16_t fp32_to_fp16_saturated(float f) {
  if (f > kMaxFp16) f = kMaxFp16;
  if (f < -kMaxFp16) f = -kMaxFp16;
  return fp32_to_fp16(f);
}

}  // namespace pw::quant::detail

namespace pw::quant::detail {

// Inverses of unpack_scales_mins_k4 / unpack_scales_q3_K (k_quants.h). Inputs must be in range:
// scales/mins 0..63; Q3_K scales -32..31 (stored with a +32 bias).
void pack_scales_mins_k4(const uint8_t scales[8], const uint8_t mins[8], uint8_t packed[12]);
void pack_scales_q3_K(const int8_t scales[16], uint8_t packed[12]);

}  // namespace pw::quant::detail
