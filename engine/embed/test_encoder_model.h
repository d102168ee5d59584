// Random-weight encoder GGUFs in the shapes of real embedding models, for benchmarks and tests
// (speed depends on shapes and formats, not on trained values). The lead hooks this into
// `pagewise-cli make-test-model`; pagewise-bench embed --shape calls it directly.
//
//   const auto* shape = pw::embed::find_test_encoder_shape("minilm-l6");   // null if unknown
//   pw::embed::TestEncoderOptions o;  o.weight_type = pw::GgmlType::Q8_0;
//   o.vocab_from = "fixtures/tokenizers/ggml-vocab-bert-bge.gguf";         // real WordPiece vocab
//   PW_TRY(pw::embed::write_test_encoder_model("/tmp/minilm.gguf", *shape, o));
//
// Shapes: minilm-l6 (all-MiniLM-L6-v2: 384, 6 layers, 12 heads, n_ff 1536, 512 positions),
// bge-base (bge-base-en-v1.5: 768, 12, 12, 3072, 512), nomic-v1.5 (nomic-embed-text-v1.5,
// nomic-bert: 768, 12, 12, 3072, 2048, RoPE base 1000), and tiny-bert / tiny-nomic (64 wide,
// 2 layers) for fast tests. Vocabulary: tokenizer.* copied from `vocab_from` (a WordPiece GGUF)
// when given, else a small generated WordPiece vocabulary padded with [unusedN] to 30522.
// Same seed, same bytes. Matrices in `weight_type` (F32, F16, Q8_0, Q4_K, ... any type with a
// reference quantizer); norms, biases and token types F32, as llama.cpp's converter writes them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::embed {

struct TestEncoderShape {
  std::string_view name;
  std::string_view architecture;   // "bert" or "nomic-bert"
  std::string_view model_name;     // general.name, also picks the prefix family
  int n_embd, n_layer, n_head, n_ff, n_ctx;
};

const TestEncoderShape* find_test_encoder_shape(std::string_view name);
std::string test_encoder_shape_names();  // "minilm-l6, bge-base, nomic-v1.5, tiny-bert, tiny-nomic"

struct TestEncoderOptions {
  GgmlType weight_type = GgmlType::F16;
  uint64_t seed = 1;
  std::filesystem::path vocab_from;  // WordPiece GGUF whose tokenizer.* keys are copied
};

Status write_test_encoder_model(const std::filesystem::path& out, const TestEncoderShape& shape,
                                const TestEncoderOptions& options = {});

}  // namespace pw::embed
