// The BERT GELU over a row with F16C conversions (8 values at a time); the table lookups stay
// scalar. Same values as the scalar gelu() in blocks.cpp, bit for bit (tested): _mm256_cvtps_ph
// rounds to nearest even like fp32_to_fp16, and the table is the same one.
#include <immintrin.h>

#include <cstdint>

#include "engine/model/gelu_kernels.h"

namespace pw::model {

void gelu_avx2(float* x, int n, const uint16_t* table) {
  int i = 0;
  alignas(32) uint16_t h[8];
  alignas(32) uint16_t g[8];
  const __m256 lo = _mm256_set1_ps(-10.0f), hi = _mm256_set1_ps(10.0f);
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    _mm_store_si128(reinterpret_cast<__m128i*>(h), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (int j = 0; j < 8; ++j) g[j] = table[h[j]];
    __m256 r = _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(g)));
    // x <= -10 -> 0, x >= 10 -> x (outside the table, as ggml).
    r = _mm256_blendv_ps(r, _mm256_setzero_ps(), _mm256_cmp_ps(v, lo, _CMP_LE_OQ));
    r = _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, hi, _CMP_GE_OQ));
    _mm256_storeu_ps(x + i, r);
  }
  gelu_scalar(x + i, n - i, table);
}

}  // namespace pw::model
