// Model weights looked up by name, with shape and type checked: GGUF files are untrusted, so a
// missing or mis-shaped tensor is an error naming it, never a crash later in the forward pass.
//
//   WeightBinder bind(file);
//   auto wq = bind.matrix("blk.0.attn_q.weight", /*cols=*/n_embd, /*rows=*/n_head * head_dim);
//   auto bq = bind.optional_vector("blk.0.attn_q.bias", n_head * head_dim);    // empty if absent
//   if (!wq) return wq.error();  // "m.gguf: tensor 'blk.0.attn_q.weight' has shape [256, 512], expected [256, 256]"
//
// Matrices stay in the memory-mapped file (used in place, in their own format); 1-D tensors
// (norm weights, biases, RoPE factors) are small and copied to F32 vectors owned by the model,
// whatever their stored type. Shapes are in ggml order: ne[0] = cols = the input dimension.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/compute/matmul.h"
#include "engine/gguf/gguf_file.h"
#include "engine/util/status.h"

namespace pw::model {

// A weight matrix W [rows x cols] in its file format, row r at data + r * row_bytes.
struct Matrix {
  std::string name;
  const uint8_t* data = nullptr;  // into the GGUF mapping; null = absent (optional tensors)
  GgmlType type = GgmlType::F32;
  int64_t rows = 0;               // outputs (ne[1])
  int64_t cols = 0;               // inputs (ne[0])
  uint64_t row_bytes = 0;
  compute::MatmulKernels kernels;

  bool present() const { return data != nullptr; }
  const uint8_t* row(int64_t r) const { return data + static_cast<uint64_t>(r) * row_bytes; }
};

// 1-D weights as F32 (empty = absent).
using Vector = std::vector<float>;

// Weights of one transformer block. Architectures use the members they need; the rest stay
// absent. Shapes (ggml ne order) are checked when bound.
struct LayerWeights {
  Vector attn_norm;        // [n_embd]
  Vector attn_post_norm;   // [n_embd] gemma: norm of the attention output before the residual add
  Matrix wq, wk, wv;       // [n_embd -> n_head*hd_k], [n_embd -> n_head_kv*hd_k], [n_embd -> n_head_kv*hd_v]
  Matrix wqkv;             // phi3: q, k and v rows stacked in one matrix
  Vector bq, bk, bv;       // qwen2 biases
  Vector q_norm, k_norm;   // [head_dim_k] qwen3/gemma3: per-head RMSNorm of q and k
  Matrix wo;               // [n_head*hd_v -> n_embd]
  Vector bo;
  Vector ffn_norm;         // [n_embd]
  Vector ffn_post_norm;    // [n_embd] gemma
  Matrix ffn_gate;         // [n_embd -> n_ff]
  Matrix ffn_up;           // [n_embd -> n_ff] (phi3: [n_embd -> 2*n_ff], gate rows first)
  Matrix ffn_down;         // [n_ff -> n_embd]
};

struct ModelWeights {
  Matrix token_embd;        // [n_embd x n_vocab]: row t is token t's embedding
  Vector output_norm;       // [n_embd]
  Matrix output;            // [n_embd -> n_vocab]; a copy of token_embd's view when tied
  bool tied_output = false;
  Vector rope_freqs;        // [n_rot/2] llama3 frequency factors, or phi3's short factors; empty = none
  Vector rope_freqs_long;   // [n_rot/2] phi3's long factors, used when the context exceeds n_ctx_orig
  std::vector<LayerWeights> layers;
};

class WeightBinder {
 public:
  explicit WeightBinder(const gguf::GgufFile& file) : file_(file) {}

  // A matrix that must exist with ne = [cols, rows] in a type this build can multiply.
  Result<Matrix> matrix(const std::string& name, int64_t cols, int64_t rows) const;
  // Same, but absence is fine (returns an absent Matrix); a present tensor is still checked.
  Result<Matrix> optional_matrix(const std::string& name, int64_t cols, int64_t rows) const;
  // 1-D tensors of n elements, converted to F32.
  Result<Vector> vector(const std::string& name, int64_t n) const;
  Result<Vector> optional_vector(const std::string& name, int64_t n) const;

  bool has(const std::string& name) const { return file_.find_tensor(name) != nullptr; }
  const gguf::GgufFile& file() const { return file_; }

 private:
  Error missing(const std::string& name) const;
  Result<Matrix> bind_matrix(const gguf::GgufTensor& t, int64_t cols, int64_t rows) const;
  Result<Vector> bind_vector(const gguf::GgufTensor& t, int64_t n) const;

  const gguf::GgufFile& file_;
};

// Moves a bound value into place or returns its error: PW_TRY(take(bind.vector(...), L.attn_norm)).
template <typename T>
Status take(Result<T> r, T& out) {
  if (!r) return r.error();
  out = std::move(*r);
  return ok_status();
}

// "blk.3.attn_q.weight" from (3, "attn_q.weight").
std::string layer_tensor(int layer, std::string_view suffix);

}  // namespace pw::model
