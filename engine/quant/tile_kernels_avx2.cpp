// AVX2 tiles of the 32-value block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL): up to
// kTileRows weight rows x kTileTokens activation rows per call. See tile_kernels.h.
//
// Per block: each weight row's block is unpacked once (codes, |codes| for the sign trick or the
// offset taken off the pair sums for Q4_0/Q5_0; the F16 scales of all rows converted together)
// and each activation block loaded once; every (row, token) pair then costs one maddubs + madd (exact int32 lanes, as in legacy_vec_dot_avx2.cpp), one conversion
// and one FMA into the pair's own accumulator. With 1 token (decode) this is 4 rows per
// iteration: 4 independent FMA chains, and the activation block is loaded once for 4 rows.
// Q4_1/Q5_1 add m * s per block into a second per-pair accumulator (4 lanes, only lane 0 used).
//
// Weights are streamed from memory in decode: each row's next bytes are prefetched
// kStreamPrefetch / 4 bytes ahead (a page of the matrix for the tile's 4 row streams together),
// running on into the caller's next tiles near a row's end (RowStream).
//
// These tiles are compute-bound even in decode (L2-resident speed close to the streaming one),
// so uops per block count. Measured 2026-11-22 (session 4b, `pagewise-bench kernels --json
// --formats q4_0,q8_0,q5_0 -t 1`, main's binary and this one alternately, 3 runs each, medians,
// VNNI tiles): L2-resident GB/s per CPU-s q4_0 8.6 -> 11.4, q5_0 8.0 -> 9.7, q8_0 16.8 -> 19.9
// from converting the rows' F16 scales together (one vcvtph2ps, the products taken as broadcast
// loads: per row it was vpinsrw + vcvtph2ps + vmulss + vbroadcastss, mostly shuffle-port uops)
// and from the block loop in prefetch groups (no b % kEvery test per block).
#include <immintrin.h>

#include <algorithm>
#include <type_traits>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/legacy_blocks.h"
#include "engine/quant/tile_kernels.h"

namespace pw::quant {
namespace {

inline float f16_to_f32(uint16_t h) { return _cvtsh_ss(h); }

// One unpacked weight block.
struct WBlock {
  __m256i codes;  // signed codes (kSigned) or unsigned codes
  __m256i abs;    // |codes| (kSigned only)
  float m;        // minimum (kWithMin only)
};

// Q4_0 / Q5_0: codes are kept unsigned (0..15 / 0..31) and the offset comes off the int16 pair
// sums: maddubs(q, a) - maddubs(offset, a) = (q0 - o) a0 + (q1 - o) a1, the same int16 values
// the sign trick gives for q - o, so the same int32 lanes. maddubs(offset, a) is per token and
// block, shared by the tile's rows: per row this is 3 instructions instead of 5 (sub, 2 signs,
// maddubs, madd), and these two formats were compute-bound.
struct Q4_0 {
  using Block = BlockQ4_0;
  static constexpr bool kSigned = false, kWithMin = false;
  static constexpr int kOffset = 8;
  static __m256i codes(const Block& b) { return avx2::nibbles_32(b.qs); }
};
struct Q5_0 {
  using Block = BlockQ5_0;
  static constexpr bool kSigned = false, kWithMin = false;
  static constexpr int kOffset = 16;
  static __m256i codes(const Block& b) {
    const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(b.qh), _mm256_set1_epi8(0x10));
    return _mm256_or_si256(avx2::nibbles_32(b.qs), high);
  }
};
struct Q8_0 {
  using Block = BlockQ8_0;
  static constexpr bool kSigned = true, kWithMin = false;
  static __m256i codes(const Block& b) { return avx2::load256(b.qs); }
};
struct IQ4_NL {
  using Block = BlockIq4Nl;
  static constexpr bool kSigned = true, kWithMin = false;
  static __m256i codes(const Block& b) {
    const __m256i levels = _mm256_broadcastsi128_si256(avx2::load128(kIq4NlValues));
    return _mm256_shuffle_epi8(levels, avx2::nibbles_32(b.qs));
  }
};
struct Q4_1 {
  using Block = BlockQ4_1;
  static constexpr bool kSigned = false, kWithMin = true;
  static __m256i codes(const Block& b) { return avx2::nibbles_32(b.qs); }
};
struct Q5_1 {
  using Block = BlockQ5_1;
  static constexpr bool kSigned = false, kWithMin = true;
  static __m256i codes(const Block& b) {
    const __m256i high = _mm256_and_si256(avx2::bits_to_bytes_32(b.qh), _mm256_set1_epi8(0x10));
    return _mm256_or_si256(avx2::nibbles_32(b.qs), high);
  }
};

// Formats whose codes are unsigned with an offset subtracted (Q4_0, Q5_0); 0 for the others.
template <typename F>
constexpr int offset_of() {
  if constexpr (requires { F::kOffset; })
    return F::kOffset;
  else
    return 0;
}

template <typename F>
inline WBlock unpack(const typename F::Block& b) {
  WBlock w{};
  w.codes = F::codes(b);
  if constexpr (F::kSigned) w.abs = _mm256_sign_epi8(w.codes, w.codes);
  if constexpr (F::kWithMin) w.m = f16_to_f32(b.m);
  return w;
}

// Activation block: Q8_0 (d, qs) or Q8_1 (d, s, qs).
template <typename F>
using ActBlock = std::conditional_t<F::kWithMin, BlockQ8_1, BlockQ8_0>;

template <typename F, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
          int64_t groups = 1) {
  using WB = typename F::Block;
  using AB = ActBlock<F>;
  const int64_t nb = n / kLegacyBlock;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(WB);
  const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows: decode, one token, ys 1),
  // with the constants above kept in registers.
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m256 acc[NR][NT];
    __m128 macc[NR][NT];
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r)
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        acc[r][t] = _mm256_setzero_ps();
        macc[r][t] = _mm_setzero_ps();
      }
    // One prefetch per row every kEvery blocks: at most 64 bytes apart, so every line is
    // requested, without a prefetch per 18-byte Q4_0 block.
    constexpr int64_t kEvery = std::max<int64_t>(1, 64 / static_cast<int64_t>(sizeof(WB)));
    // One block of all the tile's rows and tokens.
    const auto block = [&](int64_t b) __attribute__((always_inline)) {
      WBlock wb[NR];
      uint16_t dh[NR];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const auto* row = w + static_cast<size_t>(r) * ws;
        const WB& blk = reinterpret_cast<const WB*>(row)[b];
        wb[r] = unpack<F>(blk);
        dh[r] = blk.d;
      }
      // All rows' F16 scales in one conversion (avx2::f16x4_to_f32).
      const __m128 d = avx2::f16x4_to_f32(dh);
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        const AB& ab = reinterpret_cast<const AB*>(a + static_cast<size_t>(t) * as)[b];
        const __m256i aq = avx2::load256(ab.qs);
        const float da = f16_to_f32(ab.d);
        [[maybe_unused]] float sa = 0.0f;
        if constexpr (F::kWithMin) sa = f16_to_f32(ab.s);
        [[maybe_unused]] __m256i a_offset;  // offset * (a_2i + a_2i+1), int16
        // The combined scales d[r] * da (the same float products as one vmulss each), stored so
        // the FMAs below take them as broadcast loads instead of a shuffle uop per row.
        alignas(16) float scale[4];
        _mm_store_ps(scale, _mm_mul_ps(d, _mm_set1_ps(da)));
        if constexpr (offset_of<F>() != 0) a_offset = _mm256_maddubs_epi16(_mm256_set1_epi8(offset_of<F>()), aq);
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          __m256i lanes;
          if constexpr (F::kSigned)
            lanes = avx2::dot_u8_s8(wb[r].abs, _mm256_sign_epi8(aq, wb[r].codes));
          else if constexpr (offset_of<F>() != 0)
            lanes = _mm256_madd_epi16(_mm256_sub_epi16(_mm256_maddubs_epi16(wb[r].codes, aq), a_offset),
                                      _mm256_set1_epi16(1));
          else
            lanes = avx2::dot_u8_s8(wb[r].codes, aq);
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&scale[r]), _mm256_cvtepi32_ps(lanes), acc[r][t]);
          if constexpr (F::kWithMin)
            macc[r][t] = _mm_fmadd_ss(_mm_set_ss(wb[r].m), _mm_set_ss(sa), macc[r][t]);
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
      for (int r = 0; r < NR; ++r) {
        float v = avx2::hsum(acc[r][t]);
        if constexpr (F::kWithMin) v += _mm_cvtss_f32(macc[r][t]);
        y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = v;
      }
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

void vec_dot_tile_q4_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_entry<Tiles<Q4_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q4_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_entry<Tiles<Q4_1>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q5_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_entry<Tiles<Q5_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q5_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_entry<Tiles<Q5_1>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_q8_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                 float* y, size_t ys) {
  tile_entry<Tiles<Q8_0>>(n, w, ws, nr, a, as, nt, y, ys);
}
void vec_dot_tile_iq4_nl_q8_0_avx2(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_entry<Tiles<IQ4_NL>>(n, w, ws, nr, a, as, nt, y, ys);
}

void vec_dot_rows_q4_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q4_0>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q4_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q4_1>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q5_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q5_0>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q5_1_q8_1_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q5_1>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q8_0_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<Q8_0>, kTileRows>(n, w, ws, rows, a, y);
}
void vec_dot_rows_iq4_nl_q8_0_avx2(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_entry<Tiles<IQ4_NL>, kTileRows>(n, w, ws, rows, a, y);
}

}  // namespace pw::quant
