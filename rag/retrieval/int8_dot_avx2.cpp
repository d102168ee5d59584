// AVX2 twin of int8_dot_rows_scalar. Compiled with -mavx2 (file name ends in _avx2.cpp) and
// only called after the run-time CPU check in int8_dot_rows().
#include <immintrin.h>

#include "rag/retrieval/int8_dot.h"

namespace pw::rag {

// Per 32 bytes: |q| (unsigned) times sign(q) * r (signed) with maddubs gives pairwise sums
// q0*r0 + q1*r1 as int16 (at most 2*127*127 = 32258, no saturation since neither side is
// -128), then madd with ones widens to int32 lanes.
void int8_dot_rows_avx2(const int8_t* query, const int8_t* rows, size_t stride, size_t n_rows, int32_t* out) {
  const __m256i ones = _mm256_set1_epi16(1);
  const size_t blocks = stride / 32;
  for (size_t r = 0; r < n_rows; ++r) {
    const int8_t* row = rows + r * stride;
    __m256i acc = _mm256_setzero_si256();
    for (size_t b = 0; b < blocks; ++b) {
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(query + 32 * b));
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 32 * b));
      const __m256i q_abs = _mm256_sign_epi8(q, q);
      const __m256i x_signed = _mm256_sign_epi8(x, q);
      const __m256i pairs = _mm256_maddubs_epi16(q_abs, x_signed);
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
    }
    const __m128i lo = _mm256_castsi256_si128(acc);
    const __m128i hi = _mm256_extracti128_si256(acc, 1);
    __m128i s = _mm_add_epi32(lo, hi);
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    int32_t sum = _mm_cvtsi128_si32(s);
    // A stride that is not a multiple of 32 (outside the contract) still gets an exact tail.
    for (size_t i = blocks * 32; i < stride; ++i) sum += int32_t{query[i]} * int32_t{row[i]};
    out[r] = sum;
  }
}

}  // namespace pw::rag
