// AVX-512 VNNI tile of Q6_K against Q8_K activations (moved out of k_tile_kernels_avx512.cpp,
// which keeps Q4_K/Q5_K). Installed by kernel_table.cpp only when
// cpu_features().avx512_vnni_kernels; the AVX2 tile (k_tile_kernels_avx2.cpp) and the scalar twin
// stay, and tests/engine/quant_tile_test.cpp compares all of them.
//
//   vec_dot_tile_q6_K_q8_K_avx512(n, W, w_row_bytes, 1, A, a_row_bytes, 1, y, rows);  // decode
//
// Results are bit-identical to the AVX2 tile (same int32 lanes, same float steps), hence also to
// the gemm panels: decode stays consistent with batched prompts whichever kernel runs.
//
// Speed (2026-11-22, L2-resident 2048-column rows, 1-row tiles, thread CPU time): 13.8 ns per
// block for the 256-bit VNNI tile, 10.6-11.1 ns here. Not the 2x that halving the instruction
// count suggests: per block the 8 multiplies (maddubs, vpdpwssd) and 6 shifts of 512-bit registers
// all go to one port on this Xeon (and the 256-bit ops lose their third port while 512-bit ones
// run), so port 0 bounds it. Tried, no better within the noise: qh top bits by a vpshufb table
// instead of a shift, the -32 term added after the block, d * d_act as a vector, four int32
// chains instead of two, a 1x1 tile taking two blocks per step (one reduction, one conversion);
// 4 rows one after the other per call (per-call overhead) gained only 2-4%.
#include <immintrin.h>

#include "engine/quant/avx2_helpers.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"
#include "engine/quant/k_tile_avx512_common.h"
#include "engine/quant/tile_kernels.h"

#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__)
#error "q6k_tile_kernels_avx512.cpp needs -mavx512vnni -mavx512vl (files named *_avx512.cpp get them)"
#endif

// GCC 12's 512-bit intrinsics (_mm512_srlv_epi64, _mm512_broadcast_i64x4, ...) pass
// _mm512_undefined_*() as the unused merge source and then warn that it may be used
// uninitialized: a false positive in its own headers (fixed in GCC 13), silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace pw::quant {
namespace {

inline __m512i load64(const void* p) { return _mm512_loadu_si512(p); }

// Q6_K: 16 sub-blocks of 16 values, signed 8-bit scales, codes 0..63 with a -32 offset that
// goes into the integer sums as -32 * sum_j scale_j * bsum_j (as in the AVX2 tile).
//
// 512-bit registers, 64 values per register. Per half h (values 128h..128h+127):
//   ql + 64h (64 bytes)  low nibbles = values 0..63 of the half  -> q_lo, against act[128h .. +64)
//                        high nibbles = values 64..127            -> q_hi, against act[128h+64 .. +64)
//   qh + 32h (32 bytes, in both 256-bit halves, the second shifted right by 2): bits 0-1 | 2-3
//   are the top bits of q_lo's two halves, bits 4-5 | 6-7 those of q_hi's.
// 128-bit lane L of q_lo is sub-block 8h+L, of q_hi 8h+4+L: one scale per lane (the half's 8
// int16 scales broadcast to all lanes, then vpshufb; as fast as or slightly faster than vpermw).
// Lane j of each 256-bit half sums the values v with v % 32 in [4j, 4j+4), as lane j of the AVX2
// tile's 256-bit sums does; adding the two halves at the end of the block gives every 32-bit lane
// exactly the AVX2 tile's integer (integer sums are exact), and the float steps are the same:
// bit-identical results. The -32 * scale . bsums term starts in the low half, in the AVX2 lanes.
template <int NR, int NT>
void tile_q6_K(int64_t n, const uint8_t* w, size_t ws, const uint8_t* a, size_t as, float* y, size_t ys,
               int64_t groups = 1) {
  const size_t row_bytes = static_cast<size_t>(n / kQK_K) * sizeof(BlockQ6K);
  const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  const __m512i bits0145 = _mm512_set1_epi8(0x33);
  const __m512i qh_shift = _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2);
  // vpshufb controls: in every 128-bit lane L, int16 L (pick_lo) or 4 + L (pick_hi) repeated.
  const __m512i pick_lo = _mm512_setr_epi64(0x0100010001000100, 0x0100010001000100, 0x0302030203020302,
                                            0x0302030203020302, 0x0504050405040504, 0x0504050405040504,
                                            0x0706070607060706, 0x0706070607060706);
  const __m512i pick_hi = _mm512_add_epi8(pick_lo, _mm512_set1_epi8(8));
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
      __m512i sc16[NR];
      prefetch_blocks<BlockQ6K, NR>(w, ws, b, stream);
      const BlockQ8K* yb[NT];
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
      // Two int32 chains per pair (q_lo and q_hi products): vpdpwssd has a 5-cycle latency.
      __m512i isum[NR][NT], isum_hi[NR][NT];
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        x[r] = reinterpret_cast<const BlockQ6K*>(w + static_cast<size_t>(r) * ws) + b;
        const __m256i s = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[r]->scales)));
        sc16[r] = _mm512_castsi256_si512(s);
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          const __m256i offset = _mm256_sub_epi32(_mm256_setzero_si256(),
                                                  _mm256_slli_epi32(_mm256_madd_epi16(s, load32(yb[t]->bsums)), 5));
          isum[r][t] = _mm512_zextsi256_si512(offset);
          isum_hi[r][t] = _mm512_setzero_si512();
        }
      }
#pragma GCC unroll 2
      for (int h = 0; h < 2; ++h) {
        #pragma GCC unroll 4
        for (int r = 0; r < NR; ++r) {
          const __m512i ql = load64(x[r]->ql + 64 * h);
          const __m512i qh = _mm512_broadcast_i64x4(load32(x[r]->qh + 32 * h));
          // Bits 0-1 and 4-5 of every byte: [qh | qh >> 2] & 0x33 (64-bit shifts: the bits kept
          // never cross a byte).
          const __m512i hb = _mm512_and_si512(_mm512_srlv_epi64(qh, qh_shift), bits0145);
          // low4 ? nibble : top bits (vpternlogd 0xE4 = C ? A : B); bits 6-7 of hb and hb << 4 are 0.
          const __m512i q_lo = _mm512_ternarylogic_epi32(ql, _mm512_slli_epi64(hb, 4), low4, 0xE4);
          const __m512i q_hi = _mm512_ternarylogic_epi32(_mm512_srli_epi64(ql, 4), hb, low4, 0xE4);
          // Scales 8h..8h+7 in every lane (one shuffle), then lane L's own: 8h+L, 8h+4+L.
          const __m512i sc8 = h == 0 ? _mm512_shuffle_i32x4(sc16[r], sc16[r], 0x00)
                                    : _mm512_shuffle_i32x4(sc16[r], sc16[r], 0x55);
          const __m512i s_lo = _mm512_shuffle_epi8(sc8, pick_lo);
          const __m512i s_hi = _mm512_shuffle_epi8(sc8, pick_hi);
          #pragma GCC unroll 4
          for (int t = 0; t < NT; ++t) {
            const int8_t* ah = yb[t]->qs + 128 * h;
            isum[r][t] = _mm512_dpwssd_epi32(isum[r][t], _mm512_maddubs_epi16(q_lo, load64(ah)), s_lo);
            isum_hi[r][t] = _mm512_dpwssd_epi32(isum_hi[r][t], _mm512_maddubs_epi16(q_hi, load64(ah + 64)), s_hi);
          }
        }
      }
      #pragma GCC unroll 4
      for (int r = 0; r < NR; ++r) {
        const float d = _cvtsh_ss(x[r]->d);
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
          const __m512i s = _mm512_add_epi32(isum[r][t], isum_hi[r][t]);
          const __m256i sum = _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
          acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(d * yb[t]->d), _mm256_cvtepi32_ps(sum), acc[r][t]);
        }
      }
    }
    store<NR, NT>(acc, y, ys);
  }
}

}  // namespace

void vec_dot_tile_q6_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int nr, const void* a, size_t as, int nt,
                                   float* y, size_t ys) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  dispatch_tile_shape(nr, nt, [&]<int NR, int NT>() { tile_q6_K<NR, NT>(n, wb, ws, ab, as, y, ys); });
}

void vec_dot_rows_q6_K_q8_K_avx512(int64_t n, const void* w, size_t ws, int64_t rows, const void* a, float* y) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(a);
  // Row by row: two row streams at once cost Q6_K 4-6% (tile_kernels.h).
  tile_q6_K<1, 1>(n, wb, ws, ab, 0, y, 1, rows);
}

}  // namespace pw::quant
