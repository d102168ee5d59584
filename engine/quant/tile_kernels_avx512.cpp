// AVX-512 VNNI tiles of Q4_0, Q5_0 and Q8_0 against Q8_0 activations (256-bit registers through
// AVX512VL). Installed by kernel_table.cpp only when cpu_features().avx512_vnni_kernels; the AVX2
// tiles (tile_kernels_avx2.cpp) and the scalar twins stay, and the tile tests compare all three.
//
// vpdpbusd adds unsigned x signed byte products, four per int32 lane, into an accumulator: one
// instruction for what AVX2 does with maddubs + madd (+ sub). Weight codes are made unsigned
// (Q4_0/Q5_0 codes already are, 0..15 / 0..31; Q8_0 codes get +128 by flipping the sign bit)
// and the offset goes into the accumulator's starting value, computed once per token and block
// for all the tile's rows: -offset * (a_4k + ... + a_4k+3) per lane. So per row and block the
// int32 lanes are those of the AVX2 tile (the same exact integers: sum over the lane's 4 values
// of (code - offset) * a), and the float steps are the same: results are bit-identical to
// the AVX2 tiles (tested).
#include <immintrin.h>

#include <algorithm>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/tile_kernels.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "tile_kernels_avx512.cpp needs -mavx512vnni -mavx512vl (files named *_avx512.cpp get them)"
#endif

namespace pw::quant {
namespace {

// Unsigned codes of a block and the offset subtracted from them.
struct Q4_0 {
  using Block = BlockQ4_0;
  static constexpr int kOffset = 8;
  static __m256i codes(const Block& b) { return avx2::nibbles_32(b.qs); }
};
struct Q5_0 {
  using Block = BlockQ5_0;
  static constexpr int kOffset = 16;
  static __m256i codes(const Block& b) {
    const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(b.qh), _mm256_set1_epi8(0x10));
    return _mm256_or_si256(avx2::nibbles_32(b.qs), high);
  }
};
struct Q8_0 {
  using Block = BlockQ8_0;
  static constexpr int kOffset = 128;
  static __m256i codes(const Block& b) {
    return _mm256_xor_si256(avx2::load256(b.qs), _mm256_set1_epi8(static_cast<char>(0x80)));
  }
};

template <typename F, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
          int64_t groups = 1) {
  using WB = typename F::Block;
  const int64_t nb = n / kLegacyBlock;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(WB);
  const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
  // The offset as unsigned bytes (128 for Q8_0): its sums are computed positive and negated
  // (vpdpbusd's unsigned operand cannot hold -offset).
  const __m256i offset = _mm256_set1_epi8(static_cast<char>(F::kOffset == 128 ? 0x80 : F::kOffset));
  // Groups of NR consecutive rows, one after the other (vec_dot_rows: decode, one token, ys 1),
  // with the constants above kept in registers.
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m256 acc[NR][NT];
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r)
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) acc[r][t] = _mm256_setzero_ps();
    constexpr int64_t kEvery = std::max<int64_t>(1, 64 / static_cast<int64_t>(sizeof(WB)));
    // One block of all the tile's rows and tokens.
    const auto block = [&](int64_t b) __attribute__((always_inline)) {
      __m256i codes[NR];
      uint16_t dh[NR];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const WB& blk = reinterpret_cast<const WB*>(w + static_cast<size_t>(r) * ws)[b];
        codes[r] = F::codes(blk);
        dh[r] = blk.d;
      }
      const __m128 d = avx2::f16x4_to_f32(dh);
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        const BlockQ8_0& ab = reinterpret_cast<const BlockQ8_0*>(a + static_cast<size_t>(t) * as)[b];
        const __m256i aq = avx2::load256(ab.qs);
        const float da = _cvtsh_ss(ab.d);
        // The rows' combined scales d[r] * da (the same float products as one vmulss each),
        // stored so the FMAs take them as broadcast memory operands (a load, no shuffle uop).
        alignas(16) float scale[4];
        _mm_store_ps(scale, _mm_mul_ps(d, _mm_set1_ps(da)));
        const __m256i start = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_dpbusd_epi32(_mm256_setzero_si256(), offset, aq));
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          const __m256i lanes = _mm256_dpbusd_epi32(start, codes[r], aq);
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&scale[r]), _mm256_cvtepi32_ps(lanes), acc[r][t]);
        }
      }
    };
    // Groups of kEvery blocks, one prefetch per row per group, the group's blocks unrolled (no
    // per-block test for when to prefetch); the last partial group block by block.
    int64_t b = 0;
    for (; b + kEvery <= nb; b += kEvery) {
      const size_t pf = stream.offset(static_cast<size_t>(b) * sizeof(WB));
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) avx2::prefetch(w + static_cast<size_t>(r) * ws + pf);
      #pragma GCC unroll 4
      for (int64_t k = 0; k < kEvery; ++k) block(b + k);
    }
    for (; b < nb; ++b) block(b);
    #pragma GCC unroll 4
    for (int t = 0; t < NT; ++t)
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = avx2::hsum(acc[r][t]);
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

void vec_dot_tile_q4_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_entry<Tiles<Q4_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q5_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_entry<Tiles<Q5_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q8_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_entry<Tiles<Q8_0>>(n, w, ws, nr, a, as, nt, y, ys);
}

void vec_dot_rows_q4_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q4_0>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q5_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q5_0>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q8_0_q8_0_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q8_0>, kTileRows>(n, w, ws, rows, a, y);
}

}  // namespace pw::quant
