// What the tokenizer reports about each fixture vocabulary: kind, size, special ids, the
// add-BOS/EOS flags and the end-of-generation set, as llama.cpp derives them from the metadata.
#include <gtest/gtest.h>

#include <algorithm>

#include "tokenizer_test_helpers.h"

namespace {

using pw::tokenizer::kNoToken;
using pw::tokenizer::PreTokenizerKind;
using pw::tokenizer::VocabKind;

struct Facts {
  const char* file;
  VocabKind kind;
  PreTokenizerKind pre;
  size_t size;
  int32_t bos, eos, eot;
  bool add_bos, add_eos;
  std::vector<int32_t> eog;
};

class TokenizerFacts : public testing::TestWithParam<Facts> {};

TEST_P(TokenizerFacts, MatchTheMetadata) {
  const Facts& f = GetParam();
  const auto* tok = pw::test::fixture_tokenizer(f.file);
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->kind(), f.kind);
  EXPECT_EQ(tok->pre_tokenizer(), f.pre);
  EXPECT_EQ(tok->vocab_size(), f.size);
  EXPECT_EQ(tok->bos(), f.bos);
  EXPECT_EQ(tok->eos(), f.eos);
  EXPECT_EQ(tok->eot(), f.eot);
  EXPECT_EQ(tok->add_bos(), f.add_bos);
  EXPECT_EQ(tok->add_eos(), f.add_eos);
  const auto eog = tok->end_of_generation_ids();
  EXPECT_EQ(std::vector<int32_t>(eog.begin(), eog.end()), f.eog);
  for (int32_t id : f.eog) {
    EXPECT_TRUE(tok->is_end_of_generation(id)) << id;
    EXPECT_TRUE(tok->is_control(id)) << id;  // end-of-generation tokens are control tokens
  }
  EXPECT_FALSE(tok->is_end_of_generation(kNoToken));
  EXPECT_FALSE(tok->is_end_of_generation(static_cast<int32_t>(f.size)));
  EXPECT_FALSE(tok->is_control(-1));
}

INSTANTIATE_TEST_SUITE_P(
    Vocabs, TokenizerFacts,
    testing::Values(
        Facts{"ggml-vocab-llama-spm.gguf", VocabKind::Spm, PreTokenizerKind::Default, 32000, 1, 2, kNoToken, true, false, {2}},
        // Phi-3: <|endoftext|> is EOS; <|end|> ends a turn; </s> (user-defined) is treated as an end too.
        Facts{"ggml-vocab-phi-3.gguf", VocabKind::Spm, PreTokenizerKind::Default, 32064, 1, 32000, 32007, true, false,
              {2, 32000, 32007}},
        Facts{"ggml-vocab-llama-bpe.gguf", VocabKind::Bpe, PreTokenizerKind::Llama3, 128256, 128000, 128001, 128009, true,
              false, {128001, 128009}},
        // Qwen2 has an ordinary "</s>" (128247); llama.cpp's end-of-generation texts include it.
        Facts{"ggml-vocab-qwen2.gguf", VocabKind::Bpe, PreTokenizerKind::Qwen2, 151936, 151643, 151643, 151645, false, false,
              {128247, 151643, 151645}},
        Facts{"ggml-vocab-gpt-2.gguf", VocabKind::Bpe, PreTokenizerKind::Gpt2, 50257, 50256, 50256, 50256, false, false,
              {50256}},
        // BERT: llama.cpp takes "[PAD]" for a fill-in-the-middle pad token, which ends generation.
        Facts{"ggml-vocab-bert-bge.gguf", VocabKind::WordPiece, PreTokenizerKind::Default, 30522, 101, kNoToken, kNoToken,
              true, false, {0}}),
    [](const testing::TestParamInfo<Facts>& info) {
      std::string n = std::string(info.param.file).substr(11);
      n = n.substr(0, n.find(".gguf"));
      for (char& c : n)
        if (c == '-') c = '_';
      return n;
    });

TEST(TokenizerFacts, TokenTextsAndPieces) {
  const auto* spm = pw::test::fixture_tokenizer("ggml-vocab-llama-spm.gguf");
  const auto* bpe = pw::test::fixture_tokenizer("ggml-vocab-llama-bpe.gguf");
  const auto* bert = pw::test::fixture_tokenizer("ggml-vocab-bert-bge.gguf");
  ASSERT_TRUE(spm && bpe && bert);
  EXPECT_EQ(spm->token_text(15043), "\xE2\x96\x81Hello");
  EXPECT_EQ(spm->token_to_piece(15043), " Hello");
  EXPECT_EQ(spm->token_to_piece(13), "\n");  // <0x0A>
  EXPECT_TRUE(spm->is_byte(13));
  EXPECT_EQ(spm->token_to_piece(1), "");       // <s> is control
  EXPECT_EQ(spm->token_to_piece(1, true), "<s>");
  EXPECT_EQ(spm->find_token("\xE2\x96\x81Hello"), 15043);
  EXPECT_EQ(spm->find_token("no such piece"), kNoToken);
  EXPECT_EQ(bpe->token_text(22691), "\xC4\xA0Hello");  // ĠHello
  EXPECT_EQ(bpe->token_to_piece(22691), " Hello");
  EXPECT_EQ(bpe->token_to_piece(128009, true), "<|eot_id|>");
  EXPECT_EQ(bert->token_to_piece(7592), " hello");
  // Every WordPiece word (punctuation too) starts with a space; only the first one is dropped.
  EXPECT_EQ(bert->decode(bert->encode("Hello, World!")), "hello , world !");
  EXPECT_EQ(bert->count_tokens("Hello, World!"), 4u);
  EXPECT_EQ(spm->model_name(), "llama");
  EXPECT_EQ(bpe->pre_name(), "llama-bpe");
}

}  // namespace
