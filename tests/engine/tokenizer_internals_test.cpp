// The speed-ups must not change ids: SentencePiece word-by-word merging equals merging the whole
// text, and the per-call word cache returns exactly what it was given.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/tokenizer/spm_encoder.h"
#include "engine/tokenizer/word_cache.h"
#include "tokenizer_test_helpers.h"

namespace {

std::string long_mixed_text() {
  std::string text;
  for (const auto& vocab : pw::test::tokenizer_fixture_names())
    for (const auto& c : pw::test::read_tokenizer_cases(vocab)) text += c.text + "\n";
  text += "  Patients   with\ttype 2 diabetes▁▁should ▁ check  their   blood glucose.  \n\n ";
  return text;
}

class SpmSegments : public testing::TestWithParam<std::string> {};

TEST_P(SpmSegments, WordByWordEqualsWholeText) {
  const auto* tok = pw::test::fixture_tokenizer(GetParam());
  ASSERT_NE(tok, nullptr);
  const pw::tokenizer::Vocab& fast = tok->vocab();
  ASSERT_TRUE(fast.spaces_only_start_pieces) << "the fast path is not exercised by this vocabulary";
  pw::tokenizer::Vocab whole = fast;
  whole.spaces_only_start_pieces = false;

  std::string escaped;
  pw::tokenizer::escape_spaces(" " + long_mixed_text(), escaped);
  std::vector<int32_t> a, b;
  pw::tokenizer::SpmEncoder(fast).encode(escaped, a);
  pw::tokenizer::SpmEncoder(whole).encode(escaped, b);
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
}

INSTANTIATE_TEST_SUITE_P(Vocabs, SpmSegments, testing::Values("ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param == "ggml-vocab-phi-3.gguf" ? std::string("phi3") : std::string("llama_spm");
                         });

TEST(SpmSegments, DetectedFromTheVocabulary) {
  // The BERT vocabulary (stored with U+2581 word starts) has no piece with U+2581 inside.
  const auto* bert = pw::test::fixture_tokenizer("ggml-vocab-bert-bge.gguf");
  ASSERT_NE(bert, nullptr);
  EXPECT_TRUE(bert->vocab().spaces_only_start_pieces);
}

TEST(WordCache, RemembersWordsExactly) {
  const std::string text = "alpha beta alpha gamma";
  pw::tokenizer::WordCache cache(text.size());
  std::vector<int32_t> out;
  const std::string_view alpha(text.data(), 5), beta(text.data() + 6, 4), alpha2(text.data() + 11, 5);
  EXPECT_FALSE(cache.append_cached(alpha, out));
  const int32_t ids[] = {7, 8, 9};
  cache.remember(alpha, ids, 3);
  cache.remember(beta, ids + 2, 1);
  EXPECT_TRUE(cache.append_cached(alpha2, out));  // same bytes elsewhere in the text
  EXPECT_TRUE(cache.append_cached(beta, out));
  EXPECT_EQ(out, (std::vector<int32_t>{7, 8, 9, 9}));
  EXPECT_FALSE(cache.append_cached("alph", out));
  // Words longer than the limit are never cached.
  const std::string long_word(pw::tokenizer::WordCache::kMaxWordBytes + 1, 'x');
  cache.remember(long_word, ids, 1);
  EXPECT_FALSE(cache.append_cached(long_word, out));
}

TEST(WordCache, StopsTakingWordsWhenHalfFull) {
  std::vector<std::string> words;
  for (int i = 0; i < 100; ++i) words.push_back("w" + std::to_string(i));
  pw::tokenizer::WordCache cache(0);  // the smallest table: 16 slots, takes 8 words
  const int32_t id = 1;
  for (const auto& w : words) cache.remember(w, &id, 1);
  std::vector<int32_t> out;
  int found = 0;
  for (const auto& w : words) found += cache.append_cached(w, out);
  EXPECT_EQ(found, 8);
}

}  // namespace
