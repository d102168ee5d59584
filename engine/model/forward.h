// One forward pass over a batch of tokens: the activations and the operations an architecture's
// forward function (arch_*.cpp) strings together. Rows are tokens: every activation buffer is
// row-major [n tokens][width].
//
//   Status forward_llama(Forward& f) {
//     f.embed();                                             // x[n][n_embd] = token_embd[tokens]
//     for (int l = 0; l < f.hp.n_layer; ++l) {
//       f.rms_norm(f.x, L.attn_norm, f.h);                   // h = rmsnorm(x) * attn_norm
//       PW_TRY(f.linear(L.wq, f.h, f.q));                    // q[n][n_head*hd] = h Wq^T
//       ...
//     }
//     return f.logits();                                     // rows the caller asked for
//   }
//
// The Session owns the buffers (ForwardBuffers, sized once for n_batch) and the KV cache; a
// Forward is a short-lived view over them for one batch at positions pos0 .. pos0+n-1.
//
// Rows: embed, rope and attention always work on all n tokens (every token's k and v must
// reach the cache). In the last layer, after attention, keep_output_rows() drops the rows whose
// logits nobody asked for (all but the last token when decoding or processing a prompt), so
// the rest of that layer and the output head run on rows() <= n rows only, as llama.cpp does.
// Every other operation works on the first rows() rows of its buffers.
// Matrix products go through compute::matmul, which picks batched quantized kernels or
// dequantized tiles + sgemm by batch size (or the path SessionOptions forces, for tests).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/compute/matmul.h"
#include "engine/model/blocks.h"
#include "engine/model/hparams.h"
#include "engine/model/kv_cache.h"
#include "engine/model/weights.h"
#include "engine/util/status.h"

namespace pw::model {

// Scratch of a session, sized for its batch and context (grows never; created with the session).
struct ForwardBuffers {
  std::vector<float> x, h, q, k, v, att, qkv, ff_a, ff_b;
  std::vector<float> rope_cs;         // [n][n_rot] cos/sin per token (global layers)
  std::vector<float> rope_cs_swa;     // same for sliding-window layers when their RoPE differs
  std::vector<float> attn_scores;     // [threads][group][n_ctx] (group: query heads per KV head)
  std::vector<float> attn_q;          // [threads][group][head_dim_k]
  // Batched attention (batch_attention.h): [threads][batch_attention_scratch_floats], left
  // uninitialised so only the positions a prompt reaches become resident. Null when n_batch is
  // below kBatchAttentionMinTokens.
  std::unique_ptr<float[]> attn_batch;
  size_t attn_batch_stride = 0;
  int n_batch = 0;
  int threads = 0;

  static Result<ForwardBuffers> create(const HParams& hp, int n_batch, int n_ctx, int threads);
};

// Seconds spent per kind of operation, summed over forward passes (pagewise-bench engine prints
// it). Optional: SessionOptions::profile; when null nothing is timed.
struct ForwardProfile {
  enum Op { Embed, Norm, Matmul, Rope, Attention, Elementwise, Logits, kOps };
  static constexpr const char* kNames[kOps] = {"embed", "norm", "matmul", "rope", "attention", "elementwise", "logits"};
  double seconds[kOps] = {};
  int64_t tokens = 0;  // tokens evaluated while profiling
};

// Batches of at least this many tokens take the batched attention (whole tiles of queries
// against the cache as matrix products); smaller ones attend token by token.
inline constexpr int kBatchAttentionMinTokens = 8;

class Forward {
 public:
  struct Context {
    const HParams& hp;
    const ModelWeights& w;
    KvCache& kv;
    ForwardBuffers& buf;
    compute::ThreadPool& pool;
    compute::Workspace& ws;
    compute::BatchPath path;
    ForwardProfile* profile = nullptr;
  };
  // tokens: this batch (1..n_batch ids, already checked < n_vocab); pos0: position of the
  // first; logits rows [out_first, n) are written to `logits` (n_vocab floats each), none when
  // out_first == n.
  Forward(const Context& ctx, std::span<const int32_t> tokens, int pos0, int out_first, float* logits);

  const HParams& hp;
  const ModelWeights& w;
  const int n;     // tokens in the batch
  const int pos0;  // position of the first token

  // Activations, [n][width] each.
  float* const x;    // residual stream [n][n_embd]
  float* const h;    // normalised input / block output [n][n_embd]
  float* const q;    // [n][n_head * head_dim_k]
  float* const k;    // [n][n_head_kv * head_dim_k]
  float* const v;    // [n][n_head_kv * head_dim_v]
  float* const att;  // attention output [n][n_head * head_dim_v]
  float* const qkv;  // fused projection output (phi3) [n][q + k + v widths]
  float* const ff_a; // [n][2 * n_ff] (gate, or phi3's gate|up)
  float* const ff_b; // [n][n_ff]

  // x[t] = token_embd[tokens[t]] (dequantized row), times `scale` when not 1.
  void embed(float scale = 1.0f);
  // Y[t] = rmsnorm(X[t]) * w over `width` floats per row (width defaults to n_embd).
  void rms_norm(const float* X, const Vector& weight, float* Y, int width = 0);
  // Per-head RMSNorm of [n][n_heads][head_dim] in place (qwen3/gemma3 q and k norms).
  void rms_norm_heads(float* X, int n_heads, int head_dim, const Vector& weight);
  // Y[t] = W X[t] (+ bias): [n][cols] -> [n][rows].
  Status linear(const Matrix& W, const float* X, float* Y, const Vector* bias = nullptr);
  // Rotates [n][n_heads][head_dim] in place with the RoPE of `layer` (its base/scale).
  void rope(float* X, int n_heads, int head_dim, int layer);
  // Last layer only, right after attention: keeps the rows of x and att that produce logits
  // (moved to the front) and makes every later operation work on those rows only.
  void keep_output_rows();
  int rows() const { return rows_; }

  // Stores this batch's k and v at their positions in `layer`'s cache, then att[t] = attention
  // of q[t] over positions [.., pos0 + t] (causal, GQA: query head h reads KV head h / group).
  Status attention(int layer, const AttentionParams& params);
  // X[t] += Y[t] over width floats (default n_embd).
  void add(float* X, const float* Y, int width = 0);
  // Y[t] *= s over width floats (default n_embd).
  void scale(float* X, float s, int width = 0);
  // out[t] = act(gate[t]) * up[t], n_ff floats per row; gate/up rows are `stride` floats apart.
  void swiglu(const float* gate, const float* up, int stride, float* out);
  void geglu(const float* gate, const float* up, int stride, float* out);
  // Copies columns [col, col + width) of the fused rows of `src` ([n][src_width]) to dst ([n][width]).
  void split_columns(const float* src, int src_width, int col, int width, float* dst);
  // The caller's logits rows: rmsnorm(x) * output_norm, times the output matrix, then the
  // final soft-cap when hp.final_softcap > 0.
  Status logits();

 private:
  const float* rope_table(int layer);
  // fn(t) for t in [0, rows), split over the pool when there are enough rows to be worth it.
  template <typename Fn>
  void for_each_row(int rows, Fn&& fn);

  // Adds the time from construction to destruction to ctx_.profile (when set) under `op`.
  class Timed {
   public:
    Timed(const Forward& f, ForwardProfile::Op op);
    ~Timed();
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;

   private:
    ForwardProfile* profile_;
    ForwardProfile::Op op_;
    int64_t start_ns_ = 0;
  };

  const Context& ctx_;
  std::span<const int32_t> tokens_;
  const int out_first_;
  float* const logits_;
  int rows_;                   // rows the row operations work on (n until keep_output_rows)
  bool output_rows_only_ = false;
  bool rope_ready_ = false;
  bool rope_swa_ready_ = false;
};

}  // namespace pw::model
