// AVX-512 VNNI panels of the K-quants (Q4_K, Q5_K, Q6_K) for prompt processing; see
// gemm_kernels.h and gemm_legacy_avx512.cpp (the same "rows in lanes" idea).
//
// Panel: 16 weight rows per super-block (256 values). For each of the 64 groups of 4
// consecutive values, one 64-byte vector with the 4 unsigned codes of every row (row r in
// 32-bit lane r). Then per sub-block (Q4_K/Q5_K: 8 of 32 values; Q6_K: 16 of 16) the rows'
// d * scale as floats, and the int16 pairs for the offset term, which vpdpwssd multiplies with
// pairs of the Q8_K activations' 16-value sums (bsums): Q4_K/Q5_K (min_j, min_j) against
// (bsums[2j], bsums[2j+1]), scaled by -dmin; Q6_K (scale_2i, scale_2i+1) against
// (bsums[2i], bsums[2i+1]), scaled by -32 d.
//
// Inner loop per sub-block and token: vpdpbusd(acc, codes (u8), broadcast 4 activation bytes
// (s8)) per group of 4 values, giving each row's exact integer sub-block sum (the tiles' sums),
// then convert + FMA by d * scale_j. Per super-block and token: the offset sums, and one FMA by
// the activation scale. The activations are the format's own Q8_K rows.
#include <immintrin.h>

#include <cstring>

#include "engine/quant/gemm_avx512_common.h"
#include "engine/quant/gemm_kernels.h"
#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_avx2_common.h"

namespace pw::quant {
namespace {

constexpr int P = 16;              // rows per panel
constexpr int kGroups = kQK_K / 4;  // groups of 4 values per super-block

// kSub: sub-blocks per super-block (8 for Q4_K/Q5_K, 16 for Q6_K).
template <int kSub>
struct alignas(64) Block {
  uint8_t q[kGroups][P][4];
  float sc[kSub][P];        // d * scale of each sub-block
  int16_t off[8][P][2];     // int16 pairs for vpdpwssd with bsum pairs
  float off_scale[P];       // -dmin (Q4_K/Q5_K) or -32 d (Q6_K)
};
using Block4 = Block<8>;
using Block6 = Block<16>;

template <int kSub>
size_t panel_bytes(int64_t n) {
  return static_cast<size_t>(n / kQK_K) * sizeof(Block<kSub>);
}

// codes[r]: the 256 codes of row r in value order -> pb.q (row r in lane r of every group).
template <int kSub>
void put_codes(Block<kSub>& pb, const uint8_t (*codes)[kQK_K]) {
  for (int c = 0; c < kQK_K / 64; ++c) {
    __m512i m[P];
    for (int r = 0; r < P; ++r) m[r] = _mm512_load_si512(codes[r] + 64 * c);
    avx512::transpose16(m);
    for (int g = 0; g < 16; ++g) _mm512_store_si512(pb.q[16 * c + g], m[g]);
  }
}

template <bool kFive>
void pack_q45_K(int64_t n, const void* w, size_t ws, int nr, void* panel) {
  using WB = std::conditional_t<kFive, BlockQ5K, BlockQ4K>;
  auto* out = static_cast<Block4*>(panel);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    Block4& pb = out[b];
    alignas(64) uint8_t rows_codes[P][kQK_K];
    for (int r = 0; r < P; ++r) {
      uint8_t* codes = rows_codes[r];
      if (r >= nr) {  // missing rows: zero codes and scales, never stored by run()
        std::memset(codes, 0, kQK_K);
        for (int j = 0; j < 8; ++j) {
          pb.sc[j][r] = 0.0f;
          pb.off[j][r][0] = pb.off[j][r][1] = 0;
        }
        pb.off_scale[r] = 0.0f;
        continue;
      }
      const WB* x = reinterpret_cast<const WB*>(static_cast<const uint8_t*>(w) + static_cast<size_t>(r) * ws) + b;
      alignas(16) uint8_t sm[16];  // scales 0..7, mins 0..7
      _mm_store_si128(reinterpret_cast<__m128i*>(sm), avx2::unpack_scales_mins_k4_sse(x->scales));
      [[maybe_unused]] __m256i qh;
      if constexpr (kFive) qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->qh));
      for (int p = 0; p < 4; ++p) {
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->qs + 32 * p));
        __m256i lo = _mm256_and_si256(q, low4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
        if constexpr (kFive) {
          lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(qh, 4), bit4));
          hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_slli_epi16(qh, 3), bit4));
          qh = _mm256_srli_epi16(qh, 2);
        }
        _mm256_store_si256(reinterpret_cast<__m256i*>(codes + 64 * p), lo);
        _mm256_store_si256(reinterpret_cast<__m256i*>(codes + 64 * p + 32), hi);
      }
      const float d = _cvtsh_ss(x->d);
      for (int j = 0; j < 8; ++j) {
        pb.sc[j][r] = d * static_cast<float>(sm[j]);
        pb.off[j][r][0] = pb.off[j][r][1] = static_cast<int16_t>(sm[8 + j]);
      }
      pb.off_scale[r] = -_cvtsh_ss(x->dmin);
    }
    put_codes(pb, rows_codes);
  }
}

void pack_q6_K(int64_t n, const void* w, size_t ws, int nr, void* panel) {
  auto* out = static_cast<Block6*>(panel);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    Block6& pb = out[b];
    alignas(64) uint8_t rows_codes[P][kQK_K];
    for (int r = 0; r < P; ++r) {
      uint8_t* codes = rows_codes[r];
      if (r >= nr) {
        std::memset(codes, 0, kQK_K);
        for (int j = 0; j < 16; ++j) pb.sc[j][r] = 0.0f;
        for (int i = 0; i < 8; ++i) pb.off[i][r][0] = pb.off[i][r][1] = 0;
        pb.off_scale[r] = 0.0f;
        continue;
      }
      const BlockQ6K* x =
          reinterpret_cast<const BlockQ6K*>(static_cast<const uint8_t*>(w) + static_cast<size_t>(r) * ws) + b;
      for (int h = 0; h < 2; ++h) {
        const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->ql + 64 * h));
        const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->ql + 64 * h + 32));
        const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x->qh + 32 * h));
        const __m256i q[4] = {
            _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45)),
            _mm256_or_si256(_mm256_and_si256(ql1, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4), _mm256_and_si256(qh, bits45)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                            _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45))};
        for (int i = 0; i < 4; ++i)
          _mm256_store_si256(reinterpret_cast<__m256i*>(codes + 128 * h + 32 * i), q[i]);
      }
      const float d = _cvtsh_ss(x->d);
      for (int j = 0; j < 16; ++j) pb.sc[j][r] = d * static_cast<float>(x->scales[j]);
      for (int i = 0; i < 8; ++i) {
        pb.off[i][r][0] = x->scales[2 * i];
        pb.off[i][r][1] = x->scales[2 * i + 1];
      }
      pb.off_scale[r] = -32.0f * d;
    }
    put_codes(pb, rows_codes);
  }
}

inline __m512i bcast4(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

// 16 rows x NT tokens. kSub sub-blocks of kGroups / kSub groups each.
template <int kSub, int NT>
inline void run_tokens(int64_t nb, const Block<kSub>* P_, int nr, const uint8_t* a, size_t as, float* y, size_t ys) {
  constexpr int G = kGroups / kSub;  // groups per sub-block: 8 or 4
  __m512 acc[NT];
  #pragma GCC unroll 8
  for (int t = 0; t < NT; ++t) acc[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < nb; ++b) {
    const Block<kSub>& pb = P_[b];
    const BlockQ8K* yb[NT];
    #pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) yb[t] = reinterpret_cast<const BlockQ8K*>(a + static_cast<size_t>(t) * as) + b;
    __m512 sb[NT];
    #pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) sb[t] = _mm512_setzero_ps();
    #pragma GCC unroll 1
    for (int j = 0; j < kSub; ++j) {
      __m512i w[G];
      #pragma GCC unroll 8
      for (int g = 0; g < G; ++g) w[g] = _mm512_load_si512(pb.q[G * j + g]);
      const __m512 sc = _mm512_load_ps(pb.sc[j]);
      #pragma GCC unroll 8
      for (int t = 0; t < NT; ++t) {
        const int8_t* qa = yb[t]->qs + 4 * G * j;
        // Two chains per token: measured faster than one chain with 6 tokens.
        __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
        #pragma GCC unroll 8
        for (int g = 0; g < G; g += 2) {
          s0 = _mm512_dpbusd_epi32(s0, w[g], bcast4(qa + 4 * g));
          s1 = _mm512_dpbusd_epi32(s1, w[g + 1], bcast4(qa + 4 * g + 4));
        }
        sb[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), sc, sb[t]);
      }
    }
    const __m512 os = _mm512_load_ps(pb.off_scale);
    #pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) {
      __m512i m0 = _mm512_setzero_si512(), m1 = _mm512_setzero_si512();
      #pragma GCC unroll 8
      for (int i = 0; i < 8; i += 2) {
        m0 = _mm512_dpwssd_epi32(m0, _mm512_load_si512(pb.off[i]), bcast4(yb[t]->bsums + 2 * i));
        m1 = _mm512_dpwssd_epi32(m1, _mm512_load_si512(pb.off[i + 1]), bcast4(yb[t]->bsums + 2 * i + 2));
      }
      sb[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(m0, m1)), os, sb[t]);
      acc[t] = _mm512_fmadd_ps(sb[t], _mm512_set1_ps(yb[t]->d), acc[t]);
    }
  }
  const __mmask16 m = static_cast<__mmask16>((1u << nr) - 1u);
  #pragma GCC unroll 8
  for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + static_cast<size_t>(t) * ys, m, acc[t]);
}

template <int kSub>
void run(int64_t n, const void* panel, int nr, const void* a, size_t as, int64_t nt, float* y, size_t ys) {
  const auto* pb = static_cast<const Block<kSub>*>(panel);
  const auto* ab = static_cast<const uint8_t*>(a);
  const int64_t nb = n / kQK_K;
  constexpr int T = 4;
  int64_t t = 0;
  for (; t + T <= nt; t += T)
    run_tokens<kSub, T>(nb, pb, nr, ab + static_cast<size_t>(t) * as, as, y + static_cast<size_t>(t) * ys, ys);
  const auto rest = [&](auto nt_c) {
    run_tokens<kSub, decltype(nt_c)::value>(nb, pb, nr, ab + static_cast<size_t>(t) * as, as,
                                            y + static_cast<size_t>(t) * ys, ys);
  };
  switch (nt - t) {
    case 3: rest(std::integral_constant<int, 3>{}); break;
    case 2: rest(std::integral_constant<int, 2>{}); break;
    case 1: rest(std::integral_constant<int, 1>{}); break;
    default: break;
  }
}

constexpr GemmKernels kQ4K{panel_bytes<8>, pack_q45_K<false>, run<8>, P, GemmTier::Avx512Vnni, nullptr, nullptr};
constexpr GemmKernels kQ5K{panel_bytes<8>, pack_q45_K<true>, run<8>, P, GemmTier::Avx512Vnni, nullptr, nullptr};
constexpr GemmKernels kQ6K{panel_bytes<16>, pack_q6_K, run<16>, P, GemmTier::Avx512Vnni, nullptr, nullptr};

}  // namespace

const GemmKernels* gemm_kernels_avx512_k(GgmlType type);

const GemmKernels* gemm_kernels_avx512_k(GgmlType type) {
  switch (type) {
    case GgmlType::Q4_K: return &kQ4K;
    case GgmlType::Q5_K: return &kQ5K;
    case GgmlType::Q6_K: return &kQ6K;
    default: return nullptr;
  }
}

}  // namespace pw::quant
