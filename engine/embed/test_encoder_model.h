// Random-weight encoder GGUFs in the shapes of real embedding models, for benchmarks and tests
// (speed depends on shapes and formats, not on trained values). `pagewise-cli make-test-model
// --shape all-minilm-l6-v2|bge-base|...` and `pagewise-bench embed --shape` call it.
//
//   const auto* shape = pw::embed::find_test_encoder_shape("all-minilm-l6-v2");   // null if unknown
//   pw::embed::TestEncoderOptions o;  o.type = "Q4_K_M";                  // or F16, Q8_0, ...
//   o.vocab_from = "fixtures/tokenizers/ggml-vocab-bert-bge.gguf";         // real WordPiece vocab
//   auto plan = pw::embed::plan_test_encoder_model(*shape, o);            // tensors and types only
//   PW_TRY(pw::embed::write_test_encoder_model("/tmp/minilm.gguf", *shape, o));
//
// Shapes (names as issue #5 spells them; the short alias is accepted too), from the models'
// config.json: all-minilm-l6-v2 / minilm-l6 (384, 6 layers, 12 heads, n_ff 1536, 512
// positions), bge-base / bge-base-en-v1.5 (768, 12, 12, 3072, 512), nomic-embed-text-v1.5 /
// nomic-v1.5 (nomic-bert: 768, 12, 12, 3072, 2048, RoPE base 1000), and tiny-bert / tiny-nomic
// (64 wide, 2 layers) for fast tests. Vocabulary: tokenizer.* copied from `vocab_from` (a
// WordPiece GGUF) when given, else a small generated WordPiece vocabulary padded with [unusedN]
// to 30522.
//
// Types: `type` is "F32", "F16" or any quantize target (Q8_0, Q4_0, Q4_K_M, ...). Quantize
// targets get the per-tensor types our quantizer (and llama-quantize) gives an F16 file of this
// model (engine/quantize/tensor_type_rules.h: position_embd stays F16, rows that do not fit a
// K-quant block fall back, e.g. MiniLM's 384-wide Q4_K -> Q5_0), so the file is what a user
// quantizing the real model would get. Without `type`, every matrix is `weight_type` (tests).
// Norms, biases and token types are F32, as llama.cpp's converter writes them. Same seed, same
// bytes (what must not change: benchmark figures refer to these files by shape and type).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::embed {

struct TestEncoderShape {
  std::string_view name;           // "all-minilm-l6-v2"
  std::string_view alias;          // "minilm-l6" (also accepted)
  std::string_view architecture;   // "bert" or "nomic-bert"
  std::string_view model_name;     // general.name, also picks the prefix family
  int n_embd, n_layer, n_head, n_ff, n_ctx;
};

// By name or alias; null if unknown.
const TestEncoderShape* find_test_encoder_shape(std::string_view name);
std::string test_encoder_shape_names();  // "all-minilm-l6-v2, bge-base, nomic-embed-text-v1.5, tiny-bert, tiny-nomic"

struct TestEncoderOptions {
  GgmlType weight_type = GgmlType::F16;  // every matrix, when `type` is empty
  std::string type;                      // "F32", "F16", "Q8_0", "Q4_K_M", ...: overrides weight_type
  uint64_t seed = 1;
  std::filesystem::path vocab_from;      // WordPiece GGUF whose tokenizer.* keys are copied
};

struct TestEncoderTensor {
  std::string name;
  std::vector<uint64_t> ne;  // ggml order: ne[0] is the row length
  GgmlType type = GgmlType::F32;
  bool matrix = false;       // random rows in `type`; else F32 values center +- spread
  float center = 0.0f, spread = 0.0f;
  uint64_t bytes = 0;
};

struct TestEncoderPlan {
  int64_t n_vocab = 0;
  std::optional<uint32_t> file_type;     // general.file_type, when `type` was given
  std::vector<TestEncoderTensor> tensors;  // in file order
  uint64_t parameters = 0;
  uint64_t tensor_bytes = 0;
};

// The tensors and their types, without writing. Errors: unknown type, a type whose blocks do
// not fit the rows, a vocabulary file that is unreadable or not WordPiece.
Result<TestEncoderPlan> plan_test_encoder_model(const TestEncoderShape& shape, const TestEncoderOptions& options = {});

Status write_test_encoder_model(const std::filesystem::path& out, const TestEncoderShape& shape,
                                const TestEncoderOptions& options = {});

}  // namespace pw::embed
