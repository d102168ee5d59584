// AVX2 + FMA + F16C twins of the attention kernels (attention_kernels.h), bit-identical to the
// scalar ones (same lane order; tested). Faster because each K/V row is loaded and converted
// once for up to 4 query heads, two positions' dot products run side by side, and exp is
// 8 lanes wide.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/model/attention_kernels.h"
#include "engine/model/exp_avx2.h"
#include "engine/model/softmax_kernels.h"

namespace pw::model {
namespace {

// Heads handled together: 4 x 2 accumulators (scores) or 4 x 2 (weighted sum) stay in registers.
constexpr int kMaxHeads = 4;

template <bool F16>
__m256 load8(const uint8_t* row, int i) {
  if constexpr (F16)
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + static_cast<size_t>(i) * 2)));
  else
    return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + i);
}

// Values [i, i + r) of a row, r < 8, the rest 0.
template <bool F16>
__m256 load_tail(const uint8_t* row, int i, int r) {
  if constexpr (F16) {
    alignas(16) uint16_t t[8] = {};
    std::memcpy(t, row + static_cast<size_t>(i) * 2, static_cast<size_t>(r) * 2);
    return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(t)));
  } else {
    alignas(32) float t[8] = {};
    std::memcpy(t, reinterpret_cast<const float*>(row) + i, static_cast<size_t>(r) * 4);
    return _mm256_load_ps(t);
  }
}

// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)) of one vector, as attn_detail::reduce8.
float reduce8(__m256 v) {
  const __m256 t = _mm256_hadd_ps(v, v);  // 01 23 01 23 | 45 67 45 67
  const __m256 u = _mm256_hadd_ps(t, t);  // (01)+(23) ... | (45)+(67) ...
  return _mm_cvtss_f32(_mm_add_ss(_mm256_castps256_ps128(u), _mm256_extractf128_ps(u, 1)));
}

// The same reduction of eight vectors at once: lane k of the result is reduce8(v[k]).
__m256 reduce8x8(const __m256* v) {
  const __m256 t0 = _mm256_hadd_ps(v[0], v[1]), t1 = _mm256_hadd_ps(v[2], v[3]);
  const __m256 t2 = _mm256_hadd_ps(v[4], v[5]), t3 = _mm256_hadd_ps(v[6], v[7]);
  const __m256 u0 = _mm256_hadd_ps(t0, t1);  // v0..v3: (01)+(23) | (45)+(67)
  const __m256 u1 = _mm256_hadd_ps(t2, t3);  // v4..v7
  return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
}

// Scores of H heads x J positions (H * J <= 8 accumulators, reduced together) from row j.
template <int H, int J, bool F16>
void scores_tile(const float* q, int dk, const float (*qt)[8], KvRows k, int j, float* s, size_t s_stride) {
  const int full = dk / 8 * 8;
  const uint8_t* rows[J];
  for (int jj = 0; jj < J; ++jj) rows[jj] = k.row(j + jj);
  __m256 acc[8];
  for (int a = 0; a < 8; ++a) acc[a] = _mm256_setzero_ps();
  for (int i = 0; i < full; i += 8) {
    __m256 kv[J];
    for (int jj = 0; jj < J; ++jj) kv[jj] = load8<F16>(rows[jj], i);
    for (int h = 0; h < H; ++h) {
      const __m256 qv = _mm256_loadu_ps(q + static_cast<size_t>(h) * static_cast<size_t>(dk) + i);
      for (int jj = 0; jj < J; ++jj) acc[h * J + jj] = _mm256_fmadd_ps(qv, kv[jj], acc[h * J + jj]);
    }
  }
  if (full < dk) {
    __m256 kv[J];
    for (int jj = 0; jj < J; ++jj) kv[jj] = load_tail<F16>(rows[jj], full, dk - full);
    for (int h = 0; h < H; ++h) {
      const __m256 qv = _mm256_load_ps(qt[h]);
      for (int jj = 0; jj < J; ++jj) acc[h * J + jj] = _mm256_fmadd_ps(qv, kv[jj], acc[h * J + jj]);
    }
  }
  if constexpr (H * J == 1) {
    s[j] = reduce8(acc[0]);
  } else {
    alignas(32) float r[8];
    _mm256_store_ps(r, reduce8x8(acc));
    for (int h = 0; h < H; ++h)
      for (int jj = 0; jj < J; ++jj) s[static_cast<size_t>(h) * s_stride + static_cast<size_t>(j + jj)] = r[h * J + jj];
  }
}

template <int H, bool F16>
void scores_heads(const float* q, int dk, KvRows k, int n, float* s, size_t s_stride) {
  constexpr int J = H == 1 ? 8 : H == 2 ? 4 : 2;
  const int full = dk / 8 * 8;
  // q's zero-padded tail block, per head.
  alignas(32) float qt[H][8] = {};
  for (int h = 0; h < H; ++h)
    for (int l = 0; l < dk - full; ++l)
      qt[h][l] = q[static_cast<size_t>(h) * static_cast<size_t>(dk) + static_cast<size_t>(full + l)];
  int j = 0;
  for (; j + J <= n; j += J) scores_tile<H, J, F16>(q, dk, qt, k, j, s, s_stride);
  for (; j < n; ++j) scores_tile<H, 1, F16>(q, dk, qt, k, j, s, s_stride);
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

void scores_avx2(const float* q, int nh, int dk, KvRows k, int n, float* s, size_t s_stride) {
  if (k.f16)
    scores_f<true>(q, nh, dk, k, n, s, s_stride);
  else
    scores_f<false>(q, nh, dk, k, n, s, s_stride);
}

float hmax(__m256 v) {
  const __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_max_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_max_ss(t, _mm_shuffle_ps(t, t, 1)));
}

__m256 round_f16(__m256 x) { return _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT)); }

void softmax_avx2(float* s, int n, float scale, float cap, bool round_to_f16) {
  if (cap > 0.0f) attn_detail::softcap_row(s, n, cap);
  const int full = n / 8 * 8;
  const __m256 vscale = _mm256_set1_ps(scale);
  __m256 vmax = _mm256_set1_ps(-INFINITY);
  for (int j = 0; j < full; j += 8) {
    const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(s + j), vscale);
    _mm256_storeu_ps(s + j, x);
    vmax = _mm256_max_ps(vmax, x);
  }
  float max = hmax(vmax);
  for (int j = full; j < n; ++j) {
    s[j] *= scale;
    max = std::max(max, s[j]);
  }
  const __m256 m = _mm256_set1_ps(max);
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();  // lanes 0-3 and 4-7
  for (int j = 0; j < full; j += 8) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(s + j), m));
    _mm256_storeu_ps(s + j, e);
    lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
  }
  double tail = 0.0;
  for (int j = full; j < n; ++j) {
    s[j] = softmax_exp(s[j] - max);
    tail += static_cast<double>(s[j]);
  }
  alignas(32) double u[4];
  _mm256_store_pd(u, _mm256_add_pd(lo, hi));  // l0+l4, l1+l5, l2+l6, l3+l7
  const float inv = static_cast<float>(1.0 / (((u[0] + u[1]) + (u[2] + u[3])) + tail));
  const __m256 vinv = _mm256_set1_ps(inv);
  for (int j = 0; j < full; j += 8) {
    __m256 p = _mm256_mul_ps(_mm256_loadu_ps(s + j), vinv);
    if (round_to_f16) p = round_f16(p);
    _mm256_storeu_ps(s + j, p);
  }
  for (int j = full; j < n; ++j) {
    s[j] *= inv;
    if (round_to_f16) s[j] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtps_ph(_mm_set_ss(s[j]), _MM_FROUND_TO_NEAREST_INT)));
  }
}

// Columns [d0, d0 + 8 * C) of H heads' outputs, over all n rows.
template <int H, int C, bool F16>
void wsum_block(const float* p, size_t p_stride, KvRows v, int n, int d0, float* out, size_t out_stride) {
  __m256 acc[H][C];
  for (int h = 0; h < H; ++h)
    for (int c = 0; c < C; ++c) acc[h][c] = _mm256_setzero_ps();
  for (int j = 0; j < n; ++j) {
    const uint8_t* vr = v.row(j);
    __m256 vv[C];
    for (int c = 0; c < C; ++c) vv[c] = load8<F16>(vr, d0 + 8 * c);
    for (int h = 0; h < H; ++h) {
      const __m256 w = _mm256_broadcast_ss(p + static_cast<size_t>(h) * p_stride + static_cast<size_t>(j));
      for (int c = 0; c < C; ++c) acc[h][c] = _mm256_fmadd_ps(w, vv[c], acc[h][c]);
    }
  }
  for (int h = 0; h < H; ++h)
    for (int c = 0; c < C; ++c) _mm256_storeu_ps(out + static_cast<size_t>(h) * out_stride + d0 + 8 * c, acc[h][c]);
}

template <int H, bool F16>
void wsum_heads(const float* p, size_t p_stride, KvRows v, int n, int dv, float* out, size_t out_stride) {
  int d0 = 0;
  for (; d0 + 16 <= dv; d0 += 16) wsum_block<H, 2, F16>(p, p_stride, v, n, d0, out, out_stride);
  for (; d0 + 8 <= dv; d0 += 8) wsum_block<H, 1, F16>(p, p_stride, v, n, d0, out, out_stride);
  for (; d0 < dv; ++d0)
    for (int h = 0; h < H; ++h) {
      const float* ph = p + static_cast<size_t>(h) * p_stride;
      float acc = 0.0f;
      for (int j = 0; j < n; ++j) {
        float x;
        if constexpr (F16) {
          uint16_t bits;
          std::memcpy(&bits, v.row(j) + static_cast<size_t>(d0) * 2, 2);
          x = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(bits)));
        } else {
          std::memcpy(&x, v.row(j) + static_cast<size_t>(d0) * 4, 4);
        }
        acc = std::fma(ph[j], x, acc);
      }
      out[static_cast<size_t>(h) * out_stride + static_cast<size_t>(d0)] = acc;
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

void weighted_sum_avx2(const float* p, size_t p_stride, int nh, KvRows v, int n, int dv, float* out,
                       size_t out_stride) {
  if (v.f16)
    wsum_f<true>(p, p_stride, nh, v, n, dv, out, out_stride);
  else
    wsum_f<false>(p, p_stride, nh, v, n, dv, out, out_stride);
}

}  // namespace

const AttentionKernels& attention_kernels_avx2() {
  static const AttentionKernels k{"avx2", scores_avx2, softmax_avx2, weighted_sum_avx2};
  return k;
}

}  // namespace pw::model
