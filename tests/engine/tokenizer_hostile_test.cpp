// Tokenizer metadata that is wrong, inconsistent or hostile: always an error value or a
// working tokenizer, never a crash; and arbitrary input bytes through every fixture vocabulary.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/tokenizer/tokenizer.h"
#include "support/test_support.h"
#include "tokenizer_test_helpers.h"

namespace {

using pw::ErrorCode;
using pw::gguf::GgufWriter;
using pw::tokenizer::Tokenizer;

// Writes the metadata to a temporary GGUF file, opens it and builds a tokenizer from it.
pw::Result<std::unique_ptr<Tokenizer>> build(const std::function<void(GgufWriter&)>& fill) {
  pw::test::TempDir dir;
  GgufWriter w;
  w.set_string("general.architecture", "llama");
  fill(w);
  const auto path = dir / "vocab.gguf";
  if (auto s = w.write(path); !s.ok()) return s.error();
  auto file = pw::gguf::GgufFile::open(path);
  if (!file) return file.error();
  return Tokenizer::from_gguf(*file);
}

// A small SentencePiece vocabulary: <unk> <s> </s>, 256 byte tokens, a few pieces.
void spm_vocab(GgufWriter& w, std::vector<std::string> extra = {}) {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    tokens.push_back(name);
    types.push_back(6);
  }
  for (const char* t : {"\xE2\x96\x81", "a", "b", "\xE2\x96\x81" "a", "ab"}) {
    tokens.push_back(t);
    types.push_back(1);
  }
  for (auto& e : extra) {
    tokens.push_back(e);
    types.push_back(1);
  }
  std::vector<float> scores(tokens.size(), 0.0f);
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = -static_cast<float>(i);
  w.set_string("tokenizer.ggml.model", "llama");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_array("tokenizer.ggml.scores", std::span<const float>(scores));
  w.set_array("tokenizer.ggml.token_type", std::span<const int32_t>(types));
}

// A small byte-level BPE vocabulary over the letters a, b, c with merges.
void bpe_vocab(GgufWriter& w, std::vector<std::string> tokens = {"a", "b", "c", "ab", "abc", "<|end|>"},
               std::vector<std::string> merges = {"a b", "ab c"}) {
  std::vector<int32_t> types(tokens.size(), 1);
  types.back() = 3;
  w.set_string("tokenizer.ggml.model", "gpt2");
  w.set_string("tokenizer.ggml.pre", "gpt-2");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_array("tokenizer.ggml.token_type", std::span<const int32_t>(types));
  w.set_string_array("tokenizer.ggml.merges", merges);
}

void expect_error(const pw::Result<std::unique_ptr<Tokenizer>>& r, ErrorCode code, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "expected an error mentioning '" << needle << "'";
  EXPECT_EQ(r.error().code(), code) << r.error().describe();
  EXPECT_NE(r.error().describe().find(needle), std::string::npos) << r.error().describe();
}

TEST(TokenizerHostile, SmallValidVocabulariesWork) {
  auto spm = build([](GgufWriter& w) { spm_vocab(w); });
  ASSERT_TRUE(spm.ok()) << spm.error().describe();
  EXPECT_EQ((*spm)->encode("ab a"), (std::vector<int32_t>{1, 262, 261, 262}));  // <s> ▁a b ▁a (best score first)
  EXPECT_EQ((*spm)->decode((*spm)->encode("ab a")), "ab a");
  auto bpe = build([](GgufWriter& w) { bpe_vocab(w); });
  ASSERT_TRUE(bpe.ok()) << bpe.error().describe();
  EXPECT_EQ((*bpe)->encode("abc"), (std::vector<int32_t>{4}));
  EXPECT_EQ((*bpe)->encode("abcab"), (std::vector<int32_t>{4, 3}));
}

TEST(TokenizerHostile, MissingOrUnknownModel) {
  expect_error(build([](GgufWriter&) {}), ErrorCode::NotFound, "tokenizer.ggml.model");
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 w.set_string("tokenizer.ggml.model", "t5-unigram-ish");
               }),
               ErrorCode::Unsupported, "t5-unigram-ish");
  expect_error(build([](GgufWriter& w) {
                 bpe_vocab(w);
                 w.set_string("tokenizer.ggml.pre", "no-such-pre");
               }),
               ErrorCode::Unsupported, "no-such-pre");
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 w.set_u32("tokenizer.ggml.model", 7);
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.model");
}

TEST(TokenizerHostile, TokenListProblems) {
  expect_error(build([](GgufWriter& w) { w.set_string("tokenizer.ggml.model", "llama"); }), ErrorCode::NotFound,
               "tokenizer.ggml.tokens");
  expect_error(build([](GgufWriter& w) {
                 w.set_string("tokenizer.ggml.model", "llama");
                 std::vector<int32_t> not_strings = {1, 2, 3};
                 w.set_array("tokenizer.ggml.tokens", std::span<const int32_t>(not_strings));
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.tokens");
  expect_error(build([](GgufWriter& w) {
                 w.set_string("tokenizer.ggml.model", "llama");
                 w.set_array("tokenizer.ggml.tokens", pw::gguf::GgufArrayBuilder::empty(pw::gguf::GgufType::String));
               }),
               ErrorCode::Corrupt, "empty");
  expect_error(build([](GgufWriter& w) { spm_vocab(w, {"a"}); }), ErrorCode::Corrupt, "duplicate token");
}

TEST(TokenizerHostile, MismatchedArrayLengthsAndTypes) {
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 std::vector<float> short_scores(10, 0.0f);
                 w.set_array("tokenizer.ggml.scores", std::span<const float>(short_scores));
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.scores has 10 entries");
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 std::vector<int32_t> long_types(1000, 1);
                 w.set_array("tokenizer.ggml.token_type", std::span<const int32_t>(long_types));
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.token_type has 1000 entries");
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 w.set_string_array("tokenizer.ggml.scores", std::vector<std::string>{"x"});
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.scores");
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 std::vector<float> types(264, 1.0f);
                 w.set_array("tokenizer.ggml.token_type", std::span<const float>(types));
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.token_type");
}

TEST(TokenizerHostile, SpecialIds) {
  // A required id out of range (the BPE default 11 and the file's 99 are both past 6 tokens).
  auto no_bos = build([](GgufWriter& w) {
    bpe_vocab(w);
    w.set_u32("tokenizer.ggml.bos_token_id", 99);
    w.set_bool("tokenizer.ggml.add_bos_token", true);
  });
  expect_error(no_bos, ErrorCode::Corrupt, "add_bos_token is true but there is no valid BOS token");
  // Ids that are merely out of range are dropped; the tokenizer still works.
  auto dropped = build([](GgufWriter& w) {
    spm_vocab(w);
    w.set_u32("tokenizer.ggml.padding_token_id", 70000);
    w.set_u32("tokenizer.ggml.eot_token_id", 4000000000u);
  });
  ASSERT_TRUE(dropped.ok()) << dropped.error().describe();
  EXPECT_EQ((*dropped)->pad(), pw::tokenizer::kNoToken);
  EXPECT_EQ((*dropped)->eot(), pw::tokenizer::kNoToken);
  EXPECT_EQ((*dropped)->eos(), 2);
  EXPECT_TRUE((*dropped)->is_end_of_generation(2));
  // An id of the wrong type is an error.
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 w.set_string("tokenizer.ggml.eos_token_id", "2");
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.eos_token_id");
  expect_error(build([](GgufWriter& w) {
                 spm_vocab(w);
                 w.set_i32("tokenizer.ggml.bos_token_id", -5);
               }),
               ErrorCode::Corrupt, "tokenizer.ggml.bos_token_id");
  // WordPiece needs [CLS], [SEP] and [UNK].
  expect_error(build([](GgufWriter& w) {
                 w.set_string("tokenizer.ggml.model", "bert");
                 w.set_string_array("tokenizer.ggml.tokens", std::vector<std::string>{"[PAD]", "a", "b"});
               }),
               ErrorCode::Corrupt, "WordPiece");
}

TEST(TokenizerHostile, BpeMerges) {
  expect_error(build([](GgufWriter& w) {
                 bpe_vocab(w);
                 w.remove("tokenizer.ggml.merges");
               }),
               ErrorCode::NotFound, "tokenizer.ggml.merges");
  // Junk merges are ignored, merges of unknown symbols are harmless, results that are not
  // tokens fall back to the one-byte tokens of their text (llama.cpp's rule).
  auto junk = build([](GgufWriter& w) {
    bpe_vocab(w, {"a", "b", "c", "<|end|>"},
              {"", " ", "nospace", " x", "a ", "x y", "a b", std::string(100000, 'q') + " z", "a b", "ab c", "abc abc"});
  });
  ASSERT_TRUE(junk.ok()) << junk.error().describe();
  EXPECT_EQ((*junk)->encode("abc"), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ((*junk)->encode("cab"), (std::vector<int32_t>{2, 0, 1}));
  // Bytes whose GPT-2 code point is not in the vocabulary produce nothing (as llama.cpp).
  EXPECT_EQ((*junk)->encode("a\x01z"), (std::vector<int32_t>{0}));
}

TEST(TokenizerHostile, OddTokensStillDecode) {
  auto odd = build([](GgufWriter& w) {
    spm_vocab(w);
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>", "", "<0xZZ>", "\xE2\x96\x81x", "weird"};
    std::vector<int32_t> types = {2, 3, 3, 1, 6, 1, 99};
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_array("tokenizer.ggml.token_type", std::span<const int32_t>(types));
    w.remove("tokenizer.ggml.scores");
  });
  ASSERT_TRUE(odd.ok()) << odd.error().describe();
  const Tokenizer& t = **odd;
  EXPECT_EQ(t.token_text(3), "[EMPTY_3]");
  EXPECT_EQ(t.token_to_piece(4), "<0xZZ>");  // a byte token that is not "<0xXX>" shows its text
  EXPECT_EQ(t.token_to_piece(6), "");        // undefined type renders as nothing
  EXPECT_EQ(t.token_to_piece(-1), "");
  EXPECT_EQ(t.token_to_piece(7), "");
  // No byte tokens at all: unknown characters become <unk>.
  EXPECT_EQ(t.encode("x?", {.add_special = false}), (std::vector<int32_t>{5, 0}));
  EXPECT_EQ(t.decode(std::vector<int32_t>{-7, 5, 1000, 2}), "x");
}

TEST(TokenizerHostile, ArbitraryBytesThroughEveryVocabulary) {
  std::mt19937 rng(99);
  for (const auto& name : pw::test::tokenizer_fixture_names()) {
    const auto* tok = pw::test::fixture_tokenizer(name);
    ASSERT_NE(tok, nullptr);
    for (int round = 0; round < 200; ++round) {
      std::string text;
      const size_t len = rng() % 64;
      for (size_t i = 0; i < len; ++i) {
        // Mostly high bytes and ASCII punctuation around special-token syntax.
        static const char kPool[] = "<|>[]/sS' \n\t\xE2\x96\x81\xF0\x9F\xC3\xA9\x80\xBF\xFF\xED\xA0";
        text.push_back(rng() % 2 ? static_cast<char>(rng() % 256) : kPool[rng() % (sizeof kPool - 1)]);
      }
      for (bool parse_special : {false, true}) {
        const auto ids = tok->encode(text, {.add_special = true, .parse_special = parse_special});
        for (int32_t id : ids) ASSERT_TRUE(id >= 0 && static_cast<size_t>(id) < tok->vocab_size()) << name << " id " << id;
        (void)tok->decode(ids);
      }
    }
  }
}

}  // namespace
