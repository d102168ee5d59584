// AVX-512 VNNI tiles of Q4_K, Q5_K and Q6_K against Q8_K activations (Q4_K/Q5_K on 512-bit
// registers, Q6_K on 256-bit ones through AVX512VL; built with -mavx512vnni, see
// engine/CMakeLists.txt; -mprefer-vector-width=256 only affects auto-vectorisation). Installed
// by kernel_table.cpp only when cpu_features().avx512_vnni_kernels; the AVX2 tiles
// (k_tile_kernels_avx2.cpp) and the scalar twins stay, and tests/engine/quant_tile_test.cpp
// compares all of them.
//
// Same arithmetic as the AVX2 tiles, fewer instructions: there every 32 values cost
//   maddubs(q, a) -> madd(pairs, sub-block scales) -> add into the int32 sums,
// here maddubs(q, a) -> vpdpwssd(sums, pairs, scales), which adds the same products into the
// same int32 lanes in one instruction (Q4_K/Q5_K: 64 values per instruction, the two 256-bit
// halves added per block, see tile_q45_K). Integer sums are exact, so every lane holds the same
// integer as in the AVX2 tile; the float steps (mins FMA first, then the scaled sums) are the
// same in the same order: results are bit-identical to the AVX2 tiles (tested), hence also to
// the gemm panels, and decode stays consistent with batched prompts whichever kernel runs.
//
// Decode streams the weights from memory: the prefetch scheme is the AVX2 tiles' (kPrefetch
// bytes ahead per row stream, running on into the caller's next tile near a row's end).
#include <immintrin.h>

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
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

constexpr int kPrefetch = 512;

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// sums + scales . maddubs(q, a), pairwise: the AVX2 tiles' add(sums, madd(maddubs(q, a), scales)).
inline __m256i add_scaled_dot(__m256i sums, __m256i q, __m256i a, __m256i scales) {
  return _mm256_dpwssd_epi32(sums, _mm256_maddubs_epi16(q, a), scales);
}

// always_inline must stay (see k_tile_kernels_avx2.cpp: otherwise GCC deletes the calls).
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

template <typename Block, int NR>
[[gnu::always_inline]] inline void prefetch_blocks(const uint8_t* w, size_t ws, int64_t b, size_t row_bytes,
                                                   size_t next_tile) {
  const size_t pf = avx2::row_stream_offset(static_cast<size_t>(b) * sizeof(Block) + kPrefetch, row_bytes, next_tile);
  #pragma GCC unroll 4
  for (int r = 0; r < NR; ++r)
    #pragma GCC unroll 4
    for (size_t off = 0; off < sizeof(Block); off += 64) avx2::prefetch(w + static_cast<size_t>(r) * ws + pf + off);
}

template <int NR, int NT>
inline void store(const __m256 (&acc)[NR][NT], float* y, size_t ys) {
  #pragma GCC unroll 4
  for (int t = 0; t < NT; ++t)
    #pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = avx2::hsum_ps(acc[r][t]);
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
void tile_q45_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  using WB = std::conditional_t<kFive, BlockQ5K, BlockQ4K>;
  static_assert(offsetof(WB, dmin) == offsetof(WB, d) + 2, "d and dmin are converted with one load");
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(WB), next_tile = NR * ws;
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
      prefetch_blocks<WB, NR>(w, ws, b + kb, row_bytes, next_tile);
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

enum class Kind { Q4K, Q5K, Q6K };

template <Kind K, int NR, int NT>
void tile(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys) {
  if constexpr (K == Kind::Q6K)
    tile_q6_K<NR, NT>(n, w, ws, a, as, y, ys);
  else
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
void vec_dot_tile_q6_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  tile_any<Kind::Q6K>(n, w, ws, nr, a, as, nt, y, ys);
}

}  // namespace pw::quant
