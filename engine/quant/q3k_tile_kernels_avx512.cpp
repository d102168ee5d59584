// Tiles of Q3_K against Q8_K activations on 512-bit registers, 64 values (four 16-value
// sub-blocks) per register; with them Q3_K has a tile and a decode walk (it had only vec_dot,
// pair by pair, and Q3_K_M files decoded slower than the larger Q4_K_M ones). Installed by
// kernel_table.cpp only when cpu_features().avx512_wide_kernels (see
// wide_tile_kernels_avx512.cpp for the cores).
//
//   vec_dot_tile_q3_K_q8_K_avx512_wide(n, W, w_row_bytes, 4, A, a_row_bytes, 1, y, 4);
//
// Value e = 128h + 32g + l of a super-block is (qs[32h + l] >> 2g) & 3, plus 4 when bit 4h + g
// of hmask[l] is set, minus 4 (BlockQ3K). Register u (values 64u .. 64u + 63, h = u / 2, groups
// g = 2(u % 2) and g + 1 in its halves) holds the unsigned codes 0..7: the 32 qs bytes in both
// halves shifted by 2g and 2g + 2, plus 4 where the hmask bytes (both halves) have their bit;
// the activations are 64 consecutive bytes, so one load. vpdpbusd then gives 4 int32 lanes per
// 16-value sub-block (4 is taken off through the start value), multiplied by the sub-block's
// scale (the 16 scales one int32 register, spread over the lanes by vpermd) and summed exactly
// over the super-block, as vec_dot does; one FMA per super-block then adds d_a * d times it
// into the (row, token)'s 16-lane accumulator. Only the float reduction differs from vec_dot
// (within its tolerance of the scalar twin: tested); every tile shape and the walk use the same
// order, so decode and batches agree bit for bit (tested).
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/row_stream.h"
#include "engine/quant/tile_kernels.h"
#include "engine/quant/wide_avx512_common.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512BW__)
#error "q3k_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512bw (files named *_avx512.cpp get them)"
#endif

// GCC 12's 512-bit cast and insert intrinsics pass an undefined register as a merge source and
// then warn that it is (or may be) used uninitialized: a false positive in its own headers (fixed
// in GCC 13), silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant {
namespace {

// The 16 sub-block scales scale_j (-32..31) of a super-block as int32, lane j.
__m512i sub_block_scales(const BlockQ3K& x) {
  return _mm512_cvtepi8_epi32(avx2::unpack_scales_q3_K_sse(x.scales));
}

template <int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
          int64_t groups = 1) {
  const int64_t nb = n / kQK_K;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(BlockQ3K);
  const RowStream stream(wide::kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m512i three = _mm512_set1_epi8(3);
  const __m512i four = _mm512_set1_epi8(4);
  // Register u: the 2-bit shifts of its two groups, the hmask bits they test, and which
  // sub-block scale each 4-lane group of the result takes (4u .. 4u + 3).
  __m512i shift[2], pick[4];
  #pragma GCC unroll 2
  for (int k = 0; k < 2; ++k) shift[k] = _mm512_inserti64x4(_mm512_set1_epi64(4 * k), _mm256_set1_epi64x(4 * k + 2), 1);
  #pragma GCC unroll 4
  for (int u = 0; u < 4; ++u)
    pick[u] = _mm512_setr_epi32(4 * u, 4 * u, 4 * u, 4 * u, 4 * u + 1, 4 * u + 1, 4 * u + 1, 4 * u + 1, 4 * u + 2,
                                4 * u + 2, 4 * u + 2, 4 * u + 2, 4 * u + 3, 4 * u + 3, 4 * u + 3, 4 * u + 3);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows: decode, one token, ys 1).
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m512 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 4
      for (auto& v : row) v = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
      // A block is 110 bytes: two prefetches per row cover every line of the stream.
      const size_t pf = stream.offset(static_cast<size_t>(b) * sizeof(BlockQ3K));
      const BlockQ3K* x[NR];
      __m512i sw[NR];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const uint8_t* row = w + static_cast<size_t>(r) * ws;
        avx2::prefetch(row + pf);
        avx2::prefetch(row + pf + 64);
        x[r] = reinterpret_cast<const BlockQ3K*>(row) + b;
        sw[r] = sub_block_scales(*x[r]);
      }
      const BlockQ8K* yb[NT];
      #pragma GCC unroll 2
      for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
      // The super-block's exact integer sum per (row, token) and lane, as in vec_dot.
      __m512i isum[NR][NT];
      #pragma GCC unroll 4
      for (auto& row : isum)
        #pragma GCC unroll 2
        for (auto& v : row) v = _mm512_setzero_si512();
      #pragma GCC unroll 4
      for (int u = 0; u < 4; ++u) {
        const int h = u / 2, k = u % 2;  // groups 2k and 2k + 1 of half h
        // hmask bit 4h + 2k in the low half's bytes, 4h + 2k + 1 in the high half's.
        const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8(static_cast<char>(1 << (4 * h + 2 * k))),
                                               _mm256_set1_epi8(static_cast<char>(1 << (4 * h + 2 * k + 1))), 1);
        __m512i codes[NR], scale[NR];
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          scale[r] = _mm512_permutexvar_epi32(pick[u], sw[r]);
          const __m512i q = _mm512_broadcast_i64x4(wide::load256(x[r]->qs + 32 * h));
          const __m512i low = _mm512_and_si512(_mm512_srlv_epi64(q, shift[k]), three);
          const __mmask64 high = _mm512_test_epi8_mask(_mm512_broadcast_i64x4(wide::load256(x[r]->hmask)), bit);
          codes[r] = _mm512_mask_add_epi8(low, high, low, four);
        }
        #pragma GCC unroll 2
        for (int t = 0; t < NT; ++t) {
          const __m512i aq = _mm512_loadu_si512(yb[t]->qs + 64 * u);
          const __m512i start =
              _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), four, aq));
          #pragma GCC unroll 4
          for (int r = 0; r < NR; ++r) {
            const __m512i lanes = _mm512_dpbusd_epi32(start, codes[r], aq);
            isum[r][t] = _mm512_add_epi32(isum[r][t], _mm512_mullo_epi32(lanes, scale[r]));
          }
        }
      }
      // One float step per super-block: d_a * d times the integer sum (vec_dot's order of
      // factors), so results stay within float rounding of the reference's.
      #pragma GCC unroll 2
      for (int t = 0; t < NT; ++t)
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r)
          acc[r][t] = _mm512_fmadd_ps(_mm512_set1_ps(yb[t]->d * _cvtsh_ss(x[r]->d)), _mm512_cvtepi32_ps(isum[r][t]),
                                      acc[r][t]);
    }
    #pragma GCC unroll 2
    for (int t = 0; t < NT; ++t)
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r)
        y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = _mm512_reduce_add_ps(acc[r][t]);
  }
}

}  // namespace

void vec_dot_tile_q3_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile<NR, NT>(n, wb, ws, ab, as, y, ys); });
}

// Decode: the rows four by four, the rest as one smaller tile.
void vec_dot_rows_q3_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  walk_rows_by<kTileRows>(rows, [&]<int NR>(int64_t first, int64_t groups) {
    tile<NR, 1>(n, wb + static_cast<size_t>(first) * ws, ws, ab, 0, y + first, 1, groups);
  });
}

}  // namespace pw::quant
