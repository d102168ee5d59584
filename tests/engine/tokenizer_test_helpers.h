// Shared by the tokenizer tests: loading the fixture vocabularies once per test process and
// reading llama.cpp's .inp/.out test vectors.
//
//   const pw::tokenizer::Tokenizer& tok = pw::test::fixture_tokenizer("ggml-vocab-llama-spm.gguf");
//   std::vector<pw::test::TokenizerCase> cases = pw::test::read_tokenizer_cases("ggml-vocab-qwen2.gguf");
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/tokenizer/tokenizer.h"

namespace pw::test {

// The six vocabularies of ../shared/fixtures/tokenizers.
const std::vector<std::string>& tokenizer_fixture_names();
std::filesystem::path tokenizer_fixture_path(const std::string& file);

// Loads (once per process) and returns the tokenizer of a fixture vocabulary; fails the test
// and aborts it with an exception-free fatal failure path when it cannot load (callers ASSERT
// on the returned pointer).
const pw::tokenizer::Tokenizer* fixture_tokenizer(const std::string& file);

struct TokenizerCase {
  std::string vocab;     // file name of the vocabulary
  size_t index = 0;      // position in the .inp file
  std::string text;
  std::vector<int32_t> expected;
  std::string problem;   // non-empty when the fixture could not be read
};

// Splits NAME.inp on "\n__ggml_vocab_test__\n" and pairs each text with line i of NAME.out.
// Never throws; a missing or inconsistent fixture yields one case whose `problem` says why.
std::vector<TokenizerCase> read_tokenizer_cases(const std::string& vocab);

std::string hex(std::string_view bytes);
std::string describe_ids(const std::vector<int32_t>& ids);

}  // namespace pw::test
