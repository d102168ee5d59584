// AVX2 tiles of the K-quants with the most weight in real models (Q4_K, Q5_K, Q6_K) against
// Q8_K activations: up to kTileRows weight rows x kTileTokens activation rows per call. See
// tile_kernels.h; the per-block integer arithmetic is that of k_quants_dot_avx2.cpp.
//
// Per super-block (256 values) and pair (row, token) the integer sum of sub-block scale x
// (codes . activations) is exact in 8 int32 lanes; it is converted once and added with one FMA
// by d_w * d_a. Q4_K/Q5_K mins: m_j * (bsum_2j + bsum_2j+1) in 8 int32 lanes (one madd with
// the mins duplicated per 16-value group), added with a second FMA by -dmin_w * d_a. Q6_K's
// -32 offset goes into the integer sum (-32 * scale_j * bsum_j), as in the vec_dot kernel.
// The nibble/bit unpacking and the scale broadcasts are done once per row for all tokens of
// the tile; activation loads once per token for all rows (they come from L1 anyway).
#include <immintrin.h>

#include <cstddef>
#include <type_traits>

#include "engine/quant/k_quants.h"
#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/k_tile_common.h"
#include "engine/quant/tile_kernels.h"

namespace pw::quant {
namespace {

inline __m256i scaled_dot(__m256i q, __m256i a, __m256i scales) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(q, a), scales);
}

// Q4_K (kFive = false) and Q5_K (kFive = true).
// Per block and row only two pshufb go through the shuffle port: scales and mins are unpacked
// from two broadcast loads (avx2::unpack_scales_mins_k4_x2), the (s_j, s_j) int16 pairs stored to
// the stack once and read by the sub-block loop as broadcast loads (plain loads; 8 pshufb per
// block before), d and dmin converted together by one vcvtph2ps from memory and multiplied by
// the activation's d in one vmulps, the two products read by the FMAs as broadcast loads.
template <bool kFive, int NR, int NT>
void tile_q45_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
                int64_t groups = 1) {
  using WB = std::conditional_t<kFive, BlockQ5K, BlockQ4K>;
  static_assert(offsetof(WB, dmin) == offsetof(WB, d) + 2, "d and dmin are converted with one load");
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(WB);
  const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  const __m256i scale_ctrl = avx2::k4_pair_dup_ctrl(false), min_ctrl = avx2::k4_pair_dup_ctrl(true);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows), with the constants above
  // kept in registers.
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m256 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 4
      for (auto& v : row) v = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQK_K; ++b) {
      const WB* x[NR];
      [[maybe_unused]] __m256i qh[NR];
      const BlockQ8K* yb[NT];
      alignas(32) int32_t sc[NR][8];   // (s_j, s_j) int16 pairs, j = sub-block
      alignas(16) float f[NR][NT][4];  // d * d_a, dmin * d_a
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
      prefetch_blocks<WB, NR>(w, ws, b, stream);
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        x[r] = reinterpret_cast<const WB*>(w + static_cast<size_t>(r) * ws) + b;
        const __m256i sm = avx2::unpack_scales_mins_k4_x2(x[r]->scales);
        _mm256_store_si256(reinterpret_cast<__m256i*>(sc[r]), _mm256_shuffle_epi8(sm, scale_ctrl));
        if constexpr (kFive) qh[r] = load32(x[r]->qh);
        // The mins term first, so its registers are free for the sub-block loop (with 4 rows the
        // mins, scales, sums and accumulators did not all fit in 16 registers).
        const __m256i mins = _mm256_shuffle_epi8(sm, min_ctrl);  // (m_j, m_j) int16 pairs
        // [d, dmin, -, -] (the other two lanes are scale bytes, unused)
        const __m128 d_dmin = _mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(&x[r]->d)));
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) _mm_store_ps(f[r][t], _mm_mul_ps(d_dmin, _mm_set1_ps(yb[t]->d)));
        // Keep the compiler from taking the products and scales back out of the registers they were
        // stored from (shuffle-port extracts): they are meant to be read as broadcast loads.
        asm("" : "+m"(f[r]), "+m"(sc[r]));
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          const __m256i msum = _mm256_madd_epi16(mins, load32(yb[t]->bsums));
          // -(dmin * d_a) * msum + acc: fma(-dmin * d_a, msum, acc) exactly (negation is exact)
          acc[r][t] = _mm256_fnmadd_ps(_mm256_broadcast_ss(&f[r][t][1]), _mm256_cvtepi32_ps(msum), acc[r][t]);
        }
      }
      __m256i isum[NR][NT];
      #pragma GCC unroll 4
      for (auto& row : isum)
        #pragma GCC unroll 4
        for (auto& v : row) v = _mm256_setzero_si256();
  #pragma GCC unroll 4
      for (int p = 0; p < 4; ++p) {  // 64 values: sub-blocks 2p (low nibbles) and 2p+1 (high)
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
          const __m256i s_lo = _mm256_set1_epi32(sc[r][2 * p]);
          const __m256i s_hi = _mm256_set1_epi32(sc[r][2 * p + 1]);
          #pragma GCC unroll 4
          for (int t = 0; t < NT; ++t) {
            const int8_t* at = yb[t]->qs + 64 * p;
            isum[r][t] = _mm256_add_epi32(isum[r][t], scaled_dot(lo, load32(at), s_lo));
            isum[r][t] = _mm256_add_epi32(isum[r][t], scaled_dot(hi, load32(at + 32), s_hi));
          }
        }
      }
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r)
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t)
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&f[r][t][0]), _mm256_cvtepi32_ps(isum[r][t]), acc[r][t]);
    }
    store<NR, NT>(acc, y, ys);
  }
}

template <int NR, int NT>
void tile_q6_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
               int64_t groups = 1) {
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(BlockQ6K);
  const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i ctrl0 = avx2::pair_ctrl(0), ctrl1 = avx2::pair_ctrl(1);
  const __m256i ctrl2 = avx2::pair_ctrl(2), ctrl3 = avx2::pair_ctrl(3);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows), with the constants above
  // kept in registers.
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m256 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 4
      for (auto& v : row) v = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQK_K; ++b) {
      const BlockQ6K* x[NR];
      __m256i sc16[NR];
      prefetch_blocks<BlockQ6K, NR>(w, ws, b, stream);
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
        for (int t = 0; t < NT; ++t)  // the -32 offset: -32 * sum_j sc_j * bsum_j
          isum[r][t] = _mm256_sub_epi32(_mm256_setzero_si256(),
                                        _mm256_slli_epi32(_mm256_madd_epi16(sc16[r], load32(yb[t]->bsums)), 5));
#pragma GCC unroll 2
      for (int h = 0; h < 2; ++h) {  // 128 values each
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          const __m256i sc = h == 0 ? avx2::dup_lane0(sc16[r]) : avx2::dup_lane1(sc16[r]);
          const __m256i ql0 = load32(x[r]->ql + 64 * h);
          const __m256i ql1 = load32(x[r]->ql + 64 * h + 32);
          const __m256i qh = load32(x[r]->qh + 32 * h);
          const __m256i q0 =
              _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45));
          const __m256i q1 =
              _mm256_or_si256(_mm256_and_si256(ql1, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45));
          const __m256i q2 =
              _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4), _mm256_and_si256(qh, bits45));
          const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                             _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45));
          const __m256i s0 = _mm256_shuffle_epi8(sc, ctrl0), s1 = _mm256_shuffle_epi8(sc, ctrl1);
          const __m256i s2 = _mm256_shuffle_epi8(sc, ctrl2), s3 = _mm256_shuffle_epi8(sc, ctrl3);
          #pragma GCC unroll 4
          for (int t = 0; t < NT; ++t) {
            const int8_t* ah = yb[t]->qs + 128 * h;
            __m256i s = _mm256_add_epi32(scaled_dot(q0, load32(ah), s0), scaled_dot(q1, load32(ah + 32), s1));
            s = _mm256_add_epi32(s, _mm256_add_epi32(scaled_dot(q2, load32(ah + 64), s2),
                                                     scaled_dot(q3, load32(ah + 96), s3)));
            isum[r][t] = _mm256_add_epi32(isum[r][t], s);
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
}

enum class Kind { Q4K, Q5K, Q6K };

template <Kind K, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  if constexpr (K == Kind::Q6K)
    tile_q6_K<NR, NT>(n, w, ws, a, as, y, ys);
  else
    tile_q45_K<K == Kind::Q5K, NR, NT>(n, w, ws, a, as, y, ys);
}

// Decode: `rows` rows against one token, walked inside one call (tile_kernels.h: Q4_K/Q5_K two
// rows at a time, walk_rows; Q6_K one).
template <Kind K>
void rows_any(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  if constexpr (K == Kind::Q6K) {
    // Row by row: Q6_K's tile is at memory speed already, and two row streams at once cost it
    // 4-6% (tile_kernels.h).
    tile_q6_K<1, 1>(n, wb, ws, ab, 0, y, 1, rows);
  } else {
    walk_rows(rows, [&]<int NR>(int64_t first, int64_t groups) {
      tile_q45_K<K == Kind::Q5K, NR, 1>(n, wb + first * ws, ws, ab, 0, y + first, 1, groups);
    });
  }
}

template <Kind K>
void tile_any(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt, float* y, size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile<K, NR, NT>(n, wb, ws, ab, as, y, ys); });
}

}  // namespace

void vec_dot_tile_q4_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_any<Kind::Q4K>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q5_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_any<Kind::Q5K>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q6_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_any<Kind::Q6K>(n, w, ws, nr, a, as, nt, y, ys);
}

void vec_dot_rows_q4_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_any<Kind::Q4K>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q5_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_any<Kind::Q5K>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q6_K_q8_K_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_any<Kind::Q6K>(n, w, ws, rows, a, y);
}

}  // namespace pw::quant
