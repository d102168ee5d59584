// Reference quantizer for IQ4_XS (no importance matrix): 8 sub-blocks of 32 values, each value
// one of 16 fixed non-linear levels (kIQ4NLValues) times a 6-bit signed sub-block scale times
// an F16 super-scale.
//
// Per sub-block, a search over candidate inverse scales (level nearest to each scaled value,
// then the least-squares scale for those levels, weights x^2) as ggml's reference does; then the
// sub-block scales quantized to -32..31 against the super-scale, and every value re-matched to
// the nearest level under the scale it will be decoded with.
#include <cmath>
#include <cstring>
#include <initializer_list>

#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_internal.h"

namespace pw::quant {
namespace {

using detail::fp32_to_fp16_saturated;
using detail::round_clamped;

// Index of the level nearest to v (levels are sorted; ties go to the lower level).
int nearest_level(float v) {
  int index = 0;
  for (int k = 1; k < 16; ++k) {
    const float midpoint = 0.5f * static_cast<float>(kIQ4NLValues[k - 1] + kIQ4NLValues[k]);
    index += v > midpoint ? 1 : 0;
  }
  return index;
}

// Best scale for one sub-block of 32 (signed; 0 when the sub-block is all zero).
float fit_sub_block(const float* x_raw) {
  float amax = 0.0f, max = 0.0f;
  for (int i = 0; i < 32; ++i) {
    if (std::fabs(x_raw[i]) > amax) {
      amax = std::fabs(x_raw[i]);
      max = x_raw[i];
    }
  }
  if (!(amax >= 1e-15f) || !std::isfinite(amax)) return 0.0f;
  // The search weighs by x^2 and compares products of squared sums (order x^6): run it on
  // values normalised to [-1, 1] so it neither overflows nor underflows, then scale back.
  float x[32];
  const float inv_amax = 1.0f / amax;
  for (int i = 0; i < 32; ++i) x[i] = x_raw[i] * inv_amax;
  const float sign = max < 0.0f ? -1.0f : 1.0f;
  // Maximise sum(w q x)^2 / sum(w q^2) over candidates; the first candidate maps max to the
  // top level, the others map it near the bottom level -127 (the end with more room).
  float best_scale = 0.0f, best_num = 0.0f, best_den = 1.0f;
  for (int k = -8; k <= 7; ++k) {
    const float inv = k == -8 ? 127.0f * sign : static_cast<float>(k + kIQ4NLValues[0]) * sign;
    float sum_qx = 0.0f, sum_q2 = 0.0f;
    for (int i = 0; i < 32; ++i) {
      const float q = static_cast<float>(kIQ4NLValues[nearest_level(inv * x[i])]);
      const float w = x[i] * x[i];
      sum_qx += w * q * x[i];
      sum_q2 += w * q * q;
    }
    if (sum_q2 > 0.0f && sum_qx * sum_qx * best_den > best_num * best_num * sum_q2) {
      best_num = sum_qx;
      best_den = sum_q2;
      best_scale = sum_qx / sum_q2;
    }
  }
  return best_scale * amax;
}

// With the F16 super-scale d fixed: tries the 6-bit sub-block scale k and its neighbours,
// matches every value to its nearest level under each, and keeps the one with the least squared
// error (ties keep k). Writes the levels; returns the chosen scale.
int settle_scale(const float* x, float d, int k, uint8_t* L) {
  float best_err = 0.0f;
  int best_k = k;
  bool have_best = false;
  for (int off : {0, -1, 1}) {
    const int kk = k + off;
    if (kk < -32 || kk > 31) continue;
    const float scale = d * static_cast<float>(kk);
    // With a zero scale every value decodes to 0 whatever its level.
    const float inv_scale = scale != 0.0f ? 1.0f / scale : 0.0f;
    uint8_t levels[32];
    float err = 0.0f;
    for (int i = 0; i < 32; ++i) {
      levels[i] = static_cast<uint8_t>(nearest_level(inv_scale * x[i]));
      const float diff = scale * static_cast<float>(kIQ4NLValues[levels[i]]) - x[i];
      err += diff * diff;
    }
    if (!have_best || err < best_err) {
      have_best = true;
      best_err = err;
      best_k = kk;
      std::memcpy(L, levels, sizeof levels);
    }
  }
  return best_k;
}

}  // namespace

void quantize_row_iq4_xs(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockIQ4XS*>(dst);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float* x = src + b * kQK_K;
    BlockIQ4XS& out = blocks[b];
    std::memset(&out, 0, sizeof out);
    float scales[8];
    float max_scale = 0.0f;  // signed: the scale of largest magnitude
    for (int j = 0; j < 8; ++j) {
      scales[j] = fit_sub_block(x + 32 * j);
      if (std::fabs(scales[j]) > std::fabs(max_scale)) max_scale = scales[j];
    }
    // The largest scale lands on -32, the roomier end of the 6-bit range.
    const float d_exact = -max_scale / 32.0f;
    out.d = fp32_to_fp16_saturated(d_exact);
    const float d = fp16_to_fp32(out.d);
    const float inv_d = d_exact != 0.0f ? 1.0f / d_exact : 0.0f;
    for (int j = 0; j < 8; ++j) {
      uint8_t L[32];
      const int ls = settle_scale(x + 32 * j, d, round_clamped(inv_d * scales[j], -32, 31), L);
      const int biased = ls + 32;
      out.scales_l[j / 2] = static_cast<uint8_t>(out.scales_l[j / 2] | ((biased & 0x0F) << (4 * (j % 2))));
      out.scales_h = static_cast<uint16_t>(out.scales_h | ((biased >> 4) << (2 * j)));
      for (int i = 0; i < 16; ++i) out.qs[16 * j + i] = static_cast<uint8_t>(L[i] | (L[16 + i] << 4));
    }
  }
}

}  // namespace pw::quant
