#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "engine/model/softmax_kernels.h"
#include "engine/quant/cpu_features.h"

namespace pw::model {

float softmax_exp(float x) {
  if (!(x >= -87.3f)) return 0.0f;  // also -inf and NaN
  x = std::min(x, 88.3f);
  const float n = std::nearbyint(x * 1.44269504088896341f);
  float r = std::fma(n, -0.693145751953125f, x);       // ln 2, high part (exact product)
  r = std::fma(n, -1.428606765330187045e-06f, r);      // ln 2, low part
  float p = 1.0f / 720.0f;
  p = std::fma(p, r, 1.0f / 120.0f);
  p = std::fma(p, r, 1.0f / 24.0f);
  p = std::fma(p, r, 1.0f / 6.0f);
  p = std::fma(p, r, 0.5f);
  p = std::fma(p, r, 1.0f);
  p = std::fma(p, r, 1.0f);
  // Scale by 2^n through the exponent bits (n in [-126, 127] here).
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

void softmax_row_scalar(float* s, int n) {
  float max = -std::numeric_limits<float>::infinity();
  for (int j = 0; j < n; ++j) max = std::max(max, s[j]);
  float sum = 0.0f;
  for (int j = 0; j < n; ++j) {
    s[j] = softmax_exp(s[j] - max);
    sum += s[j];
  }
  const float inv = 1.0f / sum;
  for (int j = 0; j < n; ++j) s[j] *= inv;
}

void softmax_row(float* s, int n) {
  static const bool fast = quant::cpu_features().avx2_fma_f16c;
  if (fast)
    softmax_row_avx2(s, n);
  else
    softmax_row_scalar(s, n);
}

}  // namespace pw::model
