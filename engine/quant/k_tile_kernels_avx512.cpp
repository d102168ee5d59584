// AVX-512 VNNI tiles of Q4_K and Q5_K against Q8_K activations (512-bit registers; built with
// -mavx512vnni, see engine/CMakeLists.txt; -mprefer-vector-width=256 only affects
// auto-vectorisation; Q6_K: q6k_tile_kernels_avx512.cpp). Installed by kernel_table.cpp only when
// cpu_features().avx512_vnni_kernels; the AVX2 tiles (k_tile_kernels_avx2.cpp) and the scalar
// twins stay, and tests/engine/quant_tile_test.cpp compares all of them.
//
// Same arithmetic as the AVX2 tiles, fewer instructions: there every 32 values cost
//   maddubs(q, a) -> madd(pairs, sub-block scales) -> add into the int32 sums,
// here maddubs(q, a) -> vpdpwssd(sums, pairs, scales), which adds the same products into the
// same int32 lanes in one instruction (64 values per instruction here, the two 256-bit halves
// added per block, see tile_q45_K). Integer sums are exact, so every lane holds the same
// integer as in the AVX2 tile; the float steps (mins FMA first, then the scaled sums) are the
// same in the same order: results are bit-identical to the AVX2 tiles (tested), hence also to
// the gemm panels, and decode stays consistent with batched prompts whichever kernel runs.
//
// Decode streams the weights from memory: the prefetch scheme is the AVX2 tiles'
// (kStreamPrefetch / NR bytes ahead per row stream, running on into the caller's next tiles
// near a row's end: RowStream). vec_dot_rows walks a task's rows two by two inside one call
// (the tiles' `groups` parameter, tile_kernels.h).
#include <immintrin.h>

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/k_tile_avx512_common.h"
#include "engine/quant/tile_kernels.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "k_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512vl (files named *_avx512.cpp get them)"
#endif

// GCC 12's 512-bit intrinsics (_mm512_srlv_epi64, _mm512_broadcast_i64x4, ...) pass
// _mm512_undefined_*() as the unused merge source and then warn that it is (or may be) used
// uninitialized: a false positive (as in gemm_avx512_common.h).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant {
namespace {

// unpack_scales_mins_k4_x2's 16 bytes in all four 128-bit lanes of a zmm, from two broadcast
// loads (no shuffle-port instruction). Reads 12 bytes at `packed`.
inline __m512i unpack_scales_mins_k4_x4(const uint8_t* packed) {
  uint64_t w01;
  uint32_t w2;
  std::memcpy(&w01, packed, 8);
  std::memcpy(&w2, packed + 8, 4);
  const __m512i bq = _mm512_set1_epi64(static_cast<long long>(w01));  // [w0 w1 w0 w1] per lane
  const __m512i bd = _mm512_set1_epi32(static_cast<int>(w2));         // [w2 w2 w2 w2]
  const __m512i a = _mm512_srlv_epi32(_mm512_mask_blend_epi32(0xCCCC, bq, bd),
                                      _mm512_setr_epi32(0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4));
  const __m512i lo = _mm512_and_si512(a, _mm512_set4_epi32(0x0F0F0F0F, 0x0F0F0F0F, 0x3F3F3F3F, 0x3F3F3F3F));
  // lo | (bq >> 2) & [0, 0, 30, 30]: the top two bits of scales / mins 4..7
  return _mm512_ternarylogic_epi32(lo, _mm512_srli_epi32(bq, 2), _mm512_set4_epi32(0x30303030, 0x30303030, 0, 0),
                                   0xF8);
}

// pshufb control for unpack_scales_mins_k4_x4's result: int16 lanes 0..15 = scale 2p, 16..31 =
// scale 2p+1 (zero-extended bytes), the vpdpwssd factor of the pairs [sub-block 2p | 2p+1].
inline __m512i k4_scale_halves_ctrl(int p) {
  const auto pair = [](int j) {
    const uint32_t src = static_cast<uint32_t>(avx2::k_scale_byte(j));
    return static_cast<int>(src | 0x8000u | (src << 16) | 0x80000000u);
  };
  const __m256i lo = _mm256_set1_epi32(pair(2 * p)), hi = _mm256_set1_epi32(pair(2 * p + 1));
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// Q4_K (kFive = false) and Q5_K (kFive = true): 8 sub-blocks of 32 values; per 64 values the
// low nibbles are sub-block 2p, the high nibbles 2p+1.
//
// 512-bit registers for the sub-block loop: per 64 values p the 32 code bytes are loaded into
// both halves of a zmm (a broadcast load), the high half shifted by 4, one and: [sub-block 2p |
// sub-block 2p+1], matching the 64 activation bytes a[64p..64p+63] of one zmm load; maddubs,
// then vpdpwssd with [s_2p x16 | s_2p+1 x16] (one pshufb from the unpacked scales, which sit
// in all four 128-bit lanes). Half the multiply uops of the 256-bit loop. At the end of a block
// the two 256-bit halves are added: int32 lane j then holds exactly the integer of the AVX2
// tile's lane j (integer sums are exact), and the float steps are the AVX2 tile's, in the same
// order (mins FMA, then scaled sums FMA): bit-identical results.
// Per block and row nothing else goes through the shuffle port but the mins' pshufb and the
// extract of the high half: scales and mins are unpacked from broadcast loads
// (unpack_scales_mins_k4_x4), d and dmin converted together from memory, times the activation's
// d in one vmulps, and the FMAs take the two products as broadcast loads.
template <bool kFive, int NR, int NT>
void tile_q45_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
                int64_t groups = 1) {
  using WB = std::conditional_t<kFive, BlockQ5K, BlockQ4K>;
  static_assert(offsetof(WB, dmin) == offsetof(WB, d) + 2, "d and dmin are converted with one load");
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(WB);
  const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  const __m512i bit4 = _mm512_set1_epi8(0x10);
  const __m512i nib_shift = _mm512_setr_epi64(0, 0, 0, 0, 4, 4, 4, 4);
  const __m256i min_ctrl = avx2::k4_pair_dup_ctrl(true);
  // Q5_K: shifts taking bit 2p of qh to bit 4 in the low half, bit 2p+1 in the high half.
  [[maybe_unused]] const __m512i qh_left[2] = {_mm512_setr_epi64(4, 4, 4, 4, 3, 3, 3, 3),
                                               _mm512_setr_epi64(2, 2, 2, 2, 1, 1, 1, 1)};
  [[maybe_unused]] const __m512i qh_right[2] = {_mm512_setr_epi64(0, 0, 0, 0, 1, 1, 1, 1),
                                                _mm512_setr_epi64(2, 2, 2, 2, 3, 3, 3, 3)};
  __m512i scale_ctrl[4];
  #pragma GCC unroll 4
  for (int p = 0; p < 4; ++p) scale_ctrl[p] = k4_scale_halves_ctrl(p);
  // Groups of NR consecutive rows, one after the other (vec_dot_rows), with the constants above
  // kept in registers.
  for (int64_t g = 0; g < groups; ++g, w += NR * ws, y += NR) {
    __m256 acc[NR][NT];
    #pragma GCC unroll 4
    for (auto& row : acc)
      #pragma GCC unroll 4
      for (auto& v : row) v = _mm256_setzero_ps();
    // KB super-blocks b .. b+KB-1 of the NR rows: "units" u = kb * NR + r. Their integer work is
    // independent; the float steps go per (row, token) in block order, as always.
    const auto blocks = [&]<int KB>(int64_t b) {
      constexpr int U = KB * NR;
      const WB* x[U];
      __m512i sm[U];
      [[maybe_unused]] __m512i qh[U];
      const BlockQ8K* yb[KB][NT];
      alignas(16) float f[U][NT][4];   // d * d_a, dmin * d_a
      __m256i msum[U][NT];
      #pragma GCC unroll 4
      for (int kb = 0; kb < KB; ++kb) {
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t)
          yb[kb][t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b + kb;
        prefetch_blocks<WB, NR>(w, ws, b + kb, stream);
      }
      #pragma GCC unroll 8
      for (int u = 0; u < U; ++u) {
        const int r = u % NR, kb = u / NR;
        x[u] = reinterpret_cast<const WB*>(w + static_cast<size_t>(r) * ws) + b + kb;
        sm[u] = unpack_scales_mins_k4_x4(x[u]->scales);
        if constexpr (kFive) qh[u] = _mm512_broadcast_i64x4(load32(x[u]->qh));
        const __m256i mins = _mm256_shuffle_epi8(_mm512_castsi512_si256(sm[u]), min_ctrl);
        // [d, dmin, -, -] (the other two lanes are scale bytes, unused)
        const __m128 d_dmin = _mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(&x[u]->d)));
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          _mm_store_ps(f[u][t], _mm_mul_ps(d_dmin, _mm_set1_ps(yb[kb][t]->d)));
          msum[u][t] = _mm256_madd_epi16(mins, load32(yb[kb][t]->bsums));
        }
        // Keep the compiler from taking the products back out of the register they were stored
        // from (shuffle-port extracts): they are meant to be read as broadcast loads.
        asm("" : "+m"(f[u]));
      }
      // Two integer sums per pair (p even / odd), added at the end: vpdpwssd has a 5-cycle latency.
      // p = 0 and 1 start them with vpmaddwd (the same integers as vpdpwssd into zero).
      __m512i isum[U][NT], isum_odd[U][NT];
  #pragma GCC unroll 4
      for (int p = 0; p < 4; ++p) {
        #pragma GCC unroll 8
        for (int u = 0; u < U; ++u) {
          const int kb = u / NR;
          const __m512i both = _mm512_broadcast_i64x4(load32(x[u]->qs + 32 * p));
          __m512i q = _mm512_and_si512(_mm512_srlv_epi64(both, nib_shift), low4);  // [2p | 2p+1]
          if constexpr (kFive) {
            // The fifth bits: bit 2p of qh (low half) and 2p+1 (high half) moved to bit 4.
            // Shifts of at most 4 within 64-bit lanes: bit 4 of a byte comes from the same byte.
            const __m512i hb = p < 2 ? _mm512_sllv_epi64(qh[u], qh_left[p]) : _mm512_srlv_epi64(qh[u], qh_right[p - 2]);
            q = _mm512_ternarylogic_epi64(q, hb, bit4, 0xF8);  // q | (hb & 0x10)
          }
          const __m512i s = _mm512_shuffle_epi8(sm[u], scale_ctrl[p]);
          #pragma GCC unroll 4
          for (int t = 0; t < NT; ++t) {
            const __m512i act = _mm512_loadu_si512(yb[kb][t]->qs + 64 * p);
            __m512i& sum = (p & 1) ? isum_odd[u][t] : isum[u][t];
            const __m512i pairs = _mm512_maddubs_epi16(q, act);
            sum = p < 2 ? _mm512_madd_epi16(pairs, s) : _mm512_dpwssd_epi32(sum, pairs, s);
          }
        }
      }
      // Per (row, token), block by block: -(dmin * d_a) * msum + acc (the AVX2 tile's
      // fma(-dmin * d_a, msum, acc), same rounding), then (d * d_a) * sums + acc.
      #pragma GCC unroll 8
      for (int u = 0; u < U; ++u)
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          __m256& c = acc[u % NR][t];
          c = _mm256_fnmadd_ps(_mm256_broadcast_ss(&f[u][t][1]), _mm256_cvtepi32_ps(msum[u][t]), c);
          const __m512i s2 = _mm512_add_epi32(isum[u][t], isum_odd[u][t]);
          const __m256i sum = _mm256_add_epi32(_mm512_castsi512_si256(s2), _mm512_extracti64x4_epi64(s2, 1));
          c = _mm256_fmadd_ps(_mm256_broadcast_ss(&f[u][t][0]), _mm256_cvtepi32_ps(sum), c);
        }
    };
    // A 1-row tile (decode) takes two blocks per iteration: one block's chain (unpack -> scales ->
    // vpdpwssd -> halves -> convert -> FMA, ~35 cycles) is longer than its throughput cost, and two
    // independent blocks in program order let them overlap (tiles of 2+ rows already have that).
    constexpr int kBlocksPerStep = NR == 1 ? 2 : 1;
    const int64_t nb = n / kQK_K;
    int64_t b = 0;
    for (; b + kBlocksPerStep <= nb; b += kBlocksPerStep) blocks.template operator()<kBlocksPerStep>(b);
    for (; b < nb; ++b) blocks.template operator()<1>(b);
    store<NR, NT>(acc, y, ys);
  }
}

enum class Kind { Q4K, Q5K };

template <Kind K, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  tile_q45_K<K == Kind::Q5K, NR, NT>(n, w, ws, a, as, y, ys);
}

template <Kind K>
void rows_any(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  walk_rows(rows, [&]<int NR>(int64_t first, int64_t groups) {
    tile_q45_K<K == Kind::Q5K, NR, 1>(n, wb + first * ws, ws, ab, 0, y + first, 1, groups);
  });
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

void vec_dot_rows_q4_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_any<Kind::Q4K>(n, w, ws, rows, a, y);
}
void vec_dot_rows_q5_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  rows_any<Kind::Q5K>(n, w, ws, rows, a, y);
}

}  // namespace pw::quant
