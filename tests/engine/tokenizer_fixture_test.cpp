// Every llama.cpp tokenizer test vector of ../shared/fixtures/tokenizers (NAME.gguf.inp/.out)
// as its own test: exact ids, add_special = false, parse_special = false.
#include <gtest/gtest.h>

#include <cctype>

#include "tokenizer_test_helpers.h"

namespace {

using pw::test::TokenizerCase;

std::vector<TokenizerCase> all_cases() {
  std::vector<TokenizerCase> cases;
  for (const auto& vocab : pw::test::tokenizer_fixture_names()) {
    auto v = pw::test::read_tokenizer_cases(vocab);
    cases.insert(cases.end(), v.begin(), v.end());
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<TokenizerCase>& info) {
  std::string name = info.param.vocab;
  name = name.substr(0, name.find(".gguf"));
  if (name.rfind("ggml-vocab-", 0) == 0) name = name.substr(11);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  char index[8];
  std::snprintf(index, sizeof index, "%02zu", info.param.index);
  return name + "_" + index;
}

class TokenizerFixture : public testing::TestWithParam<TokenizerCase> {};

TEST_P(TokenizerFixture, MatchesLlamaCpp) {
  const TokenizerCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.problem;
  const auto* tok = pw::test::fixture_tokenizer(c.vocab);
  ASSERT_NE(tok, nullptr);
  const auto ids = tok->encode(c.text, {.add_special = false, .parse_special = false});
  EXPECT_EQ(ids, c.expected) << "text (hex) " << pw::test::hex(c.text) << "\n got      " << pw::test::describe_ids(ids)
                             << "\n expected " << pw::test::describe_ids(c.expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, TokenizerFixture, testing::ValuesIn(all_cases()), case_name);

// The fixtures themselves: six vocabularies with 46 texts each (guards against a silently
// shorter run when a file is truncated).
TEST(TokenizerFixtureFiles, AllVocabulariesHaveTheirVectors) {
  for (const auto& vocab : pw::test::tokenizer_fixture_names()) {
    const auto cases = pw::test::read_tokenizer_cases(vocab);
    ASSERT_FALSE(cases.empty());
    EXPECT_TRUE(cases[0].problem.empty()) << cases[0].problem;
    EXPECT_EQ(cases.size(), 46u) << vocab;
  }
}

}  // namespace
