// Tiles of Q4_0, Q5_0, IQ4_NL and Q8_0 against Q8_0 activations on 512-bit registers: two
// blocks per register. Installed by kernel_table.cpp only when cpu_features().avx512_wide_kernels (cores
// with AVX512-VBMI: Ice Lake, Zen 4 and later, where 512-bit instructions do not slow the clock
// as on Skylake-X/Cascade Lake; those keep the 256-bit tiles of tile_kernels_avx512.cpp).
//
//   vec_dot_tile_q4_0_q8_0_avx512_wide(n, W, w_row_bytes, 4, A, a_row_bytes, 1, y, 4);
//
// Why: with the memory bandwidth of a recent server core (35-40 GB/s per core) the 32-value
// formats' 256-bit tiles are compute-bound in decode, Q4_0 most (Zen 5 VM, 1 thread, streaming:
// Q4_0 15-22 GB/s against Q4_K 25-27). Per block and row they pay unpack, vpdpbusd, a conversion
// and an FMA on 256 bits; here one 512-bit instruction of each serves two blocks.
//
// Layout per pair of blocks b, b+1: the weight register holds block b's 32 codes in value order
// in its low half and block b+1's in its high half; the activation register the two activation
// blocks the same way. vpdpbusd then gives 8 int32 lanes per block, each the exact sum of 4
// (code - offset) * a products (the offset enters through the start value, as in the 256-bit
// tiles). The scales d_w * d_a of the two blocks (the same float products) are spread over the
// halves and one FMA accumulates both blocks into the (row, token)'s 16-lane accumulator.
// So against the 256-bit tiles the float additions differ in order (block b+1 goes to other
// lanes than block b): results differ in the last bits, within vec_dot's tolerance of the scalar
// twin (tested). Every tile shape and the decode walk use this same order per (row, token), so
// decode and batched prompts through these tiles still agree bit for bit (tested).
#include <immintrin.h>

#include <cstring>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/tile_kernels.h"
#include "engine/quant/wide_avx512_common.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512BW__)
#error "wide_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512bw (files named *_avx512.cpp get them)"
#endif

// GCC 12's 512-bit cast and insert intrinsics pass an undefined register as a merge source and
// then warn that it is (or may be) used uninitialized: a false positive in its own headers (fixed
// in GCC 13), silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant {
namespace {

using wide::halves;
using wide::nibbles_64;

// Unsigned codes of two blocks (block 1 may be block 0 again: the odd last block), the offset
// subtracted from them, and the rows a decode walk takes at a time: 4 where the per-block work
// is heavy for the bytes read (Q4_0, Q5_0: the activation's work is shared by 4 rows), 1 for
// Q8_0 (34 bytes a block: one sequential stream, which the hardware prefetcher follows best).
// Zen 5 VM, `pagewise-bench kernels`, 2 threads, fraction of read bandwidth at 2048x2048 /
// 2048x8192 / 8192x2048, medians of 3 alternating runs: Q8_0 0.85/0.88/0.88 with 4 rows,
// 0.98/1.05/1.05 with 1; Q4_0 0.88/0.92/0.92 with 4, 0.72/0.84/0.67 with 1 (2 rows: 0.71/0.83/
// 0.89). Generation, Llama-3.2-1B Q8_0: 25.7 -> 28.8 tok/s with 1 row.
struct Q4_0 {
  using Block = BlockQ4_0;
  static constexpr int kOffset = 8;
  static constexpr int kDecodeRows = 4;
  static __m512i codes(const Block& b0, const Block& b1) { return nibbles_64(b0.qs, b1.qs); }
};
struct Q5_0 {
  using Block = BlockQ5_0;
  static constexpr int kOffset = 16;
  static constexpr int kDecodeRows = 4;
  static __m512i codes(const Block& b0, const Block& b1) {
    uint32_t h0, h1;
    std::memcpy(&h0, b0.qh, 4);
    std::memcpy(&h1, b1.qh, 4);
    // Bit j of qh is bit 4 of value j: one mask bit per byte of the register.
    const __mmask64 high = static_cast<__mmask64>(h0) | (static_cast<__mmask64>(h1) << 32);
    return _mm512_or_si512(nibbles_64(b0.qs, b1.qs), _mm512_maskz_mov_epi8(high, _mm512_set1_epi8(0x10)));
  }
};
// IQ4_NL: the non-linear levels, +128 so they are unsigned (1..241), looked up by nibble in
// each 128-bit lane; the offset is then 128, as for Q8_0.
struct IQ4_NL {
  using Block = BlockIq4Nl;
  static constexpr int kOffset = 128;
  static constexpr int kDecodeRows = 4;
  static __m512i codes(const Block& b0, const Block& b1) {
    return _mm512_shuffle_epi8(wide::iq4_levels_unsigned(kIq4NlValues), nibbles_64(b0.qs, b1.qs));
  }
};
struct Q8_0 {
  using Block = BlockQ8_0;
  static constexpr int kOffset = 128;
  static constexpr int kDecodeRows = 1;
  static __m512i codes(const Block& b0, const Block& b1) {
    return _mm512_xor_si512(halves(b0.qs, b1.qs), _mm512_set1_epi8(static_cast<char>(0x80)));
  }
};

// NR rows' F16 scales of two blocks -> 8 floats: lane r block b's, lane 4 + r block b+1's (a
// second block index of -1 gives zeros: the odd last block).
template <typename WB, int NR>
__m256 row_scales(const uint8_t* w, size_t ws, int64_t b0, int64_t b1) {
  uint64_t lo = 0, hi = 0;
  #pragma GCC unroll 4
  for (int r = 0; r < NR; ++r) {
    const WB* row = reinterpret_cast<const WB*>(w + static_cast<size_t>(r) * ws);
    lo |= static_cast<uint64_t>(row[b0].d) << (16 * r);
    if (b1 >= 0) hi |= static_cast<uint64_t>(row[b1].d) << (16 * r);
  }
  return _mm256_cvtph_ps(_mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo)));
}

// An activation row's F16 scales of two blocks -> 8 floats, lanes 0-3 block b's, 4-7 block b+1's.
__m256 act_scales(uint16_t d0, uint16_t d1) {
  constexpr uint64_t kFour = 0x0001000100010001ULL;
  return _mm256_cvtph_ps(_mm_set_epi64x(static_cast<long long>(d1 * kFour), static_cast<long long>(d0 * kFour)));
}


template <typename F, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
          int64_t groups = 1) {
  using WB = typename F::Block;
  const int64_t nb = n / kLegacyBlock;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(WB);
  const RowStream stream(wide::kStreamPrefetch / NR, row_bytes, NR * ws);
  // The offset as unsigned bytes (128 for Q8_0): its sums are computed positive and negated
  // (vpdpbusd's unsigned operand cannot hold -offset).
  const __m512i offset = _mm512_set1_epi8(static_cast<char>(F::kOffset == 128 ? 0x80 : F::kOffset));
  // Per row r: lanes 0-7 take scale lane r (block b), lanes 8-15 scale lane 4 + r (block b+1).
  __m512i pick[NR];
  #pragma GCC unroll 4
  for (int r = 0; r < NR; ++r)
    pick[r] = _mm512_inserti64x4(_mm512_set1_epi32(r), _mm256_set1_epi32(4 + r), 1);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows: decode, one token, ys 1).
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m512 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 4
      for (auto& v : row) v = _mm512_setzero_ps();
    // Blocks b and b + 1 of all the tile's rows and tokens; `last`: b is the odd last block,
    // the high halves are zeros (codes, activations and scales).
    const auto pair = [&]<bool kLast>(int64_t b) __attribute__((always_inline)) {
      const int64_t b1 = kLast ? b : b + 1;
      __m512i codes[NR];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const WB* row = reinterpret_cast<const WB*>(w + static_cast<size_t>(r) * ws);
        codes[r] = F::codes(row[b], row[b1]);
      }
      const __m256 d = row_scales<WB, NR>(w, ws, b, kLast ? -1 : b1);
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        const BlockQ8_0* ab = reinterpret_cast<const BlockQ8_0*>(a + static_cast<size_t>(t) * as);
        __m512i aq = halves(ab[b].qs, ab[b1].qs);
        if constexpr (kLast) aq = _mm512_maskz_mov_epi64(0x0F, aq);
        // d_w * d_a per (row, block): the same float products as the 256-bit tiles.
        const __m512 s = _mm512_castps256_ps512(_mm256_mul_ps(d, act_scales(ab[b].d, kLast ? 0 : ab[b1].d)));
        const __m512i start =
            _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, aq));
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          const __m512i lanes = _mm512_dpbusd_epi32(start, codes[r], aq);
          acc[r][t] = _mm512_fmadd_ps(_mm512_permutexvar_ps(pick[r], s), _mm512_cvtepi32_ps(lanes), acc[r][t]);
        }
      }
    };
    // One prefetch per row per pair, two when a pair is longer than a line (Q8_0: 68 bytes), so
    // every line of a row is requested.
    constexpr bool kTwoLines = 2 * sizeof(WB) > 64;
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) {
      const size_t pf = stream.offset(static_cast<size_t>(b) * sizeof(WB));
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        avx2::prefetch(w + static_cast<size_t>(r) * ws + pf);
        if constexpr (kTwoLines) avx2::prefetch(w + static_cast<size_t>(r) * ws + pf + 64);
      }
      pair.template operator()<false>(b);
    }
    if (b < nb) pair.template operator()<true>(b);
    #pragma GCC unroll 4
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

void vec_dot_tile_q4_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys) {
  tile_entry<Tiles<Q4_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q5_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys) {
  tile_entry<Tiles<Q5_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q8_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                        int nt, float* y, size_t ys) {
  tile_entry<Tiles<Q8_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_iq4_nl_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as,
                                          int nt, float* y, size_t ys) {
  tile_entry<Tiles<IQ4_NL>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_rows_iq4_nl_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a,
                                          float* y) {
  rows_entry<Tiles<IQ4_NL>, IQ4_NL::kDecodeRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q4_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q4_0>, Q4_0::kDecodeRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q5_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q5_0>, Q5_0::kDecodeRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q8_0_q8_0_avx512_wide(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q8_0>, Q8_0::kDecodeRows>(n, w, ws, rows, a, y);
}

}  // namespace pw::quant
