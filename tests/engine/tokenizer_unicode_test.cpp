// The generated Unicode tables and the UTF-8 helpers the tokenizers rely on.
#include <gtest/gtest.h>

#include "engine/tokenizer/bpe_encoder.h"
#include "engine/tokenizer/unicode.h"
#include "engine/tokenizer/unicode_tables.h"

namespace {

namespace uni = pw::tokenizer::unicode;
namespace data = pw::tokenizer::unicode_data;

TEST(TokenizerUnicode, TablesAreWellFormed) {
  EXPECT_STREQ(data::kUnicodeVersion, "Unicode 15.0.0");
  ASSERT_GT(data::kPropRangeCount, 1000u);
  EXPECT_EQ(data::kPropRanges[0].first, 0u);
  for (size_t i = 1; i < data::kPropRangeCount; ++i) {
    ASSERT_LT(data::kPropRanges[i - 1].first, data::kPropRanges[i].first);
    ASSERT_NE(data::kPropRanges[i - 1].props, data::kPropRanges[i].props);
  }
  EXPECT_LE(data::kPropRanges[data::kPropRangeCount - 1].first, 0x10FFFFu);
  for (size_t i = 1; i < data::kLowercaseCount; ++i) ASSERT_LT(data::kLowercase[i - 1].from, data::kLowercase[i].from);
  for (size_t i = 1; i < data::kNfdFirstCount; ++i) ASSERT_LT(data::kNfdFirst[i - 1].last, data::kNfdFirst[i].first);
  // The flat table and the ranges agree everywhere they overlap.
  for (uint32_t cp = 0; cp < uni::kFlatLimit; cp += 7) ASSERT_EQ(uni::properties(cp), uni::properties_slow(cp)) << cp;
}

TEST(TokenizerUnicode, Categories) {
  EXPECT_EQ(uni::category('A'), uni::kLetter);
  EXPECT_EQ(uni::category(0x00E9), uni::kLetter);   // é
  EXPECT_EQ(uni::category(0x4E2D), uni::kLetter);   // 中 (Lo)
  EXPECT_EQ(uni::category(0x02B0), uni::kLetter);   // modifier letter (Lm)
  EXPECT_EQ(uni::category('7'), uni::kNumber);
  EXPECT_EQ(uni::category(0x00BD), uni::kNumber);   // ½ (No)
  EXPECT_EQ(uni::category(0x0663), uni::kNumber);   // Arabic-Indic three (Nd)
  EXPECT_EQ(uni::category(0x2167), uni::kNumber);   // Roman numeral eight (Nl)
  EXPECT_EQ(uni::category(0x0301), uni::kMark);
  EXPECT_EQ(uni::category('!'), uni::kPunctuation);
  EXPECT_EQ(uni::category('_'), uni::kPunctuation);
  EXPECT_EQ(uni::category('$'), uni::kSymbol);
  EXPECT_EQ(uni::category('`'), uni::kSymbol);
  EXPECT_EQ(uni::category(0x1F999), uni::kSymbol);  // 🦙 (So), past the flat table
  EXPECT_EQ(uni::category('\n'), uni::kControl);
  EXPECT_EQ(uni::category(0x200D), uni::kControl);  // ZWJ (Cf)
  EXPECT_EQ(uni::category(0xE000), uni::kControl);  // private use (Co)
  EXPECT_EQ(uni::category(0x0378), uni::kUnassigned);
  EXPECT_EQ(uni::category(0x3400), uni::kLetter);   // CJK extension A, from a First/Last range
  EXPECT_EQ(uni::category(0x20000), uni::kLetter);  // extension B
  EXPECT_EQ(uni::category(0x10FFFF), uni::kUnassigned);
  EXPECT_EQ(uni::category(0x110000), uni::kUnassigned);
  EXPECT_EQ(uni::category(0xFFFFFFFF), uni::kUnassigned);
  EXPECT_EQ(uni::category(' '), uni::kSeparator);
}

TEST(TokenizerUnicode, WhiteSpaceIsThePropListSet) {
  const uint32_t spaces[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A,
                             0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  for (uint32_t cp : spaces) EXPECT_TRUE(uni::is_whitespace(cp)) << std::hex << cp;
  const uint32_t not_spaces[] = {0x1C, 0x1F, 0x200B, 0xFEFF, 'a', 0x180E};
  for (uint32_t cp : not_spaces) EXPECT_FALSE(uni::is_whitespace(cp)) << std::hex << cp;
}

TEST(TokenizerUnicode, LowercaseAndNfd) {
  EXPECT_EQ(uni::to_lower('A'), uint32_t{'a'});
  EXPECT_EQ(uni::to_lower('a'), uint32_t{'a'});
  EXPECT_EQ(uni::to_lower(0x00C4), 0x00E4u);  // Ä
  EXPECT_EQ(uni::to_lower(0x0416), 0x0436u);  // Ж
  EXPECT_EQ(uni::to_lower(0x0130), 0x0069u);  // İ -> i (simple mapping)
  EXPECT_EQ(uni::to_lower(0x00DF), 0x00DFu);  // ß has no simple lowercase change
  EXPECT_EQ(uni::to_lower(0x10400), 0x10428u);  // Deseret, past the flat table
  EXPECT_EQ(uni::nfd_first(0x00E9), uint32_t{'e'});
  EXPECT_EQ(uni::nfd_first(0x00C5), uint32_t{'A'});
  EXPECT_EQ(uni::nfd_first(0x1EA5), uint32_t{'a'});  // ấ: two levels of decomposition
  EXPECT_EQ(uni::nfd_first(0xAC00), 0x1100u);        // 가: Hangul, algorithmic
  EXPECT_EQ(uni::nfd_first(0xD7A3), 0x1112u);
  EXPECT_EQ(uni::nfd_first(0x0344), 0x0308u);        // combining dialytika tonos
  EXPECT_EQ(uni::nfd_first(0x212B), uint32_t{'A'});  // Angstrom sign
  EXPECT_EQ(uni::nfd_first('x'), uint32_t{'x'});
  EXPECT_EQ(uni::nfd_first(0x00DF), 0x00DFu);
  EXPECT_TRUE(uni::is_cjk_ideograph(0x4E2D));
  EXPECT_FALSE(uni::is_cjk_ideograph(0x3042));  // hiragana
}

TEST(TokenizerUnicode, LenientDecodingFollowsLlamaCpp) {
  const auto d = [](std::string_view s) { return uni::decode_utf8(s, 0); };
  EXPECT_EQ(d("a").cp, uint32_t{'a'});
  EXPECT_EQ(d("\xC3\xA9").cp, 0xE9u);
  EXPECT_EQ(d("\xC3\xA9").len, 2u);
  EXPECT_EQ(d("\xF0\x9F\xA6\x99").cp, 0x1F999u);
  // Overlong forms and surrogates are decoded, not rejected.
  EXPECT_TRUE(d("\xC0\x80").valid);
  EXPECT_EQ(d("\xC0\x80").cp, 0u);
  EXPECT_EQ(d("\xED\xA0\x80").cp, 0xD800u);
  // Malformed: one byte, U+FFFD.
  for (std::string_view bad : {"\x80", "\xBF", "\xC3", "\xC3" "A", "\xE2\x82", "\xF0\x9F\xA6", "\xF8\x80\x80\x80", "\xFF",
                               "\xF5\x80\x80\x80"}) {
    const auto c = d(bad);
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.cp, uni::kReplacementChar);
    EXPECT_EQ(c.len, 1u);
  }
  EXPECT_EQ(uni::utf8_lead_length(0xF0), 4u);
  EXPECT_EQ(uni::utf8_lead_length(0x80), 1u);
}

TEST(TokenizerUnicode, StrictValidationAndHoldBack) {
  EXPECT_EQ(uni::to_valid_utf8("ok \xC3\xA9 \xF0\x9F\xA6\x99"), "ok \xC3\xA9 \xF0\x9F\xA6\x99");
  EXPECT_EQ(uni::to_valid_utf8("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");   // overlong
  EXPECT_EQ(uni::to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(uni::to_valid_utf8("\xF0\x9F\xA6" "x"), "\xEF\xBF\xBD" "x");  // one U+FFFD per maximal subpart
  EXPECT_EQ(uni::to_valid_utf8("\xF4\x90\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(uni::complete_utf8_prefix(""), 0u);
  EXPECT_EQ(uni::complete_utf8_prefix("abc"), 3u);
  EXPECT_EQ(uni::complete_utf8_prefix("ab\xF0\x9F"), 2u);
  EXPECT_EQ(uni::complete_utf8_prefix("ab\xF0\x9F\xA6\x99"), 6u);
  EXPECT_EQ(uni::complete_utf8_prefix("\xE2\x82"), 0u);
  EXPECT_EQ(uni::complete_utf8_prefix("a\xC3"), 1u);
  EXPECT_EQ(uni::complete_utf8_prefix("a\x80\x80\x80\x80"), 5u);  // no lead to wait for
  std::string s;
  uni::append_utf8(s, 0x1F999);
  uni::append_utf8(s, 0x7FF);
  uni::append_utf8(s, 0x41);
  EXPECT_EQ(s, "\xF0\x9F\xA6\x99\xDF\xBF" "A");
}

// The strict decoder ingest/ and chat/ read untrusted text with: every byte of a malformed
// sequence costs one U+FFFD and one byte, so the good text after it is never skipped.
TEST(TokenizerUnicode, StrictDecodingRejectsOverlongSurrogatesAndCutSequences) {
  const auto at = [](std::string_view s) { return uni::decode_utf8_strict(s, 0); };
  EXPECT_EQ(at("A").cp, 0x41u);
  EXPECT_EQ(at("\xC3\xA9").cp, 0xE9u);
  EXPECT_EQ(at("\xC3\xA9").len, 2u);
  EXPECT_EQ(at("\xF0\x9F\xA6\x99").cp, 0x1F999u);
  EXPECT_EQ(at("\xF0\x9F\xA6\x99").len, 4u);
  for (std::string_view bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF0\x9F\xA6",
                               "\x80", "\xFF", "\xC3"}) {
    const auto c = at(bad);
    EXPECT_FALSE(c.valid) << testing::PrintToString(bad);
    EXPECT_EQ(c.cp, uni::kReplacementChar);
    EXPECT_EQ(c.len, 1u);
  }
  std::string s;
  uni::append_utf8_strict(s, 0xD800);
  uni::append_utf8_strict(s, 0x110000);
  uni::append_utf8_strict(s, 0xE9);
  EXPECT_EQ(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xC3\xA9");
}

TEST(TokenizerUnicode, Gpt2ByteMapping) {
  using pw::tokenizer::byte_to_codepoint;
  using pw::tokenizer::codepoint_to_byte;
  EXPECT_EQ(byte_to_codepoint('a'), uint32_t{'a'});
  EXPECT_EQ(byte_to_codepoint(' '), 0x120u);  // Ġ
  EXPECT_EQ(byte_to_codepoint('\n'), 0x10Au);  // Ċ
  EXPECT_EQ(byte_to_codepoint(0x00), 0x100u);
  EXPECT_EQ(byte_to_codepoint(0xAD), 0x143u);
  EXPECT_EQ(byte_to_codepoint(0xFF), 0xFFu);
  for (int b = 0; b < 256; ++b) EXPECT_EQ(codepoint_to_byte(byte_to_codepoint(static_cast<uint8_t>(b))), b);
  EXPECT_EQ(codepoint_to_byte(0x144), -1);
  EXPECT_EQ(codepoint_to_byte(0x20), -1);
}

}  // namespace
