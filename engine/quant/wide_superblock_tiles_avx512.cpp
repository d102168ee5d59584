// Tiles of the 256-value super-block formats that had none, Q2_K, Q3_K and IQ4_XS, against Q8_K
// activations on 512-bit registers: 64 values per register. Before them these formats went
// through vec_dot pair by pair, and a Q3_K_M file decoded slower than the larger Q4_K_M one.
// Installed by kernel_table.cpp only when cpu_features().avx512_wide_kernels (see
// wide_tile_kernels_avx512.cpp for the cores); elsewhere vec_dot serves them as before.
//
//   vec_dot_tile_q3_K_q8_K_avx512_wide(n, W, w_row_bytes, 4, A, a_row_bytes, 1, y, 4);
//   vec_dot_rows_iq4_xs_q8_K_avx512_wide(n, W, w_row_bytes, rows, a, y);   // decode
//
// Per super-block, row and register u (values 64u .. 64u + 63, which are also the activation's
// 64 bytes at 64u: one load): the format gives unsigned codes (value + offset) and vpdpbusd
// makes int32 lanes of 4 products each, the offset taken off through the start value; the
// lanes are multiplied by their sub-block's integer scale (the scales one int32 register,
// spread over the lanes by vpermd) and summed exactly over the super-block, as vec_dot does.
// One FMA per super-block then adds d_a * d times the sum (vec_dot's order of factors) into the
// (row, token)'s 16-lane accumulator. So only the float reduction differs from vec_dot (within
// its tolerance of the scalar twin: tested; ModelLogits tiny-llama-Q3_K_M decode vs native
// 2.1e-6, as on the vec_dot path). Every tile shape and the walk use the same order, so decode
// and batches agree bit for bit (tested).
#include <immintrin.h>

#include <cstring>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/row_stream.h"
#include "engine/quant/tile_kernels.h"
#include "engine/quant/wide_avx512_common.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512BW__)
#error "wide_superblock_tiles_avx512.cpp needs -mavx512vnni -mavx512bw (files named *_avx512.cpp get them)"
#endif

// GCC 12's 512-bit cast and insert intrinsics pass an undefined register as a merge source and
// then warn that it is (or may be) used uninitialized: a false positive in its own headers (fixed
// in GCC 13), silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant {
namespace {

// Q2_K and Q3_K: 16 sub-blocks of 16 values; register u holds sub-blocks 4u .. 4u + 3, four
// lanes each.
__m512i pick_16(int u) {
  const int j = 4 * u;
  return _mm512_setr_epi32(j, j, j, j, j + 1, j + 1, j + 1, j + 1, j + 2, j + 2, j + 2, j + 2, j + 3, j + 3, j + 3, j + 3);
}
// Their 2-bit low parts: value e = 128h + 32g + l is (qs[32h + l] >> 2g) & 3. Register u holds
// groups g = 2(u % 2) and g + 1 of half h = u / 2: the 32 qs bytes in both halves, shifted by
// 2g and 2g + 2.
__m512i two_bit_codes(const uint8_t* qs, int u) {
  const int h = u / 2, g = 2 * (u % 2);
  const __m512i q = _mm512_broadcast_i64x4(wide::load256(qs + 32 * h));
  const __m512i shift = _mm512_inserti64x4(_mm512_set1_epi64(2 * g), _mm256_set1_epi64x(2 * g + 2), 1);
  return _mm512_and_si512(_mm512_srlv_epi64(q, shift), _mm512_set1_epi8(3));
}

// Q2_K: value = d * scale_j * q - dmin * min_j, q the 2-bit code (0..3), scale_j and min_j the
// low and high nibbles of scales[j]; the mins' term is sum_j min_j * bsums_j of the activation.
struct Q2K {
  using Block = BlockQ2K;
  static constexpr int kOffset = 0;
  static constexpr bool kMins = true;
  static __m512i scales(const Block& x) {
    return _mm512_cvtepu8_epi32(_mm_and_si128(wide::load128(x.scales), _mm_set1_epi8(0x0F)));
  }
  static __m256i mins(const Block& x) {  // int16, lane j
    return _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(wide::load128(x.scales), 4), _mm_set1_epi8(0x0F)));
  }
  static float dmin(const Block& x) { return _cvtsh_ss(x.dmin); }
  static __m512i pick(int u) { return pick_16(u); }
  static __m512i codes(const Block& x, int u) { return two_bit_codes(x.qs, u); }
};

// Q3_K: the 2-bit part plus 4 when bit 4h + g of hmask[l] is set, minus 4; 6-bit scales
// (-32..31).
struct Q3K {
  using Block = BlockQ3K;
  static constexpr int kOffset = 4;
  static constexpr bool kMins = false;
  static __m512i scales(const Block& x) { return _mm512_cvtepi8_epi32(avx2::unpack_scales_q3_K_sse(x.scales)); }
  static __m512i pick(int u) { return pick_16(u); }
  // Plus 4 where the hmask bytes (both halves) have bit 4h + g (low half) or 4h + g + 1 (high).
  static __m512i codes(const Block& x, int u) {
    const int h = u / 2, g = 2 * (u % 2);
    const __m512i low = two_bit_codes(x.qs, u);
    const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8(static_cast<char>(1 << (4 * h + g))),
                                           _mm256_set1_epi8(static_cast<char>(1 << (4 * h + g + 1))), 1);
    const __mmask64 high = _mm512_test_epi8_mask(_mm512_broadcast_i64x4(wide::load256(x.hmask)), bit);
    return _mm512_mask_add_epi8(low, high, low, _mm512_set1_epi8(4));
  }
};

// IQ4_XS: 8 sub-blocks of 32 values, each laid out like an IQ4_NL block (16 qs bytes, value l
// in the low nibble of byte l, value 16 + l in its high nibble), value = level[nibble]; scale
// ls_j - 32 with ls_j's 4 low bits in scales_l and 2 high bits in scales_h.
struct IQ4XS {
  using Block = BlockIQ4XS;
  static constexpr int kOffset = 128;
  static constexpr bool kMins = false;
  static __m512i scales(const Block& x) {
    uint32_t low;
    std::memcpy(&low, x.scales_l, sizeof(low));  // scale j's low 4 bits: bits 4j..4j+3
    const __m256i lo = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(low)),
                                                          _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28)),
                                        _mm256_set1_epi32(0x0F));
    const __m256i hi = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(x.scales_h),
                                                          _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14)),
                                        _mm256_set1_epi32(3));
    const __m256i ls = _mm256_sub_epi32(_mm256_or_si256(lo, _mm256_slli_epi32(hi, 4)), _mm256_set1_epi32(32));
    return _mm512_castsi256_si512(ls);
  }
  // Register u: sub-blocks 2u and 2u + 1, eight lanes each.
  static __m512i pick(int u) { return _mm512_inserti64x4(_mm512_set1_epi32(2 * u), _mm256_set1_epi32(2 * u + 1), 1); }
  // The levels + 128 (unsigned) looked up by nibble.
  static __m512i codes(const Block& x, int u) {
    return _mm512_shuffle_epi8(wide::iq4_levels_unsigned(kIQ4NLValues),
                               wide::nibbles_64(x.qs + 32 * u, x.qs + 32 * u + 16));
  }
};

template <typename F, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
          int64_t groups = 1) {
  using WB = typename F::Block;
  const int64_t nb = n / kQK_K;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(WB);
  const RowStream stream(wide::kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m512i offset = _mm512_set1_epi8(static_cast<char>(F::kOffset));
  __m512i pick[4];
  #pragma GCC unroll 4
  for (int u = 0; u < 4; ++u) pick[u] = F::pick(u);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows: decode, one token, ys 1).
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m512 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 2
      for (auto& v : row) v = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
      // One prefetch per 64 bytes of a block: every line of the stream is requested.
      const size_t pf = stream.offset(static_cast<size_t>(b) * sizeof(WB));
      const WB* x[NR];
      __m512i scales[NR];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const uint8_t* row = w + static_cast<size_t>(r) * ws;
        #pragma GCC unroll 4
        for (size_t line = 0; line < sizeof(WB); line += 64) avx2::prefetch(row + pf + line);
        x[r] = reinterpret_cast<const WB*>(row) + b;
        scales[r] = F::scales(*x[r]);
      }
      const BlockQ8K* yb[NT];
      #pragma GCC unroll 2
      for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
      // The super-block's exact integer sum per (row, token) and lane.
      __m512i isum[NR][NT];
      #pragma GCC unroll 4
      for (auto& row : isum)
        #pragma GCC unroll 2
        for (auto& v : row) v = _mm512_setzero_si512();
      #pragma GCC unroll 4
      for (int u = 0; u < 4; ++u) {
        __m512i codes[NR], scale[NR];
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          codes[r] = F::codes(*x[r], u);
          scale[r] = _mm512_permutexvar_epi32(pick[u], scales[r]);
        }
        #pragma GCC unroll 2
        for (int t = 0; t < NT; ++t) {
          const __m512i aq = _mm512_loadu_si512(yb[t]->qs + 64 * u);
          __m512i start = _mm512_setzero_si512();
          if constexpr (F::kOffset != 0)
            start = _mm512_sub_epi32(start, _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, aq));
          #pragma GCC unroll 4
          for (int r = 0; r < NR; ++r) {
            const __m512i lanes = _mm512_dpbusd_epi32(start, codes[r], aq);
            isum[r][t] = _mm512_add_epi32(isum[r][t], _mm512_mullo_epi32(lanes, scale[r]));
          }
        }
      }
      #pragma GCC unroll 2
      for (int t = 0; t < NT; ++t)
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r)
          acc[r][t] = _mm512_fmadd_ps(_mm512_set1_ps(yb[t]->d * _cvtsh_ss(x[r]->d)), _mm512_cvtepi32_ps(isum[r][t]),
                                      acc[r][t]);
      // Formats with mins: minus d_a * dmin * sum_j min_j * bsums_j (exact in int32 lanes).
      if constexpr (F::kMins) {
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          const __m256i mins = F::mins(*x[r]);
          #pragma GCC unroll 2
          for (int t = 0; t < NT; ++t) {
            const __m256i msum = _mm256_madd_epi16(mins, wide::load256(yb[t]->bsums));
            acc[r][t] = _mm512_fmadd_ps(_mm512_set1_ps(-(yb[t]->d * F::dmin(*x[r]))),
                                        _mm512_cvtepi32_ps(_mm512_zextsi256_si512(msum)), acc[r][t]);
          }
        }
      }
    }
    #pragma GCC unroll 2
    for (int t = 0; t < NT; ++t)
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r)
        y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = _mm512_reduce_add_ps(acc[r][t]);
  }
}

template <typename F>
struct Tiles {
  template <int NR, int NT>
  static void run(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
                  int64_t groups) {
    tile<F, NR, NT>(n, w, ws, a, as, y, ys, groups);
  }
};

}  // namespace

void vec_dot_tile_q2_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys) {
  tile_entry<Tiles<Q2K>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_rows_q2_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q2K>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_tile_q3_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys) {
  tile_entry<Tiles<Q3K>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_iq4_xs_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                          int nt, float* y, size_t ys) {
  tile_entry<Tiles<IQ4XS>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_rows_q3_K_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q3K>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_iq4_xs_q8_K_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a,
                                          float* y) {
  rows_entry<Tiles<IQ4XS>, kTileRows>(n, w, ws, rows, a, y);
}

}  // namespace pw::quant
