// special_tokens.golden.json (made with llama.cpp's llama_tokenize): for each vocabulary and
// text, the ids with add_special 0/1 and parse_special 0/1, and the detokenised bytes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>

#include "tokenizer_test_helpers.h"

namespace {

struct GoldenCase {
  std::string vocab;
  size_t index = 0;
  std::string text;
  std::vector<int32_t> add0_parse0, add1_parse0, add1_parse1;
  std::string detok_hex;
  std::string problem;
};

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  const auto path = pw::test::tokenizer_fixture_path("special_tokens.golden.json");
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("vocabs")) {
    GoldenCase c;
    c.vocab = "missing";
    c.problem = "cannot read " + path.string();
    return {c};
  }
  for (const auto& [vocab, entries] : j["vocabs"].items()) {
    size_t i = 0;
    for (const auto& e : entries) {
      GoldenCase c;
      c.vocab = vocab;
      c.index = i++;
      c.text = e.value("text", "");
      c.add0_parse0 = e.value("add0_parse0", std::vector<int32_t>{});
      c.add1_parse0 = e.value("add1_parse0", std::vector<int32_t>{});
      c.add1_parse1 = e.value("add1_parse1", std::vector<int32_t>{});
      c.detok_hex = e.value("detok_hex", "");
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.vocab;
  name = name.substr(0, name.find(".gguf"));
  if (name.rfind("ggml-vocab-", 0) == 0) name = name.substr(11);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name + "_" + std::to_string(info.param.index);
}

class TokenizerSpecialGolden : public testing::TestWithParam<GoldenCase> {};

TEST_P(TokenizerSpecialGolden, IdsForAllSettingsAndDetokenisedText) {
  const GoldenCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.problem;
  const auto* tok = pw::test::fixture_tokenizer(c.vocab);
  ASSERT_NE(tok, nullptr);
  using pw::test::describe_ids;
  const auto a0p0 = tok->encode(c.text, {.add_special = false, .parse_special = false});
  const auto a1p0 = tok->encode(c.text, {.add_special = true, .parse_special = false});
  const auto a1p1 = tok->encode(c.text, {.add_special = true, .parse_special = true});
  EXPECT_EQ(a0p0, c.add0_parse0) << "add0_parse0 got " << describe_ids(a0p0) << " expected " << describe_ids(c.add0_parse0);
  EXPECT_EQ(a1p0, c.add1_parse0) << "add1_parse0 got " << describe_ids(a1p0) << " expected " << describe_ids(c.add1_parse0);
  EXPECT_EQ(a1p1, c.add1_parse1) << "add1_parse1 got " << describe_ids(a1p1) << " expected " << describe_ids(c.add1_parse1);

  // llama_token_to_piece(special = false, lstrip = 0) over the add0_parse0 ids, concatenated.
  std::string detok;
  for (int32_t id : c.add0_parse0) detok += tok->token_to_piece(id, /*render_special=*/false);
  EXPECT_EQ(pw::test::hex(detok), c.detok_hex) << "detokenised: '" << detok << "'";
}

INSTANTIATE_TEST_SUITE_P(Golden, TokenizerSpecialGolden, testing::ValuesIn(golden_cases()), case_name);

TEST(TokenizerSpecialGoldenFile, CoversEveryFixtureVocabulary) {
  const auto cases = golden_cases();
  for (const auto& vocab : pw::test::tokenizer_fixture_names()) {
    const auto n = std::count_if(cases.begin(), cases.end(), [&](const GoldenCase& c) { return c.vocab == vocab; });
    EXPECT_EQ(n, 12) << vocab;
  }
}

}  // namespace
