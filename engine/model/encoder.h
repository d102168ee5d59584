// Encoder (embedding) models: BERT-style transformers that read a whole text at once (no causal
// mask, no KV cache) and produce one hidden state per token, pooled into one vector per text.
// Architectures live one per file (arch_bert.cpp, arch_nomic_bert.cpp) and are found by name:
//
//   const EncoderArchitecture* arch = find_encoder_architecture("bert");
//   EncoderHParams hp;  PW_TRY(arch->read_hparams(file, hp));
//   EncoderWeights w;   PW_TRY(arch->bind_weights(WeightBinder(file), hp, w));
//   EncoderForward f(ctx, batch);  PW_TRY(arch->forward(f));   // hidden states in f.x
//
// A batch is packed, not padded: the tokens of several texts follow each other in one
// [n_tokens][n_embd] matrix, so every matrix product runs once over all of them, and attention
// is computed per text (a block-diagonal mask: a token never sees another text's tokens).
// Positions restart at 0 for every text.
//
// What must not change (the golden embeddings come from llama.cpp, fixtures README 3 and 5):
// - LayerNorm follows ggml_norm: mean and variance summed in double, y = (x - mean) / sqrt(var +
//   eps) in float, then * weight, then + bias (three ggml ops, in that order).
// - BERT's GELU is the tanh approximation through ggml's F16 table (blocks.h gelu_f16_table).
// - Input: token_embd[t] + token_types[0] (every token has type 0), then + position_embd[pos].
// - Attention: softmax(q.k * 1/sqrt(head_dim)) in F32; post-norm residuals.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compute/matmul.h"
#include "engine/compute/thread_pool.h"
#include "engine/compute/workspace.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/weights.h"
#include "engine/util/status.h"

namespace pw::model {

// ARCH.pooling_type as llama.cpp numbers it.
enum class Pooling { None = 0, Mean = 1, Cls = 2, Last = 3 };
const char* pooling_name(Pooling p);

struct EncoderHParams {
  std::string architecture;
  int n_vocab = 0;
  int n_ctx_train = 0;   // longest text (in tokens) the model was trained for
  int n_embd = 0;
  int n_layer = 0;
  int n_ff = 0;
  int n_head = 0;
  int head_dim = 0;
  float norm_eps = 1e-12f;
  bool causal = false;
  Pooling pooling = Pooling::Mean;
  bool pooling_from_file = false;  // false: ARCH.pooling_type was absent and Mean is assumed
  // Rotary position embedding (nomic-bert); n_rot = 0: learned absolute positions (bert).
  int n_rot = 0;
  float rope_freq_base = 10000.0f;
};

struct EncoderLayer {
  Matrix wq, wk, wv;      // [n_embd -> n_embd] each (bert)
  Matrix wqkv;            // [n_embd -> 3 n_embd]: q, k, v rows stacked (nomic-bert)
  Vector bq, bk, bv, bqkv;
  Matrix wo;              // [n_embd -> n_embd]
  Vector bo;
  Vector attn_norm_w, attn_norm_b;   // attn_output_norm: LayerNorm after the attention residual
  Matrix ffn_up;          // [n_embd -> n_ff]
  Vector ffn_up_b;
  Matrix ffn_gate;        // [n_embd -> n_ff] (nomic-bert's SwiGLU)
  Matrix ffn_down;        // [n_ff -> n_embd]
  Vector ffn_down_b;
  Vector out_norm_w, out_norm_b;     // layer_output_norm: LayerNorm after the FFN residual
};

struct EncoderWeights {
  Matrix token_embd;      // [n_embd x n_vocab]
  Vector token_type0;     // row 0 of token_types [n_embd x n_types] (empty when absent)
  Matrix position_embd;   // [n_embd x n_ctx_train] (absent with rotary positions)
  Vector embd_norm_w, embd_norm_b;   // token_embd_norm
  std::vector<EncoderLayer> layers;
};

// Scratch for one forward pass of up to `max_tokens` tokens (all texts of a batch together) with
// texts of up to `max_seq` tokens. Allocated once per Embedder.
struct EncoderBuffers {
  std::vector<float> x, h, q, k, v, qkv, att, ff_a, ff_b;
  std::vector<float> scores;   // [threads][max_seq * max_seq]
  int max_tokens = 0;
  int max_seq = 0;
  int threads = 0;
  static Result<EncoderBuffers> create(const EncoderHParams& hp, int max_tokens, int max_seq, int threads);
};

// The packed batch: tokens of all texts back to back; text s is tokens [seq_start[s], seq_start[s+1]).
struct EncoderBatch {
  std::span<const int32_t> tokens;
  std::span<const int32_t> seq_start;  // n_seq + 1 offsets, first 0, last tokens.size()
  int n_seq() const { return static_cast<int>(seq_start.size()) - 1; }
  int seq_len(int s) const { return seq_start[static_cast<size_t>(s) + 1] - seq_start[static_cast<size_t>(s)]; }
};

class EncoderForward {
 public:
  struct Context {
    const EncoderHParams& hp;
    const EncoderWeights& w;
    EncoderBuffers& buf;
    compute::ThreadPool& pool;
    compute::Workspace& ws;
    compute::BatchPath path;
  };
  EncoderForward(const Context& ctx, const EncoderBatch& batch);

  const EncoderHParams& hp;
  const EncoderWeights& w;
  const int n;  // tokens in the batch (all texts)

  // Activations, [n][width] each.
  float* const x;     // residual stream / final hidden states [n][n_embd]
  float* const h;     // [n][n_embd]
  float* const q;     // [n][n_embd]
  float* const k;     // [n][n_embd]
  float* const v;     // [n][n_embd]
  float* const qkv;   // [n][3 n_embd]
  float* const att;   // [n][n_embd]
  float* const ff_a;  // [n][n_ff]
  float* const ff_b;  // [n][n_ff]

  // x[t] = token_embd[tok] + token_type0 (+ position_embd[pos] when present); pos restarts per text.
  void embed();
  // Y[t] = LayerNorm(X[t]) * w + b over n_embd floats. Y may equal X.
  void layer_norm(const float* X, const Vector& weight, const Vector& bias, float* Y);
  // Y[t] = W X[t] (+ bias): [n][cols] -> [n][rows].
  Status linear(const Matrix& W, const float* X, float* Y, const Vector* bias = nullptr);
  // Copies columns [col, col + width) of [n][src_width] rows to dst [n][width].
  void split_columns(const float* src, int src_width, int col, int width, float* dst);
  // NeoX rotary embedding of every head of [n][n_head][head_dim], position = index in its text.
  void rope(float* X);
  // att = softmax(q k^T / sqrt(head_dim)) v per text and head (causal within the text if hp.causal).
  Status attention();
  // X[t] += Y[t] over n_embd floats.
  void add(float* X, const float* Y);
  // X = gelu(X) over [n][n_ff] (tanh GELU, ggml's F16 table).
  void gelu(float* X);
  // out = silu(gate) * up over [n][n_ff].
  void swiglu(const float* gate, const float* up, float* out);

 private:
  template <typename Fn>
  void for_each_row(int rows, Fn&& fn);

  const Context& ctx_;
  EncoderBatch batch_;
  std::vector<int32_t> pos_;  // position of each token in its text
};

struct EncoderArchitecture {
  std::string_view name;
  Status (*read_hparams)(const gguf::GgufFile& file, EncoderHParams& hp);
  Status (*bind_weights)(const WeightBinder& bind, const EncoderHParams& hp, EncoderWeights& w);
  // Runs one packed batch; the final hidden states are left in f.x.
  Status (*forward)(EncoderForward& f);
};

const EncoderArchitecture* find_encoder_architecture(std::string_view name);
std::string supported_encoder_names();  // "bert, nomic-bert"
bool is_encoder_architecture(std::string_view name);

// The keys every encoder has (ARCH.context_length, embedding_length, block_count,
// feed_forward_length, attention.head_count, attention.layer_norm_epsilon, attention.causal,
// pooling_type), range-checked.
Result<EncoderHParams> read_encoder_hparams(const gguf::GgufFile& file, std::string_view arch);
// token_embd, token_types (row 0), token_embd_norm; and the per-layer norms every encoder has.
Status bind_encoder_embeddings(const WeightBinder& bind, const EncoderHParams& hp, EncoderWeights& w);

const EncoderArchitecture& bert_architecture();
const EncoderArchitecture& nomic_bert_architecture();

// Pools the final hidden states [n][n_embd] of each text into out[n_seq][n_embd] (mean over
// all its tokens, [CLS] = first token, or last token), then L2-normalises each vector when
// `normalize` is set.
void pool_hidden(const float* hidden, const EncoderBatch& batch, int n_embd, Pooling pooling, bool normalize,
                 float* out);

}  // namespace pw::model
