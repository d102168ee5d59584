#include "engine/model/batch_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/model/attention_kernels.h"
#include "engine/quant/kernels.h"
#include "engine/tensor/fp16.h"

namespace pw::model {
namespace {

size_t sz(int64_t a, int64_t b) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// First position visible from `pos` (sliding window) .
int first_visible(int pos, int window) { return window > 0 ? std::max(0, pos - window + 1) : 0; }

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

size_t batch_attention_scratch_floats(int n_ctx, int head_dim_k, int head_dim_v, int group) {
  return sz(n_ctx, head_dim_k) + sz(n_ctx, head_dim_v) + sz(group, n_ctx) + sz(group, head_dim_k);
}

BatchAttentionScratch batch_attention_scratch(float* base, int n_ctx, int head_dim_k, int head_dim_v, int group) {
  BatchAttentionScratch s;
  s.k = base;
  s.v = s.k + sz(n_ctx, head_dim_k);
  s.s = s.v + sz(n_ctx, head_dim_v);
  s.q = s.s + sz(group, n_ctx);
  return s;
}

void attend_tile(const float* q, size_t q_stride, int t0, int t1, int pos0, const KvCache& kv, int layer, int kv_head,
                 int group, const AttentionParams& p, const BatchAttentionScratch& s, float* att, size_t att_stride) {
  const int nt = t1 - t0;
  if (nt <= 0) return;
  static const AttentionKernels& kern = attention_kernels();
  const bool f16 = kv.type() == KvType::F16;
  const size_t elem = f16 ? sizeof(uint16_t) : sizeof(float);
  const int dk = p.head_dim_k, dv = p.head_dim_v;
  // KV positions any token of the tile sees: [j0, j1], converted once for every token and head.
  const int j0 = first_visible(pos0 + t0, p.window);
  const int j1 = pos0 + t1 - 1;
  const int n_kv = j1 - j0 + 1;
  gather(kv, layer, false, j0, n_kv, sz(kv_head, dk) * elem, dk, s.k);
  gather(kv, layer, true, j0, n_kv, sz(kv_head, dv) * elem, dv, s.v);

  const size_t q_count = sz(group, dk);
  for (int t = 0; t < nt; ++t) {
    const int pos = pos0 + t0 + t;
    const int lo = first_visible(pos, p.window) - j0;  // visible rows [lo, lo + n)
    const int n = pos - j0 + 1 - lo;
    // The group's queries, F16-rounded when the cache is F16 (as attend_group).
    const float* qt = q + sz(t0 + t, 1) * q_stride + sz(kv_head, 1) * q_count;
    for (size_t i = 0; i < q_count; ++i) s.q[i] = f16 ? fp16_to_fp32(fp32_to_fp16(qt[i])) : qt[i];
    const KvRows k{reinterpret_cast<const uint8_t*>(s.k + sz(lo, dk)), sz(dk, sizeof(float)), false};
    const KvRows v{reinterpret_cast<const uint8_t*>(s.v + sz(lo, dv)), sz(dv, sizeof(float)), false};
    const size_t stride = static_cast<size_t>(n);
    kern.scores(s.q, group, dk, k, n, s.s, stride);
    for (int h = 0; h < group; ++h) kern.softmax(s.s + sz(h, 1) * stride, n, p.kq_scale, p.softcap, f16);
    kern.weighted_sum(s.s, stride, group, v, n, dv, att + sz(t0 + t, 1) * att_stride + sz(kv_head, 1) * sz(group, dv),
                      static_cast<size_t>(dv));
  }
}

}  // namespace pw::model
