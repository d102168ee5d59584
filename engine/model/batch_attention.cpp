#include "engine/model/batch_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/quant/cpu_features.h"
#include "engine/quant/kernels.h"

namespace pw::model {
namespace {

size_t sz(int64_t a, int64_t b) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// First position visible from `pos` (sliding window) .
int first_visible(int pos, int window) { return window > 0 ? std::max(0, pos - window + 1) : 0; }

// x = F16(x) in place (round to nearest even, as fp32_to_fp16), through the F16 kernels (F16C
// when the CPU has it); tmp holds n halves.
void round_to_f16(float* x, int n, uint16_t* tmp) {
  static const quant::TypeKernels* f16 = quant::kernels_for(GgmlType::F16);
  f16->quantize_row(x, tmp, n);
  f16->dequantize_row(tmp, x, n);
}

// Rows [j0, j0 + n) of one KV head's K or V, `width` values at byte offset `off` of each
// cache row, as F32 into dst [n][width].
void gather(const KvCache& kv, int layer, bool is_v, int j0, int n, size_t off, int width, float* dst) {
  const bool f16 = kv.type() == KvType::F16;
  const quant::DequantizeRowFn to_f32 = quant::kernels_for(GgmlType::F16)->dequantize_row;
  for (int j = 0; j < n; ++j) {
    const auto* row = static_cast<const uint8_t*>(is_v ? kv.v_row(layer, j0 + j) : kv.k_row(layer, j0 + j)) + off;
    float* out = dst + sz(j, width);
    if (f16)
      to_f32(row, out, width);
    else
      std::memcpy(out, row, sz(width, sizeof(float)));
  }
}

}  // namespace

// out[d] = sum_j w[j] * v[j][d], j ascending (as attend_head). __restrict: without it GCC does
// not vectorise the inner loop (out could alias v).
// O3: the -O2 cost model leaves this loop scalar (dv is not known to be a multiple of 4).
__attribute__((optimize("O3"))) void weighted_sum_scalar(const float* __restrict w, int n, const float* __restrict v, int dv,
                                                        float* __restrict out) {
  std::fill(out, out + dv, 0.0f);
  for (int j = 0; j < n; ++j) {
    const float wj = w[j];
    const float* __restrict vr = v + sz(j, dv);
    for (int d = 0; d < dv; ++d) out[d] += wj * vr[d];
  }
}

void weighted_sum(const float* w, int n, const float* v, int dv, float* out) {
  static const bool fast = quant::cpu_features().avx2_fma_f16c;
  if (fast) weighted_sum_avx2(w, n, v, dv, out);
  else weighted_sum_scalar(w, n, v, dv, out);
}


size_t batch_attention_scratch_floats(int n_ctx, int head_dim_k, int head_dim_v) {
  return sz(n_ctx, head_dim_k) + sz(n_ctx, head_dim_v) + sz(n_ctx, 1) +
         sz(kAttentionTileTokens, head_dim_k) + (sz(std::max(n_ctx, head_dim_k), 1) + 1) / 2;
}

BatchAttentionScratch batch_attention_scratch(float* base, int n_ctx, int head_dim_k, int head_dim_v) {
  BatchAttentionScratch s;
  s.k = base;
  s.v = s.k + sz(n_ctx, head_dim_k);
  s.s = s.v + sz(n_ctx, head_dim_v);
  s.q = s.s + sz(n_ctx, 1);
  s.h = reinterpret_cast<uint16_t*>(s.q + sz(kAttentionTileTokens, head_dim_k));
  return s;
}

void attend_tile(const float* q, size_t q_stride, int t0, int t1, int pos0, const KvCache& kv, int layer, int kv_head,
                 int group, const AttentionParams& p, const BatchAttentionScratch& s, float* att, size_t att_stride) {
  const int nt = t1 - t0;
  if (nt <= 0) return;
  const bool f16 = kv.type() == KvType::F16;
  const size_t elem = f16 ? sizeof(uint16_t) : sizeof(float);
  const int dk = p.head_dim_k, dv = p.head_dim_v;
  // KV positions any token of the tile sees: [j0, j1].
  const int j0 = first_visible(pos0 + t0, p.window);
  const int j1 = pos0 + t1 - 1;
  const int n_kv = j1 - j0 + 1;
  static const quant::VecDotFn dot = quant::kernels_for(GgmlType::F32)->vec_dot;
  gather(kv, layer, false, j0, n_kv, sz(kv_head, dk) * elem, dk, s.k);
  gather(kv, layer, true, j0, n_kv, sz(kv_head, dv) * elem, dv, s.v);

  for (int g = 0; g < group; ++g) {
    const int head = kv_head * group + g;
    // Q of the head, F16-rounded when the cache is F16 (what ggml's F16 mul_mat sees).
    for (int t = 0; t < nt; ++t) {
      float* dst = s.q + sz(t, dk);
      std::memcpy(dst, q + sz(t0 + t, 1) * q_stride + sz(head, dk), sz(dk, sizeof(float)));
      if (f16) round_to_f16(dst, dk, s.h);
    }
    // Scores of the visible columns, softmax, weighted sum of V, row by row. The K and V rows
    // are converted once per tile (above) and reused by every token and head of the group.
    // Not sgemm, on purpose: every operation here is attend_head's, in its order, so a prompt
    // batch gives decoding's attention bit for bit. Written as two OpenBLAS products per head
    // and tile (S = Q K^T, O = P V, masked weights exactly 0) it agrees with attend_head to
    // ~1e-7 relative (2e-5 absolute in the test here), yet moves the fixture models' batched
    // logits 4e-4 .. 0.05 away from decoding: any last-bit difference before an F16 rounding
    // (the weights p, the next layer's K/V cache rows) or an 8-bit activation rounding can flip
    // it by a whole step, and these random-weight models amplify that (shared/fixtures
    // README section 6). Measured 2026-11-22 on gemma3/tiny-llama fixtures: sgemm for S alone
    // or for O alone each breaks the 1e-4 batch-vs-decode tests; both sequential passes.
    // OpenBLAS itself is exact enough (checked against a double reference on 2,640 shapes).
    for (int t = 0; t < nt; ++t) {
      const int pos = pos0 + t0 + t;
      const int lo = first_visible(pos, p.window) - j0;  // visible columns [lo, hi)
      const int hi = pos - j0 + 1;
      const int n = hi - lo;
      float* vis = s.s + lo;
      const float* qt = s.q + sz(t, dk);
      for (int j = 0; j < n; ++j) vis[j] = dot(dk, s.k + sz(lo + j, dk), qt);
      if (p.softcap > 0.0f) softcap(vis, n, p.softcap);
      float max = -INFINITY;
      for (int j = 0; j < n; ++j) {
        vis[j] *= p.kq_scale;
        max = std::max(max, vis[j]);
      }
      double sum = 0.0;
      for (int j = 0; j < n; ++j) {
        vis[j] = std::exp(vis[j] - max);
        sum += vis[j];
      }
      const float inv_sum = static_cast<float>(1.0 / sum);
      for (int j = 0; j < n; ++j) vis[j] *= inv_sum;
      if (f16) round_to_f16(vis, n, s.h);
      weighted_sum(vis, n, s.v + sz(lo, dv), dv, att + sz(t0 + t, 1) * att_stride + sz(head, dv));
    }
  }
}

}  // namespace pw::model
