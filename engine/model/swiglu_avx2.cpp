// AVX2 + FMA twin of swiglu_scalar (swiglu_kernels.h), 8 values at a time.
#include <immintrin.h>

#include "engine/model/exp_avx2.h"
#include "engine/model/swiglu_kernels.h"

namespace pw::model {

void swiglu_avx2(const float* gate, const float* up, int n, float* out) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 g = _mm256_loadu_ps(gate + i);
    const __m256 e = exp8(_mm256_xor_ps(g, sign));  // exp(-g)
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
  }
  swiglu_scalar(gate + i, up + i, n - i, out + i);
}

}  // namespace pw::model
