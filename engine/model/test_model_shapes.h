// The shapes `pagewise-cli make-test-model` writes: real models' hyper-parameters and tensor
// lists (random weights), so speed and memory can be measured on honest subjects without
// downloading the models, plus tiny variants for tests.
//
//   const pw::model::TestModelShape* s = pw::model::find_test_model_shape("llama-3.2-1b");
//   if (!s) list(pw::model::test_model_shape_names());
//   for (const auto& t : pw::model::test_model_tensors(*s, n_vocab)) ...   // name, ne, kind
//   pw::model::write_test_model_hparams(writer, *s, n_vocab);              // ARCH.* metadata
//
// To add a shape: a row in the table (test_model_shapes.cpp) and, for a new family, its tensor
// list and metadata in the two functions (decoders are written; encoder families such as bert
// are meant to be added the same way). What must not change: the published shapes' numbers
// (they are the real models' config.json values; benchmark figures refer to them by name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_writer.h"

namespace pw::model {

enum class TestModelFamily {
  Decoder,  // llama / qwen2-style decoder (general.architecture = architecture)
};

struct TestModelShape {
  std::string_view name;          // "llama-3.2-1b"
  std::string_view architecture;  // general.architecture
  std::string_view description;   // for --help and general.name
  TestModelFamily family = TestModelFamily::Decoder;
  int n_embd = 0;
  int n_layer = 0;
  int n_ff = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int n_ctx_train = 0;
  float rms_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  bool tied_embeddings = false;   // no output.weight: token_embd is the output matrix too
  bool qkv_bias = false;          // attn_q/k/v.bias (qwen2)
  // Llama 3.1/3.2 RoPE frequency scaling, written as rope_freqs.weight (0: none).
  float rope_llama3_factor = 0.0f;
  float rope_llama3_low_freq_factor = 1.0f;
  float rope_llama3_high_freq_factor = 4.0f;
  int rope_llama3_original_context = 8192;

  int head_dim() const { return n_embd / n_head; }
};

enum class TestTensorKind {
  Weight,  // a matrix: random values, quantized per the target
  Norm,    // RMSNorm gains: ones, F32
  Bias,    // small random values, F32
  RopeFreqs,  // llama3 frequency divisors, F32
};

struct TestTensor {
  std::string name;
  std::vector<uint64_t> ne;  // ggml order: ne[0] is the row length
  TestTensorKind kind = TestTensorKind::Weight;
};

const std::vector<TestModelShape>& test_model_shapes();
const TestModelShape* find_test_model_shape(std::string_view name);
std::string test_model_shape_names();  // "llama-3.2-1b, qwen2.5-0.5b, ..."

// Every tensor of the shape with a vocabulary of n_vocab tokens, in the usual GGUF order.
std::vector<TestTensor> test_model_tensors(const TestModelShape& shape, int64_t n_vocab);
// The ARCH.* hyper-parameters (and general.architecture / general.name).
void write_test_model_hparams(gguf::GgufWriter& w, const TestModelShape& shape, int64_t n_vocab);
// The values of rope_freqs.weight (head_dim / 2 divisors) for a llama3-scaled shape.
std::vector<float> llama3_rope_freqs(const TestModelShape& shape);

}  // namespace pw::model
