// Activation quantization to Q8_K (scalar reference; AVX2 twin in k_quants_q8k_avx2.cpp).
//
// Must not change (the AVX2 twin and ggml produce the same bytes): the scale is chosen from the
// value of largest magnitude (first one on ties) as iscale = -127/that value, so that value maps
// to -127; every q = nearest-even(iscale * x), within [-127, 127] (finite input never leaves
// that range; the clamp only matters for NaN/Inf, and keeps -128 out, which the IQ4_XS AVX2
// kernel's sign trick cannot take); d = 1/iscale; bsums are the sums of each 16 quants. An
// all-zero block gets d = 0, zero quants and zero sums.
#include <cmath>
#include <cstring>

#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_internal.h"

namespace pw::quant {

void quantize_row_q8_K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8K*>(dst);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float* x = src + b * kQK_K;
    BlockQ8K& out = blocks[b];
    float amax = 0.0f, max = 0.0f;
    for (int i = 0; i < kQK_K; ++i) {
      const float ax = std::fabs(x[i]);
      if (ax > amax) {
        amax = ax;
        max = x[i];
      }
    }
    if (amax == 0.0f) {
      std::memset(&out, 0, sizeof out);
      continue;
    }
    const float iscale = -127.0f / max;
    for (int i = 0; i < kQK_K; ++i) {
      out.qs[i] = static_cast<int8_t>(detail::round_clamped(iscale * x[i], -127, 127));
    }
    for (int j = 0; j < kQK_K / 16; ++j) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += out.qs[16 * j + i];
      out.bsums[j] = static_cast<int16_t>(sum);
    }
    out.d = 1.0f / iscale;
  }
}

}  // namespace pw::quant
