// Tiles of IQ4_XS against Q8_K activations on 512-bit registers, two 32-value sub-blocks per
// register; with them IQ4_XS has a tile and a decode walk (it had only vec_dot, pair by pair).
// Installed by kernel_table.cpp only when cpu_features().avx512_wide_kernels (see
// wide_tile_kernels_avx512.cpp for the cores and for the layout of a register).
//
//   vec_dot_tile_iq4_xs_q8_K_avx512_wide(n, W, w_row_bytes, 4, A, a_row_bytes, 1, y, 4);
//
// Per super-block (256 values) and row: the 8 sub-block scales ls_j - 32 as int32 in one
// register. Per pair of sub-blocks p: the codes are the IQ4_NL levels + 128 looked up by nibble
// (unsigned for vpdpbusd; 128 * sum(a) comes off through the start value), the activations one
// 64-byte load; the int32 lanes are multiplied by their sub-block's scale (spread over the
// halves by vpermd) and summed exactly over the super-block, as vec_dot does; one FMA per
// super-block then adds d_a * d times it into the (row, token)'s 16-lane accumulator. Only the
// float reduction differs from vec_dot (within its tolerance of the scalar twin: tested); every
// tile shape and the walk use the same order, so decode and batches agree bit for bit (tested).
#include <immintrin.h>

#include <cstring>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/row_stream.h"
#include "engine/quant/tile_kernels.h"
#include "engine/quant/wide_avx512_common.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512BW__)
#error "iq4xs_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512bw (files named *_avx512.cpp get them)"
#endif

// GCC 12's 512-bit cast and insert intrinsics pass an undefined register as a merge source and
// then warn that it is (or may be) used uninitialized: a false positive in its own headers (fixed
// in GCC 13), silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant {
namespace {

// ls_j - 32 for the 8 sub-blocks j of a super-block as int32, lane j (ls_j: 4 low bits in
// scales_l, 2 high bits in scales_h).
__m256i sub_block_scales(const BlockIQ4XS& x) {
  uint32_t low;
  std::memcpy(&low, x.scales_l, sizeof(low));  // scale j's low 4 bits: bits 4j..4j+3
  const __m256i lo = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(low)),
                                                        _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28)),
                                      _mm256_set1_epi32(0x0F));
  const __m256i hi = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(x.scales_h),
                                                        _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14)),
                                      _mm256_set1_epi32(3));
  return _mm256_sub_epi32(_mm256_or_si256(lo, _mm256_slli_epi32(hi, 4)), _mm256_set1_epi32(32));
}

template <int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
          int64_t groups = 1) {
  const int64_t nb = n / kQK_K;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(BlockIQ4XS);
  const RowStream stream(wide::kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m512i levels = wide::iq4_levels_unsigned(kIQ4NLValues);
  const __m512i offset = _mm512_set1_epi8(static_cast<char>(0x80));
  // Pair p of sub-blocks: lanes 0-7 take scale lane 2p, lanes 8-15 scale lane 2p + 1.
  __m512i pick[4];
  #pragma GCC unroll 4
  for (int p = 0; p < 4; ++p) pick[p] = _mm512_inserti64x4(_mm512_set1_epi32(2 * p), _mm256_set1_epi32(2 * p + 1), 1);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows: decode, one token, ys 1).
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m512 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 4
      for (auto& v : row) v = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
      // A block is 136 bytes: three prefetches per row cover every line of the stream.
      const size_t pf = stream.offset(static_cast<size_t>(b) * sizeof(BlockIQ4XS));
      const BlockIQ4XS* x[NR];
      __m512i sw[NR];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const uint8_t* row = w + static_cast<size_t>(r) * ws;
        avx2::prefetch(row + pf);
        avx2::prefetch(row + pf + 64);
        avx2::prefetch(row + pf + 128);
        x[r] = reinterpret_cast<const BlockIQ4XS*>(row) + b;
        sw[r] = _mm512_castsi256_si512(sub_block_scales(*x[r]));
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
      for (int p = 0; p < 4; ++p) {
        __m512i codes[NR], scale[NR];
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          codes[r] = _mm512_shuffle_epi8(levels, wide::nibbles_64(x[r]->qs + 32 * p, x[r]->qs + 32 * p + 16));
          scale[r] = _mm512_permutexvar_epi32(pick[p], sw[r]);
        }
        #pragma GCC unroll 2
        for (int t = 0; t < NT; ++t) {
          const __m512i aq = _mm512_loadu_si512(yb[t]->qs + 64 * p);
          const __m512i start =
              _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, aq));
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

void vec_dot_tile_iq4_xs_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                          int nt, float* y, size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile<NR, NT>(n, wb, ws, ab, as, y, ys); });
}

// Decode: the rows four by four, the rest as one smaller tile.
void vec_dot_rows_iq4_xs_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a,
                                          float* y) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  walk_rows_by<kTileRows>(rows, [&]<int NR>(int64_t first, int64_t groups) {
    tile<NR, 1>(n, wb + static_cast<size_t>(first) * ws, ws, ab, 0, y + first, 1, groups);
  });
}

}  // namespace pw::quant
