// AVX2 twin of weighted_sum_scalar (batch_attention.h): out[d] = sum_j w[j] * v[j][d] with the
// same operations in the same order as attend_head's loop (out starts at 0; for j ascending,
// one multiply then one add, never fused), so the results are bit-identical to it; tested.
// Faster because 64 outputs stay in 8 registers over all j instead of being loaded and stored
// per j.
#include <immintrin.h>

#include "engine/model/batch_attention.h"

namespace pw::model {

// fp-contract off: GCC would otherwise fuse the multiply and the add into an FMA, which rounds
// once instead of twice and breaks the bit-identity with attend_head.
__attribute__((optimize("fp-contract=off"))) void weighted_sum_avx2(const float* w, int n, const float* v, int dv,
                                                                     float* out) {
  int d0 = 0;
  for (; d0 + 64 <= dv; d0 += 64) {
    __m256 acc[8];
    for (int i = 0; i < 8; ++i) acc[i] = _mm256_setzero_ps();
    for (int j = 0; j < n; ++j) {
      const __m256 wj = _mm256_set1_ps(w[j]);
      const float* vr = v + static_cast<size_t>(j) * static_cast<size_t>(dv) + d0;
      for (int i = 0; i < 8; ++i) acc[i] = _mm256_add_ps(acc[i], _mm256_mul_ps(wj, _mm256_loadu_ps(vr + 8 * i)));
    }
    for (int i = 0; i < 8; ++i) _mm256_storeu_ps(out + d0 + 8 * i, acc[i]);
  }
  for (; d0 + 8 <= dv; d0 += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int j = 0; j < n; ++j)
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(w[j]),
                                             _mm256_loadu_ps(v + static_cast<size_t>(j) * static_cast<size_t>(dv) + d0)));
    _mm256_storeu_ps(out + d0, acc);
  }
  for (; d0 < dv; ++d0) {
    float acc = 0.0f;
    for (int j = 0; j < n; ++j) acc += w[j] * v[static_cast<size_t>(j) * static_cast<size_t>(dv) + d0];
    out[d0] = acc;
  }
}

}  // namespace pw::model
