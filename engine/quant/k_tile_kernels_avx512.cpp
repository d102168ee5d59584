// AVX-512 VNNI tiles of Q4_K and Q5_K against Q8_K activations (256-bit registers through
// AVX512VL; built with -mavx512vnni, see engine/CMakeLists.txt; Q6_K: q6k_tile_kernels_avx512.cpp). Installed by kernel_table.cpp
// only when cpu_features().avx512_vnni_kernels; the AVX2 tiles (k_tile_kernels_avx2.cpp) and the
// scalar twins stay, and tests/engine/quant_tile_test.cpp compares all of them.
//
// Same arithmetic as the AVX2 tiles, fewer instructions: there every 32 values cost
//   maddubs(q, a) -> madd(pairs, sub-block scales) -> add into the int32 sums,
// here maddubs(q, a) -> vpdpwssd(sums, pairs, scales), which adds the same products into the
// same int32 lanes in one instruction. Integer sums are exact, so every lane holds the same
// integer as in the AVX2 tile; the float steps (mins FMA first, then the scaled sums) are the
// same in the same order: results are bit-identical to the AVX2 tiles (tested), hence also to
// the gemm panels, and decode stays consistent with batched prompts whichever kernel runs.
//
// Decode streams the weights from memory: the prefetch scheme is the AVX2 tiles' (kPrefetch
// bytes ahead per row stream, running on into the caller's next tile near a row's end).
#include <immintrin.h>

#include <type_traits>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/k_tile_avx512_common.h"
#include "engine/quant/tile_kernels.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "k_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512vl (files named *_avx512.cpp get them)"
#endif

namespace pw::quant {
namespace {

// Q4_K (kFive = false) and Q5_K (kFive = true): 8 sub-blocks of 32 values; per 64 values the
// low nibbles are sub-block 2p, the high nibbles 2p+1.
template <bool kFive, int NR, int NT>
void tile_q45_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  using WB = std::conditional_t<kFive, BlockQ5K, BlockQ4K>;
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(WB), next_tile = NR * ws;
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  const __m128i dup_mins = _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
  __m256 acc[NR][NT];
  #pragma GCC unroll 4
  for (auto& row : acc)
    #pragma GCC unroll 4
    for (auto& v : row) v = _mm256_setzero_ps();
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const WB* x[NR];
    __m256i scales[NR];
    [[maybe_unused]] __m256i qh[NR];
    const BlockQ8K* yb[NT];
    #pragma GCC unroll 4
    for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
    prefetch_blocks<WB, NR>(w, ws, b, row_bytes, next_tile);
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) {
      x[r] = reinterpret_cast<const WB*>(w + static_cast<size_t>(r) * ws) + b;
      const __m128i sc_mn = avx2::unpack_scales_mins_k4_vec(x[r]->scales);
      scales[r] = avx2::dup_lane0(_mm256_cvtepu8_epi16(sc_mn));
      if constexpr (kFive) qh[r] = load32(x[r]->qh);
      const __m256i mins = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(sc_mn, dup_mins));
      const float dmin = _cvtsh_ss(x[r]->dmin);
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        const __m256i msum = _mm256_madd_epi16(mins, load32(yb[t]->bsums));
        acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(-dmin * yb[t]->d), _mm256_cvtepi32_ps(msum), acc[r][t]);
      }
    }
    // Two integer sums per pair (low- and high-nibble sub-blocks), added at the end: vpdpwssd
    // has a 5-cycle latency, and one chain of 8 per super-block would bound a 1- or 2-row tile.
    __m256i isum[NR][NT], isum_hi[NR][NT];
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r)
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) isum[r][t] = isum_hi[r][t] = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const __m256i q = load32(x[r]->qs + 32 * p);
        __m256i lo = _mm256_and_si256(q, low4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
        if constexpr (kFive) {
          lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(qh[r], 4), bit4));
          hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_slli_epi16(qh[r], 3), bit4));
          qh[r] = _mm256_srli_epi16(qh[r], 2);
        }
        const __m256i s_lo = avx2::broadcast_scale(scales[r], 2 * p);
        const __m256i s_hi = avx2::broadcast_scale(scales[r], 2 * p + 1);
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          const int8_t* at = yb[t]->qs + 64 * p;
          isum[r][t] = add_scaled_dot(isum[r][t], lo, load32(at), s_lo);
          isum_hi[r][t] = add_scaled_dot(isum_hi[r][t], hi, load32(at + 32), s_hi);
        }
      }
    }
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) {
      const float d = _cvtsh_ss(x[r]->d);
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        const __m256i sum = _mm256_add_epi32(isum[r][t], isum_hi[r][t]);
        acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(d * yb[t]->d), _mm256_cvtepi32_ps(sum), acc[r][t]);
      }
    }
  }
  store<NR, NT>(acc, y, ys);
}

enum class Kind { Q4K, Q5K };

template <Kind K, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  tile_q45_K<K == Kind::Q5K, NR, NT>(n, w, ws, a, as, y, ys);
}

template <Kind K>
void tile_any(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt, float* y, size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile<K, NR, NT>(n, wb, ws, ab, as, y, ys); });
}

}  // namespace

void vec_dot_tile_q4_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_any<Kind::Q4K>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q5_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_any<Kind::Q5K>(n, w, ws, nr, a, as, nt, y, ys);
}

}  // namespace pw::quant
