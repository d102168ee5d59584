// AVX2 panels of the K-quants (Q4_K, Q5_K, Q6_K) for prompt processing; see gemm_kernels.h.
//
// Panel: per super-block (256 values) and row, the 8 chunks of 32 codes as unsigned bytes in
// value order, each chunk's int16 scale vector ready for madd (Q4_K/Q5_K: the chunk's 6-bit
// scale in all 16 lanes; Q6_K: scale 2c in the low 128-bit lane, 2c+1 in the high lane), the
// mins vector for the bsums (Q4_K/Q5_K: min j per 16-value group; Q6_K: -32 * scale j, its
// code offset) and the F16 super-scales as floats. Everything the vec_dot tiles
// (k_tile_kernels_avx2.cpp) compute per token pair is computed here once per row.
//
// Inner loop per super-block, chunk and (row, token): maddubs(codes, acts) -> madd(scales) ->
// add, in the same int32 lanes as the tiles; once per super-block and pair the lanes are
// converted and added with one FMA by d_w * d_a (Q4_K/Q5_K: after an FMA for the mins by
// -dmin_w * d_a), in the tiles' order, so the results are bit-identical to theirs.
#include <immintrin.h>

#include <cstring>

#include "engine/quant/gemm_kernels.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"

namespace pw::quant {
namespace {

constexpr int R = kGemmRows;
constexpr int kChunks = kQK_K / 32;

struct alignas(32) PanelBlock {
  uint8_t codes[kChunks][R][32];
  int16_t scales[kChunks][R][16];
  int16_t mins[R][16];
  float d[R];
  float dmin[R];  // -dmin (Q4_K/Q5_K); unused by Q6_K
};
static_assert(sizeof(PanelBlock) % 32 == 0);

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline __m256i loada(const void* p) { return _mm256_load_si256(static_cast<const __m256i*>(p)); }
inline void store32(void* p, __m256i v) { _mm256_store_si256(static_cast<__m256i*>(p), v); }


size_t panel_bytes(int64_t n) { return static_cast<size_t>(n / kQK_K) * sizeof(PanelBlock); }

template <bool kFive>
void pack_q45_K(int64_t n, const void* w, size_t ws, int nr, void* panel) {
  using WB = std::conditional_t<kFive, BlockQ5K, BlockQ4K>;
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  const __m128i dup_mins = _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
  auto* P = static_cast<PanelBlock*>(panel);
  const int64_t nb = n / kQK_K;
  for (int64_t b = 0; b < nb; ++b) {
    PanelBlock& pb = P[b];
    for (int r = 0; r < R; ++r) {
      if (r >= nr) {  // missing rows: zero codes and scales, never stored by run()
        for (int c = 0; c < kChunks; ++c) {
          store32(pb.codes[c][r], _mm256_setzero_si256());
          store32(pb.scales[c][r], _mm256_setzero_si256());
        }
        store32(pb.mins[r], _mm256_setzero_si256());
        pb.d[r] = pb.dmin[r] = 0.0f;
        continue;
      }
      const WB* x = reinterpret_cast<const WB*>(static_cast<const uint8_t*>(w) + static_cast<size_t>(r) * ws) + b;
      const __m128i sc_mn = avx2::unpack_scales_mins_k4_sse(x->scales);
      const __m256i scales = avx2::dup_lane0(_mm256_cvtepu8_epi16(sc_mn));
      store32(pb.mins[r], _mm256_cvtepu8_epi16(_mm_shuffle_epi8(sc_mn, dup_mins)));
      [[maybe_unused]] __m256i qh;
      if constexpr (kFive) qh = load32(x->qh);
      for (int p = 0; p < 4; ++p) {
        const __m256i q = load32(x->qs + 32 * p);
        __m256i lo = _mm256_and_si256(q, low4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
        if constexpr (kFive) {
          lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(qh, 4), bit4));
          hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_slli_epi16(qh, 3), bit4));
          qh = _mm256_srli_epi16(qh, 2);
        }
        store32(pb.codes[2 * p][r], lo);
        store32(pb.codes[2 * p + 1][r], hi);
        store32(pb.scales[2 * p][r], avx2::broadcast_scale(scales, 2 * p));
        store32(pb.scales[2 * p + 1][r], avx2::broadcast_scale(scales, 2 * p + 1));
      }
      pb.d[r] = _cvtsh_ss(x->d);
      pb.dmin[r] = -_cvtsh_ss(x->dmin);
    }
  }
}

void pack_q6_K(int64_t n, const void* w, size_t ws, int nr, void* panel) {
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i ctrl[4] = {avx2::pair_ctrl(0), avx2::pair_ctrl(1), avx2::pair_ctrl(2), avx2::pair_ctrl(3)};
  auto* P = static_cast<PanelBlock*>(panel);
  const int64_t nb = n / kQK_K;
  for (int64_t b = 0; b < nb; ++b) {
    PanelBlock& pb = P[b];
    for (int r = 0; r < R; ++r) {
      if (r >= nr) {
        for (int c = 0; c < kChunks; ++c) {
          store32(pb.codes[c][r], _mm256_setzero_si256());
          store32(pb.scales[c][r], _mm256_setzero_si256());
        }
        store32(pb.mins[r], _mm256_setzero_si256());
        pb.d[r] = pb.dmin[r] = 0.0f;
        continue;
      }
      const BlockQ6K* x =
          reinterpret_cast<const BlockQ6K*>(static_cast<const uint8_t*>(w) + static_cast<size_t>(r) * ws) + b;
      const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x->scales)));
      // The -32 code offset: -32 * scale_j per 16-value group, madd'ed with the bsums.
      store32(pb.mins[r], _mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(sc16, 5)));
      for (int h = 0; h < 2; ++h) {
        const __m256i sc = h == 0 ? avx2::dup_lane0(sc16) : avx2::dup_lane1(sc16);
        const __m256i ql0 = load32(x->ql + 64 * h);
        const __m256i ql1 = load32(x->ql + 64 * h + 32);
        const __m256i qh = load32(x->qh + 32 * h);
        const __m256i q[4] = {
            _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45)),
            _mm256_or_si256(_mm256_and_si256(ql1, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4), _mm256_and_si256(qh, bits45)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                            _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45))};
        for (int i = 0; i < 4; ++i) {
          store32(pb.codes[4 * h + i][r], q[i]);
          store32(pb.scales[4 * h + i][r], _mm256_shuffle_epi8(sc, ctrl[i]));
        }
      }
      pb.d[r] = _cvtsh_ss(x->d);
      pb.dmin[r] = 0.0f;
    }
  }
}

// The panel's R rows against NT tokens. kSeparateMins: Q4_K/Q5_K (mins in their own FMA);
// else Q6_K (offset folded into the integer sum first, as the Q6_K tile does). 4 rows x 2
// tokens: 8 integer accumulators; the codes of a chunk are loaded once for both tokens.
// (2 rows x 4 tokens measured slower: GCC spills three accumulators.)
template <bool kSeparateMins, int NT>
inline void run_tokens(int64_t nb, const PanelBlock* P, int nr, const uint8_t* a, size_t as, float* y, size_t ys) {
  __m256 acc[R][NT];
  #pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
    #pragma GCC unroll 4
    for (int t = 0; t < NT; ++t) acc[r][t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < nb; ++b) {
    const PanelBlock& pb = P[b];
    const BlockQ8K* yb[NT];
    #pragma GCC unroll 4
    for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
    __m256i isum[R][NT];
    #pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t)
        isum[r][t] = kSeparateMins ? _mm256_setzero_si256() : _mm256_madd_epi16(loada(pb.mins[r]), load32(yb[t]->bsums));
    // Not unrolled: fully unrolled, GCC hoists all products of the 8 chunks ahead of their
    // adds and spills them (3x slower).
    #pragma GCC unroll 1
    for (int c = 0; c < kChunks; ++c) {
      #pragma GCC unroll 4
      for (int r = 0; r < R; ++r) {
        const __m256i q = loada(pb.codes[c][r]);
        const __m256i s = loada(pb.scales[c][r]);
        #pragma GCC unroll 4
        for (int t = 0; t < NT; ++t)
          isum[r][t] = _mm256_add_epi32(isum[r][t], _mm256_madd_epi16(_mm256_maddubs_epi16(q, load32(yb[t]->qs + 32 * c)), s));
      }
    }
    #pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
      #pragma GCC unroll 4
      for (int t = 0; t < NT; ++t) {
        // Mins first, then the scaled sums: the order the tiles add them in (bit-identical).
        if constexpr (kSeparateMins) {
          const __m256i msum = _mm256_madd_epi16(loada(pb.mins[r]), load32(yb[t]->bsums));
          acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(pb.dmin[r] * yb[t]->d), _mm256_cvtepi32_ps(msum), acc[r][t]);
        }
        acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(pb.d[r] * yb[t]->d), _mm256_cvtepi32_ps(isum[r][t]), acc[r][t]);
      }
  }
  for (int t = 0; t < NT; ++t)
    for (int r = 0; r < nr; ++r) y[static_cast<size_t>(t) * ys + static_cast<size_t>(r)] = avx2::hsum_ps(acc[r][t]);
}

template <bool kSeparateMins>
void run(int64_t n, const void* panel, int nr, const void* a, size_t as, int64_t nt, float* y, size_t ys) {
  const auto* P = static_cast<const PanelBlock*>(panel);
  const auto* ab = static_cast<const uint8_t*>(a);
  const int64_t nb = n / kQK_K;
  int64_t t = 0;
  for (; t + 2 <= nt; t += 2)
    run_tokens<kSeparateMins, 2>(nb, P, nr, ab + static_cast<size_t>(t) * as, as, y + static_cast<size_t>(t) * ys, ys);
  if (t < nt) run_tokens<kSeparateMins, 1>(nb, P, nr, ab + static_cast<size_t>(t) * as, as, y + static_cast<size_t>(t) * ys, ys);
}

constexpr GemmKernels kQ4K{panel_bytes, pack_q45_K<false>, run<true>, R, GemmTier::Avx2, nullptr, nullptr};
constexpr GemmKernels kQ5K{panel_bytes, pack_q45_K<true>, run<true>, R, GemmTier::Avx2, nullptr, nullptr};
constexpr GemmKernels kQ6K{panel_bytes, pack_q6_K, run<false>, R, GemmTier::Avx2, nullptr, nullptr};

}  // namespace

const GemmKernels* gemm_kernels_avx2(GgmlType type) {
  switch (type) {
    case GgmlType::Q4_K: return &kQ4K;
    case GgmlType::Q5_K: return &kQ5K;
    case GgmlType::Q6_K: return &kQ6K;
    default: return nullptr;
  }
}

}  // namespace pw::quant
