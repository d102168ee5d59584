// IQ4_NL scalar kernels: 32 values per block, F16 scale, 4-bit indices into the non-linear
// table kIq4NlValues (legacy_blocks.h). Declared in legacy_quants.h.
//
// The quantizer is ggml's quantize_iq4_nl without importance matrix (what llama-quantize writes
// for IQ4_NL files): weights w = x^2, a first scale max / 127 refined by least squares, then 15
// candidate inverse scales (itry - 127) / max for itry in -7..7, keeping the scale that
// maximises (sum w q x)^2 / sum w q^2; finally every value is re-assigned to the nearest level
// under the chosen scale. Float operations are kept in ggml's order so the bytes match.
#include <cmath>

#include "engine/quant/legacy_blocks.h"
#include "engine/quant/legacy_quants.h"
#include "engine/tensor/fp16.h"

namespace pw::quant {
namespace {

constexpr float kGroupMaxEps = 1e-15f;  // blocks with smaller magnitude quantize to zero
constexpr int kSearchSteps = 7;         // itry in -7..7 as llama-quantize uses

// Index of the level nearest to v (ties go up); NaN ends at the top level. Levels ascend.
inline int nearest_level(float v) {
  if (v <= kIq4NlValues[0]) return 0;
  if (v >= kIq4NlValues[15]) return 15;
  int lo = 0, hi = 15;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (v < kIq4NlValues[mid]) hi = mid; else lo = mid;
  }
  return v - kIq4NlValues[hi - 1] < kIq4NlValues[hi] - v ? hi - 1 : hi;
}

// sum w*q*x and sum w*q*q for the levels chosen at inverse scale `id`; records the levels.
inline void fit_sums(const float* x, const float* w, float id, uint8_t* levels, float& sumqx, float& sumq2) {
  sumqx = 0.0f;
  sumq2 = 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    const int l = nearest_level(id * x[j]);
    if (levels) levels[j] = static_cast<uint8_t>(l);
    const float q = kIq4NlValues[l];
    sumqx += w[j] * q * x[j];
    sumq2 += w[j] * q * q;
  }
}

void quantize_block(const float* x, BlockIq4Nl& out) {
  float w[kLegacyBlock];
  float amax = 0.0f, max = 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    w[j] = x[j] * x[j];
    const float ax = std::fabs(x[j]);
    if (ax > amax) {
      amax = ax;
      max = x[j];
    }
  }
  float d = 0.0f;
  if (!(amax < kGroupMaxEps)) {
    d = -max / static_cast<float>(kIq4NlValues[0]);
    float sumqx, sumq2;
    fit_sums(x, w, 1.0f / d, nullptr, sumqx, sumq2);
    d = sumq2 > 0.0f ? sumqx / sumq2 : 0.0f;
    float best = d * sumqx;
    for (int itry = -kSearchSteps; itry <= kSearchSteps; ++itry) {
      const float id = static_cast<float>(itry + kIq4NlValues[0]) / max;
      fit_sums(x, w, id, nullptr, sumqx, sumq2);
      if (sumq2 > 0.0f && sumqx * sumqx > best * sumq2) {
        d = sumqx / sumq2;
        best = d * sumqx;
      }
    }
  }
  out.d = fp32_to_fp16(d);
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  uint8_t levels[kLegacyBlock];
  for (int j = 0; j < kLegacyBlock; ++j) levels[j] = static_cast<uint8_t>(nearest_level(id * x[j]));
  for (int j = 0; j < 16; ++j) out.qs[j] = static_cast<uint8_t>(levels[j] | (levels[j + 16] << 4));
}

}  // namespace

void quantize_row_iq4_nl(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockIq4Nl*>(dst);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) quantize_block(src + b * kLegacyBlock, blocks[b]);
}

void dequantize_row_iq4_nl(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockIq4Nl*>(src);
  for (int64_t b = 0; b < n / kLegacyBlock; ++b, dst += kLegacyBlock) {
    const float d = fp16_to_fp32(blocks[b].d);
    for (int j = 0; j < 16; ++j) {
      dst[j] = d * static_cast<float>(kIq4NlValues[blocks[b].qs[j] & 0x0F]);
      dst[j + 16] = d * static_cast<float>(kIq4NlValues[blocks[b].qs[j] >> 4]);
    }
  }
}

float vec_dot_iq4_nl_q8_0_scalar(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockIq4Nl*>(x);
  const auto* ay = static_cast<const BlockQ8_0*>(y);
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kLegacyBlock; ++b) {
    int sumi = 0;
    for (int j = 0; j < 16; ++j) {
      sumi += kIq4NlValues[wx[b].qs[j] & 0x0F] * ay[b].qs[j];
      sumi += kIq4NlValues[wx[b].qs[j] >> 4] * ay[b].qs[j + 16];
    }
    sum += static_cast<float>(sumi) * (fp16_to_fp32(wx[b].d) * fp16_to_fp32(ay[b].d));
  }
  return sum;
}

}  // namespace pw::quant
