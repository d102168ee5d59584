// Attention of a whole prompt batch as matrix products (prompt processing; decoding keeps
// attend_head in blocks.h). One call handles a tile of consecutive query tokens for every query
// head of one KV head, so the KV rows are converted to F32 once per tile and reused by all
// heads of the group:
//
//   BatchAttentionScratch s = ...;   // per thread, sized by batch_attention_scratch_floats()
//   attend_tile(q, q_stride, t0, t1, pos0, kv, layer, kv_head, group, p, s, att, att_stride);
//   // att[t][h * head_dim_v ..] for t in [t0, t1), h in [kv_head*group, (kv_head+1)*group)
//
// Per query head h of the group and token t:  s_j = q_t . k_j over the visible positions j,
// p = softmax(s * scale), o_t = sum_j p_j v_j (j ascending, as attend_head).
// What must not change: the same arithmetic as attend_head apart from rounding (F16 cache: q
// and K are converted to F32 before the dot products instead of inside them) — soft-cap on the raw scores, then the scaled softmax with
// its sum in double; with an F16 cache q is rounded to F16 before q.k and the weights p are
// rounded to F16 before weighting V (ggml's F16 mul_mat), masked positions weigh exactly 0.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/model/blocks.h"
#include "engine/model/kv_cache.h"

namespace pw::model {

// Query tokens per attend_tile call: the KV conversion is shared by this many tokens x the
// group's heads.
inline constexpr int kAttentionTileTokens = 64;

struct BatchAttentionScratch {
  float* k = nullptr;  // [n_ctx][head_dim_k]
  float* v = nullptr;  // [n_ctx][head_dim_v]
  float* s = nullptr;  // [n_ctx] one row of scores
  float* q = nullptr;  // [kAttentionTileTokens][head_dim_k]
  uint16_t* h = nullptr;  // [max(n_ctx, head_dim_k)] F16 rounding of one row
};

// Floats of one thread's scratch for a context of n_ctx positions.
size_t batch_attention_scratch_floats(int n_ctx, int head_dim_k, int head_dim_v);
// Carves one thread's scratch out of `base` (batch_attention_scratch_floats floats).
BatchAttentionScratch batch_attention_scratch(float* base, int n_ctx, int head_dim_k, int head_dim_v);

// Tokens [t0, t1) of the batch (t1 - t0 <= kAttentionTileTokens), token t at position pos0 + t,
// its query row at q + t * q_stride (heads head_dim_k floats apart). The cache must already hold
// every position up to pos0 + t1 - 1. Writes att + t * att_stride + h * head_dim_v.
void attend_tile(const float* q, size_t q_stride, int t0, int t1, int pos0, const KvCache& kv, int layer, int kv_head,
                 int group, const AttentionParams& p, const BatchAttentionScratch& s, float* att, size_t att_stride);

// out[d] = sum_j w[j] * v[j][d] (v: n rows of dv floats), j ascending, one multiply and one
// add per term as attend_head does (bit-identical to it). The scalar twin and the AVX2 one
// (needs AVX2; bit-identical to the scalar one, tested); weighted_sum picks the fastest.
void weighted_sum_scalar(const float* w, int n, const float* v, int dv, float* out);
void weighted_sum_avx2(const float* w, int n, const float* v, int dv, float* out);
void weighted_sum(const float* w, int n, const float* v, int dv, float* out);

}  // namespace pw::model
