// Attention of a whole prompt batch (prompt processing; decoding uses attend_group in
// blocks.h). One call handles a tile of consecutive query tokens for every query
// head of one KV head, so the KV rows are converted to F32 once per tile and reused by all
// heads of the group:
//
//   BatchAttentionScratch s = ...;   // per thread, sized by batch_attention_scratch_floats()
//   attend_tile(q, q_stride, t0, t1, pos0, kv, layer, kv_head, group, p, s, att, att_stride);
//   // att[t][h * head_dim_v ..] for t in [t0, t1), h in [kv_head*group, (kv_head+1)*group)
//
// Per query head h of the group and token t:  s_j = q_t . k_j over the visible positions j,
// p = softmax(s * scale), o_t = sum_j p_j v_j, through the same kernels (attention_kernels.h)
// and in the same order as attend_group, the decoding path, so a prompt batch gives decoding's
// attention bit for bit (tested): the K and V rows of the tile are converted to F32 once
// (exact), then each token runs the group's heads together over exactly its visible rows.
// What must not change: that equality — any last-bit difference before an F16 rounding (the
// weights p, the next layer's cache rows) or an 8-bit activation rounding can flip it by a
// whole step, and the random-weight fixture models amplify that (shared/fixtures README
// section 6). So no sgemm here: measured 2026-11-22 on gemma3/tiny-llama fixtures, S = Q K^T
// or O = P V through OpenBLAS each broke the 1e-4 batch-vs-decode logits tests.
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
  float* s = nullptr;  // [group][n_ctx] one token's scores, per head
  float* q = nullptr;  // [group][head_dim_k] one token's queries
};

// Floats of one thread's scratch for a context of n_ctx positions and `group` query heads per
// KV head.
size_t batch_attention_scratch_floats(int n_ctx, int head_dim_k, int head_dim_v, int group);
// Carves one thread's scratch out of `base` (batch_attention_scratch_floats floats).
BatchAttentionScratch batch_attention_scratch(float* base, int n_ctx, int head_dim_k, int head_dim_v, int group);

// Tokens [t0, t1) of the batch (t1 - t0 <= kAttentionTileTokens), token t at position pos0 + t,
// its query row at q + t * q_stride (heads head_dim_k floats apart). The cache must already hold
// every position up to pos0 + t1 - 1. Writes att + t * att_stride + h * head_dim_v.
void attend_tile(const float* q, size_t q_stride, int t0, int t1, int pos0, const KvCache& kv, int layer, int kv_head,
                 int group, const AttentionParams& p, const BatchAttentionScratch& s, float* att, size_t att_stride);

}  // namespace pw::model
