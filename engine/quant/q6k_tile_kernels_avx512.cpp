// AVX-512 VNNI tile of Q6_K against Q8_K activations (moved out of k_tile_kernels_avx512.cpp,
// which keeps Q4_K/Q5_K). Installed by kernel_table.cpp only when
// cpu_features().avx512_vnni_kernels; the AVX2 tile (k_tile_kernels_avx2.cpp) and the scalar twin
// stay, and tests/engine/quant_tile_test.cpp compares all of them.
//
//   vec_dot_tile_q6_K_q8_K_avx512(n, W, w_row_bytes, 1, A, a_row_bytes, 1, y, rows);  // decode
//
// Results are bit-identical to the AVX2 tile (same int32 lanes, same float steps), hence also to
// the gemm panels: decode stays consistent with batched prompts whichever kernel runs.
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/k_tile_avx512_common.h"
#include "engine/quant/tile_kernels.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "q6k_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512vl (files named *_avx512.cpp get them)"
#endif

namespace pw::quant {
namespace {

// Q6_K: 16 sub-blocks of 16 values, signed 8-bit scales, codes 0..63 with a -32 offset that
// goes into the integer sums as -32 * sum_j scale_j * bsum_j (as in the AVX2 tile).
template <int NR, int NT>
void tile_q6_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(BlockQ6K), next_tile = NR * ws;
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i ctrl0 = avx2::pair_ctrl(0), ctrl1 = avx2::pair_ctrl(1);
  const __m256i ctrl2 = avx2::pair_ctrl(2), ctrl3 = avx2::pair_ctrl(3);
  __m256 acc[NR][NT];
  #pragma GCC unroll 4
  for (auto& row : acc)
    #pragma GCC unroll 4
    for (auto& v : row) v = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const BlockQ6K* x[NR];
    __m256i sc16[NR];
    prefetch_blocks<BlockQ6K, NR>(w, ws, b, row_bytes, next_tile);
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) {
      x[r] = reinterpret_cast<const BlockQ6K*>(w + static_cast<size_t>(r) * ws) + b;
      sc16[r] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[r]->scales)));
    }
    const BlockQ8K* yb[NT];
    #pragma GCC unroll 4
    for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
    __m256i isum[NR][NT];
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r)
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t)
        isum[r][t] = _mm256_sub_epi32(_mm256_setzero_si256(),
                                      _mm256_slli_epi32(_mm256_madd_epi16(sc16[r], load32(yb[t]->bsums)), 5));
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const __m256i sc = h == 0 ? avx2::dup_lane0(sc16[r]) : avx2::dup_lane1(sc16[r]);
        const __m256i ql0 = load32(x[r]->ql + 64 * h);
        const __m256i ql1 = load32(x[r]->ql + 64 * h + 32);
        const __m256i qh = load32(x[r]->qh + 32 * h);
        // (ql nibble) | (qh bits & 0x30): the or and the second and in one vpternlogd (A | B & C).
        const auto merge = [&](__m256i nib, __m256i high) {
          return _mm256_ternarylogic_epi32(_mm256_and_si256(nib, low4), high, bits45, 0xF8);
        };
        const __m256i q0 = merge(ql0, _mm256_slli_epi16(qh, 4));
        const __m256i q1 = merge(ql1, _mm256_slli_epi16(qh, 2));
        const __m256i q2 = merge(_mm256_srli_epi16(ql0, 4), qh);
        const __m256i q3 = merge(_mm256_srli_epi16(ql1, 4), _mm256_srli_epi16(qh, 2));
        const __m256i s0 = _mm256_shuffle_epi8(sc, ctrl0), s1 = _mm256_shuffle_epi8(sc, ctrl1);
        const __m256i s2 = _mm256_shuffle_epi8(sc, ctrl2), s3 = _mm256_shuffle_epi8(sc, ctrl3);
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          const int8_t* ah = yb[t]->qs + 128 * h;
          // Two chains (see tile_q45_K), joined before the next half.
          const __m256i s01 = add_scaled_dot(add_scaled_dot(isum[r][t], q0, load32(ah), s0), q1, load32(ah + 32), s1);
          const __m256i s2x = _mm256_madd_epi16(_mm256_maddubs_epi16(q2, load32(ah + 64)), s2);
          const __m256i s23 = add_scaled_dot(s2x, q3, load32(ah + 96), s3);
          isum[r][t] = _mm256_add_epi32(s01, s23);
        }
      }
    }
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) {
      const float d = _cvtsh_ss(x[r]->d);
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t)
        acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(d * yb[t]->d), _mm256_cvtepi32_ps(isum[r][t]), acc[r][t]);
    }
  }
  store<NR, NT>(acc, y, ys);
}

}  // namespace

void vec_dot_tile_q6_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile_q6_K<NR, NT>(n, wb, ws, ab, as, y, ys); });
}

}  // namespace pw::quant
