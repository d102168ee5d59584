// decode(encode(x)) == x for the SentencePiece and byte-level BPE vocabularies, on text in many
// scripts, and the streaming decoder: whole characters only, however the bytes are split.
#include <gtest/gtest.h>

#include <random>

#include "engine/tokenizer/unicode.h"
#include "tokenizer_test_helpers.h"

namespace {

using pw::tokenizer::DecodeOptions;
using pw::tokenizer::StreamingDecoder;

const std::vector<std::string>& varied_texts() {
  static const std::vector<std::string> texts = {
      "",
      "Hello world",
      " leading space",
      "   three leading spaces and trailing   ",
      "tabs\tand\nnew\nlines\r\n\r\nwindows",
      "Ärzte für Kinder: Überweisung nötig? Straße, Maß, naïve café, Øresund, Łódź",
      "Ελληνικά κείμενα και ρωσικά: Привет, как дела? Українська мова: їжак, ґанок",
      "中文文本：我想在苹果工作。日本語：ひらがなとカタカナ。한국어 텍스트입니다.",
      "עברית ושפה ערבית: مرحبا بالعالم",
      "हिन्दी पाठ और தமிழ் உரை, ไทย ภาษา",
      "emoji 🦙🚀 😶‍🌫️ family 👨‍👩‍👧‍👦 flags 🇩🇪🇯🇵 skin 👍🏽",
      "combining: e\u0301 a\u0308 n\u0303 and precomposed é ä ñ",
      "math ∑∫√∞ ≤ ≥ ≠ ±½¼ ¹²³ µm and units 5 km/h, 37.5 °C",
      "nbsp\u00A0here, ideographic\u3000space, thin\u2009space, zero\u200Bwidth",
      "control \x01\x02\x7F bytes and a bell \x07",
      "numbers 1234567890 3.14159 1,000,000 0xDEADBEEF",
      "code: for (int i = 0; i < n; ++i) { sum += a[i]; } // done",
      "quotes 'single' \"double\" «guillemets» „low“ ‘curly’",
      "I've been told he's there, 'RE you sure? 'M not sure I'll make it",
      "Dosage: 500 mg every 8 h (max 4 g/day). Contra-indications: none.",
      "\U0001F600\U0001F9D1\U0001F3FD\u200D\U0001F4BB end",
      "private use \uE000\uF8FF and noncharacter \uFFFF",
  };
  return texts;
}

class TokenizerRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(TokenizerRoundTrip, DecodeOfEncodeGivesTheTextBack) {
  const auto* tok = pw::test::fixture_tokenizer(GetParam());
  ASSERT_NE(tok, nullptr);
  for (const auto& text : varied_texts()) {
    for (bool add_special : {false, true}) {
      const auto ids = tok->encode(text, {.add_special = add_special, .parse_special = false});
      EXPECT_EQ(tok->decode(ids), text) << "hex " << pw::test::hex(text) << " ids " << pw::test::describe_ids(ids);
    }
  }
}

TEST_P(TokenizerRoundTrip, StreamingDecoderEmitsWholeCharactersAndTheSameText) {
  const auto* tok = pw::test::fixture_tokenizer(GetParam());
  ASSERT_NE(tok, nullptr);
  for (const auto& text : varied_texts()) {
    const auto ids = tok->encode(text, {.add_special = true, .parse_special = false});
    StreamingDecoder stream(*tok);
    std::string streamed;
    for (int32_t id : ids) {
      const std::string chunk = stream.push(id);
      // Every chunk is valid UTF-8 on its own: nothing is cut inside a character.
      EXPECT_EQ(pw::tokenizer::unicode::to_valid_utf8(chunk), chunk) << pw::test::hex(chunk);
      EXPECT_LE(stream.pending_bytes(), 3u);
      streamed += chunk;
    }
    streamed += stream.finish();
    EXPECT_EQ(streamed, tok->decode(ids)) << pw::test::hex(text);
    EXPECT_EQ(streamed, text);
  }
}

INSTANTIATE_TEST_SUITE_P(Vocabs, TokenizerRoundTrip,
                         testing::Values("ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf", "ggml-vocab-llama-bpe.gguf",
                                         "ggml-vocab-qwen2.gguf", "ggml-vocab-gpt-2.gguf"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(11, info.param.find(".gguf") - 11);
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(StreamingDecoder, HoldsBackAFourByteCharacterSplitOverByteTokens) {
  const auto* tok = pw::test::fixture_tokenizer("ggml-vocab-llama-spm.gguf");
  ASSERT_NE(tok, nullptr);
  // U+1F999 (llama) is not a piece of the LLaMA-2 vocabulary: four byte tokens.
  const auto ids = tok->encode("\xF0\x9F\xA6\x99", {.add_special = false});
  ASSERT_EQ(ids.size(), 5u) << pw::test::describe_ids(ids);  // "▁" + <0xF0> <0x9F> <0xA6> <0x99>
  for (size_t i = 1; i < 5; ++i) EXPECT_TRUE(tok->is_byte(ids[i]));
  StreamingDecoder d(*tok, DecodeOptions{.render_special = false, .strip_space_prefix = false});
  EXPECT_EQ(d.push(ids[0]), " ");
  EXPECT_EQ(d.push(ids[1]), "");
  EXPECT_EQ(d.push(ids[2]), "");
  EXPECT_EQ(d.push(ids[3]), "");
  EXPECT_EQ(d.pending_bytes(), 3u);
  EXPECT_EQ(d.push(ids[4]), "\xF0\x9F\xA6\x99");
  EXPECT_EQ(d.pending_bytes(), 0u);
  EXPECT_EQ(d.finish(), "");
}

TEST(StreamingDecoder, ByteLevelBpeSplitsEmojiAcrossTokens) {
  const auto* tok = pw::test::fixture_tokenizer("ggml-vocab-llama-bpe.gguf");
  ASSERT_NE(tok, nullptr);
  const auto ids = tok->encode(" 🦙", {.add_special = false});
  ASSERT_GE(ids.size(), 2u);
  StreamingDecoder d(*tok);
  std::vector<std::string> chunks;
  for (int32_t id : ids) chunks.push_back(d.push(id));
  // The emoji appears in exactly one chunk, whole.
  size_t with_emoji = 0;
  for (const auto& c : chunks) with_emoji += c.find("\xF0\x9F\xA6\x99") != std::string::npos;
  EXPECT_EQ(with_emoji, 1u);
  EXPECT_EQ(chunks.back().find("\xF0\x9F\xA6\x99"), chunks.back().size() - 4);
  EXPECT_EQ(chunks.front().find('\xF0'), std::string::npos);
}

TEST(StreamingDecoder, IncompleteOrMalformedBytesBecomeReplacementCharacters) {
  const auto* tok = pw::test::fixture_tokenizer("ggml-vocab-llama-spm.gguf");
  ASSERT_NE(tok, nullptr);
  const int32_t f0 = tok->find_token("<0xF0>"), x9f = tok->find_token("<0x9F>"), x80 = tok->find_token("<0x80>"),
                a = tok->find_token("a");
  ASSERT_GE(f0, 0);
  ASSERT_GE(a, 0);
  StreamingDecoder d(*tok);
  EXPECT_EQ(d.push(f0), "");
  EXPECT_EQ(d.push(x9f), "");
  // A character that never completes: one U+FFFD for the cut sequence, then the letter.
  EXPECT_EQ(d.push(a), "\xEF\xBF\xBD" "a");
  // A stray continuation byte.
  EXPECT_EQ(d.push(x80), "\xEF\xBF\xBD");
  EXPECT_EQ(d.push(f0), "");
  EXPECT_EQ(d.finish(), "\xEF\xBF\xBD");
  EXPECT_EQ(d.pending_bytes(), 0u);
}

TEST(StreamingDecoder, SkipsControlTokensUnlessAskedAndStripsTheSentencePiecePrefixOnce) {
  const auto* tok = pw::test::fixture_tokenizer("ggml-vocab-llama-spm.gguf");
  ASSERT_NE(tok, nullptr);
  const auto ids = tok->encode("Hello world", {.add_special = true});  // <s> ▁Hello ▁world
  ASSERT_EQ(ids.front(), tok->bos());
  StreamingDecoder plain(*tok);
  std::string out;
  for (int32_t id : ids) out += plain.push(id);
  EXPECT_EQ(out, "Hello world");
  StreamingDecoder rendered(*tok, DecodeOptions{.render_special = true, .strip_space_prefix = false});
  out.clear();
  for (int32_t id : ids) out += rendered.push(id);
  EXPECT_EQ(out, "<s> Hello world");
}

TEST(TokenizerDecode, RandomIdSequencesNeverBreakIt) {
  std::mt19937 rng(7);
  for (const auto& name : pw::test::tokenizer_fixture_names()) {
    const auto* tok = pw::test::fixture_tokenizer(name);
    ASSERT_NE(tok, nullptr);
    for (int round = 0; round < 50; ++round) {
      std::vector<int32_t> ids;
      for (int k = 0; k < 20; ++k) ids.push_back(static_cast<int32_t>(rng() % (tok->vocab_size() + 10)) - 5);
      const std::string text = tok->decode(ids, {.render_special = true});
      StreamingDecoder d(*tok);
      std::string streamed;
      for (int32_t id : ids) streamed += d.push(id);
      streamed += d.finish();
      EXPECT_EQ(streamed, pw::tokenizer::unicode::to_valid_utf8(streamed));
      (void)text;
    }
  }
}

}  // namespace
