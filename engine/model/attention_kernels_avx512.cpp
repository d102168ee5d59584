// AVX-512 twins of the attention kernels (attention_kernels.h), called only when
// cpu_features().avx512_vnni_kernels is true. Bit-identical to the scalar twins (tested):
// - weighted sum: each output value is still one FMA chain over j ascending; 512-bit vectors
//   and 32 registers hold 4 heads x 64 values in accumulators, so the V rows are read and
//   converted in one pass instead of the AVX2 twin's four 16-column passes;
// - scores: two positions share a register (lanes 0-7 position j, 8-15 position j+1, q
//   broadcast to both halves), so each 8-lane accumulator and its reduction are the scalar
//   twin's; half the FMA instructions of the AVX2 twin;
// - softmax: the AVX2 twin's (exp is not where the time goes).
#include <immintrin.h>

// GCC 12's _mm512_cvtph_ps passes _mm512_undefined_ps() as the unused merge source and then
// warns that it may be used uninitialized: a false positive in its own header.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <algorithm>
#include <cstring>

#include "engine/model/attention_kernels.h"

namespace pw::model {
namespace {

constexpr int kMaxHeads = 4;

// 16 values from index i of a row (F16 or F32); lanes past `mask` are 0.
template <bool F16>
__m512 load16(const uint8_t* row, int i, __mmask16 mask) {
  if constexpr (F16)
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, row + static_cast<size_t>(i) * 2));
  else
    return _mm512_maskz_loadu_ps(mask, reinterpret_cast<const float*>(row) + i);
}

// Columns [d0, d0 + 16 * C) of H heads' outputs (the last vector masked by `last`).
template <int H, int C, bool F16>
void wsum_block(const float* p, size_t p_stride, KvRows v, int n, int d0, __mmask16 last, float* out,
                size_t out_stride) {
  __m512 acc[H][C];
  for (int h = 0; h < H; ++h)
    for (int c = 0; c < C; ++c) acc[h][c] = _mm512_setzero_ps();
  for (int j = 0; j < n; ++j) {
    const uint8_t* vr = v.row(j);
    __m512 vv[C];
    for (int c = 0; c < C; ++c) vv[c] = load16<F16>(vr, d0 + 16 * c, c == C - 1 ? last : __mmask16(0xFFFF));
    for (int h = 0; h < H; ++h) {
      const __m512 w = _mm512_set1_ps(p[static_cast<size_t>(h) * p_stride + static_cast<size_t>(j)]);
      for (int c = 0; c < C; ++c) acc[h][c] = _mm512_fmadd_ps(w, vv[c], acc[h][c]);
    }
  }
  for (int h = 0; h < H; ++h)
    for (int c = 0; c < C; ++c)
      _mm512_mask_storeu_ps(out + static_cast<size_t>(h) * out_stride + d0 + 16 * c,
                            c == C - 1 ? last : __mmask16(0xFFFF), acc[h][c]);
}

template <int H, bool F16>
void wsum_heads(const float* p, size_t p_stride, KvRows v, int n, int dv, float* out, size_t out_stride) {
  for (int d0 = 0; d0 < dv; d0 += 64) {
    const int rem = std::min(64, dv - d0);
    const int C = (rem + 15) / 16;
    const int tail = rem - 16 * (C - 1);
    const auto last = static_cast<__mmask16>((1u << tail) - 1u);
    switch (C) {
      case 1: wsum_block<H, 1, F16>(p, p_stride, v, n, d0, last, out, out_stride); break;
      case 2: wsum_block<H, 2, F16>(p, p_stride, v, n, d0, last, out, out_stride); break;
      case 3: wsum_block<H, 3, F16>(p, p_stride, v, n, d0, last, out, out_stride); break;
      default: wsum_block<H, 4, F16>(p, p_stride, v, n, d0, last, out, out_stride); break;
    }
  }
}

template <bool F16>
void wsum_f(const float* p, size_t p_stride, int nh, KvRows v, int n, int dv, float* out, size_t out_stride) {
  for (int h0 = 0; h0 < nh; h0 += kMaxHeads) {
    const float* ph = p + static_cast<size_t>(h0) * p_stride;
    float* oh = out + static_cast<size_t>(h0) * out_stride;
    switch (std::min(kMaxHeads, nh - h0)) {
      case 1: wsum_heads<1, F16>(ph, p_stride, v, n, dv, oh, out_stride); break;
      case 2: wsum_heads<2, F16>(ph, p_stride, v, n, dv, oh, out_stride); break;
      case 3: wsum_heads<3, F16>(ph, p_stride, v, n, dv, oh, out_stride); break;
      default: wsum_heads<4, F16>(ph, p_stride, v, n, dv, oh, out_stride); break;
    }
  }
}

void weighted_sum_avx512(const float* p, size_t p_stride, int nh, KvRows v, int n, int dv, float* out,
                         size_t out_stride) {
  if (v.f16)
    wsum_f<true>(p, p_stride, nh, v, n, dv, out, out_stride);
  else
    wsum_f<false>(p, p_stride, nh, v, n, dv, out, out_stride);
}

// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)) of eight 8-lane vectors: lane k is v[k]'s (as the
// AVX2 twin's reduce8x8).
__m256 reduce8x8(const __m256* v) {
  const __m256 t0 = _mm256_hadd_ps(v[0], v[1]), t1 = _mm256_hadd_ps(v[2], v[3]);
  const __m256 t2 = _mm256_hadd_ps(v[4], v[5]), t3 = _mm256_hadd_ps(v[6], v[7]);
  const __m256 u0 = _mm256_hadd_ps(t0, t1);
  const __m256 u1 = _mm256_hadd_ps(t2, t3);
  return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
}

// Values [i, i + 8) of rows a and b in one register (a: lanes 0-7, b: 8-15), zero past `r`
// values when r < 8.
template <bool F16>
__m512 load_pair(const uint8_t* a, const uint8_t* b, int i, int r) {
  const auto m8 = static_cast<__mmask8>(r >= 8 ? 0xFF : (1u << r) - 1u);
  if constexpr (F16) {
    const __m128i lo = _mm_maskz_loadu_epi16(m8, a + static_cast<size_t>(i) * 2);
    const __m128i hi = _mm_maskz_loadu_epi16(m8, b + static_cast<size_t>(i) * 2);
    return _mm512_cvtph_ps(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1));
  } else {
    const __m256 lo = _mm256_maskz_loadu_ps(m8, reinterpret_cast<const float*>(a) + i);
    const __m256 hi = _mm256_maskz_loadu_ps(m8, reinterpret_cast<const float*>(b) + i);
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
  }
}

// Scores of H heads x 2P positions from row j: P registers per head, each holding two
// positions (2 * H * P <= 8 dot products, reduced together).
template <int H, int P, bool F16>
void scores_tile(const float* q, int dk, KvRows k, int j, float* s, size_t s_stride) {
  __m512 acc[H][P];
  for (int h = 0; h < H; ++h)
    for (int pp = 0; pp < P; ++pp) acc[h][pp] = _mm512_setzero_ps();
  for (int i = 0; i < dk; i += 8) {
    const int r = dk - i;
    __m512 kv[P];
    for (int pp = 0; pp < P; ++pp) kv[pp] = load_pair<F16>(k.row(j + 2 * pp), k.row(j + 2 * pp + 1), i, r);
    const auto m8 = static_cast<__mmask8>(r >= 8 ? 0xFF : (1u << r) - 1u);
    for (int h = 0; h < H; ++h) {
      const __m256 q8 = _mm256_maskz_loadu_ps(m8, q + static_cast<size_t>(h) * static_cast<size_t>(dk) + i);
      const __m512 qv = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(q8)));
      for (int pp = 0; pp < P; ++pp) acc[h][pp] = _mm512_fmadd_ps(qv, kv[pp], acc[h][pp]);
    }
  }
  // Dot product (h, position 2pp + half) is the 8-lane half `half` of acc[h][pp].
  __m256 v[8];
  for (int h = 0; h < H; ++h)
    for (int pp = 0; pp < P; ++pp) {
      v[(h * P + pp) * 2] = _mm512_castps512_ps256(acc[h][pp]);
      v[(h * P + pp) * 2 + 1] = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[h][pp]), 1));
    }
  for (int a = 2 * H * P; a < 8; ++a) v[a] = _mm256_setzero_ps();
  alignas(32) float out[8];
  _mm256_store_ps(out, reduce8x8(v));
  for (int h = 0; h < H; ++h)
    for (int x = 0; x < 2 * P; ++x) s[static_cast<size_t>(h) * s_stride + static_cast<size_t>(j + x)] = out[h * 2 * P + x];
}

template <int H, bool F16>
void scores_heads(const float* q, int dk, KvRows k, int n, float* s, size_t s_stride) {
  constexpr int P = H == 1 ? 4 : H == 2 ? 2 : 1;
  int j = 0;
  for (; j + 2 * P <= n; j += 2 * P) scores_tile<H, P, F16>(q, dk, k, j, s, s_stride);
  for (; j + 2 <= n; j += 2) scores_tile<H, 1, F16>(q, dk, k, j, s, s_stride);
  // An odd last position: paired with itself, only the first half kept.
  if (j < n) {
    alignas(32) float tmp[kMaxHeads][2];
    scores_tile<H, 1, F16>(q, dk, KvRows{k.row(j), 0, k.f16}, 0, &tmp[0][0], 2);
    for (int h = 0; h < H; ++h) s[static_cast<size_t>(h) * s_stride + static_cast<size_t>(j)] = tmp[h][0];
  }
}

template <bool F16>
void scores_f(const float* q, int nh, int dk, KvRows k, int n, float* s, size_t s_stride) {
  for (int h0 = 0; h0 < nh; h0 += kMaxHeads) {
    const float* qh = q + static_cast<size_t>(h0) * static_cast<size_t>(dk);
    float* sh = s + static_cast<size_t>(h0) * s_stride;
    switch (std::min(kMaxHeads, nh - h0)) {
      case 1: scores_heads<1, F16>(qh, dk, k, n, sh, s_stride); break;
      case 2: scores_heads<2, F16>(qh, dk, k, n, sh, s_stride); break;
      case 3: scores_heads<3, F16>(qh, dk, k, n, sh, s_stride); break;
      default: scores_heads<4, F16>(qh, dk, k, n, sh, s_stride); break;
    }
  }
}

void scores_avx512(const float* q, int nh, int dk, KvRows k, int n, float* s, size_t s_stride) {
  if (k.f16)
    scores_f<true>(q, nh, dk, k, n, s, s_stride);
  else
    scores_f<false>(q, nh, dk, k, n, s, s_stride);
}

}  // namespace

const AttentionKernels& attention_kernels_avx512() {
  static const AttentionKernels k{"avx512", scores_avx512, attention_kernels_avx2().softmax, weighted_sum_avx512};
  return k;
}

}  // namespace pw::model
