// The building blocks every decoder architecture shares, written once, on plain rows of floats.
// Each follows what ggml computes (fixtures README section 5), because the golden logits come
// from llama.cpp:
//
//   rms_norm(x, w, n, eps, y);                   // y = x / sqrt(mean(x^2) + eps) * w
//   rope_cos_sin(pos, rope, cs);                 // once per position
//   rope_apply(q, n_head, head_dim, rope, cs);   // rotate every head of one token in place
//   swiglu(gate, up, n, out);                    // out = silu(gate) * up
//   geglu(gate, up, n, out);                     // out = gelu_tanh(gate) * up, via ggml's F16 table
//   softcap(logits, n, 30.0f);                   // x = 30 * tanh(x / 30)
//   attend_group(q, kv, layer, kv_head, group, pos, attn, scratch, out);  // one query token, one KV head
//
// What must not change (the goldens depend on it):
// - RMSNorm sums squares in double, then scales in float (ggml_compute_forward_rms_norm_f32).
// - RoPE angles come from theta *= base^(-2/n_rot) per pair, starting at theta = pos, divided by
//   the pair's frequency factor, times freq_scale; cos and sin are multiplied by attn_factor.
// - GELU is the tanh approximation looked up in an F16 table: input rounded to F16, output F16
//   (ggml's GGML_GELU_FP16); |x| >= 10 bypasses the table.
// - Attention with an F16 cache rounds the query to F16 before q.k and the softmax weights to F16
//   before weighting V (ggml's mul_mat with F16 src0). With an F32 cache everything stays F32.
// - Soft-capping multiplies by 1/cap, takes tanh, multiplies by cap (three ggml ops).
#pragma once

#include <cstdint>

#include "engine/model/hparams.h"
#include "engine/model/kv_cache.h"

namespace pw::model {

// y[i] = x[i] / sqrt(mean(x^2) + eps) * w[i] over n values. y may equal x. w may be null (no weight).
void rms_norm(const float* x, const float* w, int n, float eps, float* y);

struct RopeParams {
  RopeType type = RopeType::Normal;
  int n_rot = 0;                          // dimensions rotated (the first n_rot of each head)
  float freq_base = 10000.0f;
  float freq_scale = 1.0f;
  float attn_factor = 1.0f;
  const float* freq_factors = nullptr;    // n_rot/2 divisors of the angles, or null
};

// cs[2i] = cos(theta_i) * attn_factor, cs[2i+1] = sin(theta_i) * attn_factor, i < n_rot/2.
void rope_cos_sin(int pos, const RopeParams& p, float* cs);

// Rotates the first n_rot dimensions of each of n_heads heads (head_dim floats apart) in place.
void rope_apply(float* x, int n_heads, int head_dim, const RopeParams& p, const float* cs);

// SiLU-gated: out[i] = gate[i] / (1 + exp(-gate[i])) * up[i]. out may equal gate or up.
void swiglu(const float* gate, const float* up, int n, float* out);

// GELU-gated (tanh GELU through ggml's F16 table): out[i] = gelu(gate[i]) * up[i].
void geglu(const float* gate, const float* up, int n, float* out);

// x[i] = gelu(x[i]) in place, the same values as gelu_f16_table (BERT's FFN).
void gelu(float* x, int n);

// The tanh GELU as ggml evaluates it for |x| < 10 (F16 in, F16 out); exposed for tests.
float gelu_f16_table(float x);
// The tanh GELU in plain float (the formula the table is built from).
float gelu_tanh(float x);

// x[i] = cap * tanh(x[i] / cap).
void softcap(float* x, int n, float cap);

// x[i] += y[i].
void add_rows(float* x, const float* y, int n);

struct AttentionParams {
  int head_dim_k = 0;
  int head_dim_v = 0;
  float kq_scale = 1.0f;   // softmax input = (soft-capped) q.k * kq_scale
  float softcap = 0.0f;    // 0 = off
  int window = 0;          // > 0: only the last `window` positions (own included) are visible
};

// Per-thread scratch for attend_group: `scores` holds group * (pos+1) floats, `q` group *
// head_dim_k floats.
struct AttentionScratch {
  float* scores = nullptr;
  float* q = nullptr;
};

// The query heads of one KV head (`group` of them, q and out head_dim_k / head_dim_v floats
// apart) at position `pos` against cached positions [first visible, pos] of `kv_head` in
// `layer`: per head, scores s_j = q.k_j (then optional soft-cap), softmax(s * kq_scale) over
// visible positions, out = sum_j p_j v_j (head_dim_v floats). The cache must already hold
// `pos`. Each K and V row is read once for the whole group (attention_kernels.h, the same
// kernels as the batched attend_tile, so decoding and prompt batches agree bit for bit).
// Order as in llama.cpp: soft-cap is applied to the raw scores, then the scaled softmax; archs
// that soft-cap pre-scale q and pass kq_scale = 1.
void attend_group(const float* q, const KvCache& kv, int layer, int kv_head, int group, int pos,
                  const AttentionParams& p, const AttentionScratch& scratch, float* out);

// One query head: attend_group with a group of 1.
void attend_head(const float* q, const KvCache& kv, int layer, int kv_head, int pos, const AttentionParams& p,
                 const AttentionScratch& scratch, float* out);

}  // namespace pw::model
