#include "engine/model/batch_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/compute/sgemm.h"
#include "engine/model/softmax_kernels.h"
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

size_t batch_attention_scratch_floats(int n_ctx, int head_dim_k, int head_dim_v) {
  return sz(n_ctx, head_dim_k) + sz(n_ctx, head_dim_v) + sz(kAttentionTileTokens, n_ctx) +
         sz(kAttentionTileTokens, head_dim_k) + (sz(std::max(n_ctx, head_dim_k), 1) + 1) / 2 + 16;
}

BatchAttentionScratch batch_attention_scratch(float* base, int n_ctx, int head_dim_k, int head_dim_v) {
  BatchAttentionScratch s;
  s.k = base;
  s.v = s.k + sz(n_ctx, head_dim_k);
  s.p = s.v + sz(n_ctx, head_dim_v);
  s.q = s.p + sz(kAttentionTileTokens, n_ctx);
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
  // KV positions any token of the tile sees: [j0, j1]. Column c of S and P is position j0 + c.
  const int j0 = first_visible(pos0 + t0, p.window);
  const int j1 = pos0 + t1 - 1;
  const int n_kv = j1 - j0 + 1;
  gather(kv, layer, false, j0, n_kv, sz(kv_head, dk) * elem, dk, s.k);
  gather(kv, layer, true, j0, n_kv, sz(kv_head, dv) * elem, dv, s.v);

  for (int g = 0; g < group; ++g) {
    // Query head `head` reads KV head head / group (GQA): the group's heads are consecutive.
    const int head = kv_head * group + g;
    // Q of the head [nt][dk], F16-rounded when the cache is F16 (what ggml's F16 mul_mat sees).
    for (int t = 0; t < nt; ++t) {
      float* dst = s.q + sz(t, dk);
      std::memcpy(dst, q + sz(t0 + t, 1) * q_stride + sz(head, dk), sz(dk, sizeof(float)));
      if (f16) round_to_f16(dst, dk, s.h);
    }
    // S = Q K^T [nt][n_kv]: raw scores of every column, visible or not.
    compute::sgemm(compute::Trans::B, nt, n_kv, dk, s.q, dk, s.k, dk, s.p, n_kv);
    // Per token: soft-cap of the raw visible scores, then scale, softmax, F16 rounding (the
    // order attend_head uses); every column the token must not see becomes exactly 0, so the
    // second product adds nothing for it.
    for (int t = 0; t < nt; ++t) {
      const int pos = pos0 + t0 + t;
      const int lo = first_visible(pos, p.window) - j0;  // visible columns [lo, hi)
      const int hi = pos - j0 + 1;
      const int n = hi - lo;
      float* row = s.p + sz(t, n_kv);
      float* vis = row + lo;
      if (p.softcap > 0.0f) softcap(vis, n, p.softcap);
      for (int j = 0; j < n; ++j) vis[j] *= p.kq_scale;
      softmax_row(vis, n);
      if (f16) round_to_f16(vis, n, s.h);
      std::fill(row, vis, 0.0f);
      std::fill(row + hi, row + n_kv, 0.0f);
    }
    // O = P V [nt][dv], straight into the head's columns of att.
    compute::sgemm(compute::Trans::None, nt, dv, n_kv, s.p, n_kv, s.v, dv, att + sz(t0, 1) * att_stride + sz(head, dv),
                   static_cast<int>(att_stride));
  }
}

}  // namespace pw::model
