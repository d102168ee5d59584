// Writes a model file in a real model's shape with random weights (test_model_shapes.h) and a
// real tokenizer copied from another GGUF: the subject of `pagewise-bench engine` and
// `pagewise-cli make-test-model`. Speed does not depend on the weights' values, so such a file
// measures what the real model would, and other GGUF readers load it too.
//
//   pw::quantize::TestModelRequest req;
//   req.shape = pw::model::find_test_model_shape("llama-3.2-1b");
//   req.vocab = "fixtures/tokenizers/ggml-vocab-llama-bpe.gguf";   // tokenizer.* keys copied
//   req.type = "Q4_K_M";                                            // a quantize target, F16 or F32
//   auto report = pw::quantize::write_test_model(req, "/work/tmp-models/llama-3.2-1b-Q4_K_M.gguf");
//
// What the file holds (must not change, benchmark figures depend on it):
// - the vocabulary size is the tokenizer's (length of tokenizer.ggml.tokens);
// - every weight gets the type our quantizer gives for `type` (tensor_type_rules.h: Q4_K_M is
//   the same mix as `pagewise-cli quantize ... Q4_K_M`), tensors in the quantizer's order;
// - weight values: N(0, 0.02) random rows quantized with the format's reference quantizer;
//   each tensor holds kDistinctRows such rows repeated in turn (quantizing a whole 1B model with
//   K-quant scale searches would take minutes and tell nothing more about speed);
// - norms are ones, biases small random values, rope_freqs (Llama 3) the real divisors;
// - written streaming, one tensor at a time, atomically (no half file on failure).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/model/test_model_shapes.h"
#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::quantize {

inline constexpr uint64_t kDistinctRows = 32;

struct TestModelRequest {
  const model::TestModelShape* shape = nullptr;
  std::filesystem::path vocab;  // a GGUF whose tokenizer.* metadata is copied
  std::string type = "Q4_K_M";  // Q4_0, Q8_0, Q4_K_M, ... (any quantize target), F16 or F32
  uint32_t seed = 1;
  unsigned threads = 0;         // for quantizing (0: hardware threads)
  bool overwrite = false;
};

struct TestModelTensor {
  std::string name;
  std::vector<uint64_t> ne;
  GgmlType type = GgmlType::F32;
  uint64_t bytes = 0;
};

struct TestModelPlan {
  int64_t n_vocab = 0;
  uint32_t file_type = 0;                // general.file_type
  std::vector<TestModelTensor> tensors;  // in file order
  uint64_t tensor_bytes = 0;
  uint64_t parameters = 0;
};

struct TestModelReport {
  TestModelPlan plan;
  uint64_t file_bytes = 0;
  double seconds = 0;
};

// The tensors and types without writing anything (for tests and --dry-run).
// Errors: InvalidArgument (no shape, unknown type), whatever opening the vocabulary gives.
Result<TestModelPlan> plan_test_model(const TestModelRequest& request);
Result<TestModelReport> write_test_model(const TestModelRequest& request, const std::filesystem::path& out);

}  // namespace pw::quantize
