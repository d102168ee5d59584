// Unicode helpers for the tokenizers: lenient UTF-8 decoding (llama.cpp's rules), general
// categories, White_Space, simple lowercase and "first code point of NFD".
//
//   using namespace pw::tokenizer::unicode;
//   Utf8Char c = decode_utf8(text, pos);       // {cp, len, valid}; invalid -> {U+FFFD, 1, false}
//   if (is_letter(c.cp)) ...                   // \p{L};  is_number: \p{N};  is_whitespace: \s
//   uint32_t lower = to_lower(0xC4);           // U+00E4
//   uint32_t base = nfd_first(0xE9);           // 'e' (accent stripped)
//   append_utf8(out, 0x1F999);
//
// Why lenient decoding: the fixtures are llama.cpp's outputs, and llama.cpp accepts overlong
// forms and surrogates and turns only malformed sequences into U+FFFD. Keep these rules as they
// are: changing them changes token ids for malformed input.
// Property lookups are O(1) below U+40000 (a 256 KiB table built on first use, thread-safe)
// and a binary search above.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pw::tokenizer::unicode {

enum Category : uint8_t {
  kUnassigned = 0,
  kNumber = 1,
  kLetter = 2,
  kSeparator = 3,
  kMark = 4,
  kPunctuation = 5,
  kSymbol = 6,
  kControl = 7,  // Cc, Cf, Co, Cs
};

inline constexpr uint8_t kCategoryMask = 0x07;
inline constexpr uint8_t kWhitespaceBit = 0x08;
inline constexpr uint8_t kHasLowercaseBit = 0x10;
inline constexpr uint8_t kHasNfdBit = 0x20;
inline constexpr uint32_t kReplacementChar = 0xFFFD;
inline constexpr uint32_t kMaxCodepoint = 0x10FFFF;

// The flat table for code points below kFlatLimit (built once, never freed).
inline constexpr uint32_t kFlatLimit = 0x40000;
const uint8_t* flat_property_table();
uint8_t properties_slow(uint32_t cp);

// The property byte (see unicode_tables.h); code points past U+10FFFF are unassigned.
inline uint8_t properties(uint32_t cp) {
  static const uint8_t* const table = flat_property_table();
  return cp < kFlatLimit ? table[cp] : properties_slow(cp);
}
inline Category category(uint32_t cp) { return static_cast<Category>(properties(cp) & kCategoryMask); }
inline bool is_letter(uint32_t cp) { return category(cp) == kLetter; }
inline bool is_number(uint32_t cp) { return category(cp) == kNumber; }
inline bool is_punctuation(uint32_t cp) { return category(cp) == kPunctuation; }
inline bool is_whitespace(uint32_t cp) { return (properties(cp) & kWhitespaceBit) != 0; }

// Simple lowercase mapping (UnicodeData field 13); the code point itself when there is none.
uint32_t to_lower(uint32_t cp);
// First code point of the canonical decomposition (NFD); the code point itself when it does
// not decompose. Used to strip accents: U+00C4 -> 'A', U+AC00 -> U+1100.
uint32_t nfd_first(uint32_t cp);
// The CJK ideograph ranges BERT's BasicTokenizer splits into single characters.
bool is_cjk_ideograph(uint32_t cp);

struct Utf8Char {
  uint32_t cp;
  uint32_t len;  // bytes consumed (>= 1)
  bool valid;
};

// Bytes of the sequence a lead byte announces, by its high nibble (1 for continuation and
// invalid bytes): what SentencePiece-style splitting uses.
inline size_t utf8_lead_length(uint8_t lead) {
  static constexpr uint8_t kLengths[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLengths[lead >> 4];
}

// Decodes one code point at s[pos] (pos < s.size()). Malformed (stray continuation byte,
// missing continuation bytes, F8..FF lead, value past U+10FFFF): {U+FFFD, 1, false}.
inline Utf8Char decode_utf8(std::string_view s, size_t pos) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = b(pos);
  if (b0 < 0x80) return {b0, 1, true};
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  if ((b0 & 0x40) == 0) return {kReplacementChar, 1, false};
  if ((b0 & 0x20) == 0) {
    if (!cont(pos + 1)) return {kReplacementChar, 1, false};
    return {static_cast<uint32_t>((b0 & 0x1F) << 6 | (b(pos + 1) & 0x3F)), 2, true};
  }
  if ((b0 & 0x10) == 0) {
    if (!cont(pos + 1) || !cont(pos + 2)) return {kReplacementChar, 1, false};
    return {static_cast<uint32_t>((b0 & 0x0F) << 12 | (b(pos + 1) & 0x3F) << 6 | (b(pos + 2) & 0x3F)), 3, true};
  }
  if ((b0 & 0x08) == 0) {
    if (!cont(pos + 1) || !cont(pos + 2) || !cont(pos + 3)) return {kReplacementChar, 1, false};
    const uint32_t cp = static_cast<uint32_t>((b0 & 0x07) << 18 | (b(pos + 1) & 0x3F) << 12 | (b(pos + 2) & 0x3F) << 6 |
                                              (b(pos + 3) & 0x3F));
    if (cp > kMaxCodepoint) return {kReplacementChar, 1, false};
    return {cp, 4, true};
  }
  return {kReplacementChar, 1, false};
}

// Appends the UTF-8 encoding of cp (cp <= U+10FFFF; surrogates are encoded as they are).
inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

inline size_t utf8_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

// Length of the longest prefix of `bytes` that ends on a character boundary, assuming `bytes`
// may end in the middle of a well-formed sequence. Used by the streaming decoder to hold back
// an incomplete trailing character.
size_t complete_utf8_prefix(std::string_view bytes);

// `text` as strictly valid UTF-8: every byte that does not start a well-formed sequence (also
// overlong forms, surrogates and values past U+10FFFF) becomes U+FFFD. What text leaving the
// engine for the user interface goes through.
std::string to_valid_utf8(std::string_view text);
// Length of the strictly well-formed sequence at s[pos], 0 when malformed (or cut short).
size_t valid_utf8_sequence_length(std::string_view s, size_t pos);
// Strict decoding of the code point at s[pos] (pos < s.size()): a well-formed sequence gives
// {cp, len, true}; anything else (overlong forms, surrogates, values past U+10FFFF, a cut
// sequence) gives {U+FFFD, 1, false}, so a caller advancing by len never skips good text.
// What untrusted document and template text is read with (ingest/, chat/).
Utf8Char decode_utf8_strict(std::string_view s, size_t pos);
// Appends cp as UTF-8; surrogates and values past U+10FFFF become U+FFFD.
void append_utf8_strict(std::string& out, uint32_t cp);

}  // namespace pw::tokenizer::unicode
