#include "engine/tokenizer/unicode.h"

#include <algorithm>
#include <memory>

#include "engine/tokenizer/unicode_tables.h"

namespace pw::tokenizer::unicode {

namespace {

using unicode_data::kLowercase;
using unicode_data::kLowercaseCount;
using unicode_data::kNfdFirst;
using unicode_data::kNfdFirstCount;
using unicode_data::kPropRangeCount;
using unicode_data::kPropRanges;

uint8_t lookup_ranges(uint32_t cp) {
  if (cp > kMaxCodepoint) return kUnassigned;
  const auto* end = kPropRanges + kPropRangeCount;
  const auto* it = std::upper_bound(kPropRanges, end, cp,
                                    [](uint32_t value, const unicode_data::PropRange& r) { return value < r.first; });
  return (it - 1)->props;  // kPropRanges[0].first == 0, so it > begin
}

const uint8_t* build_flat_table() {
  // Intentionally leaked: lives for the whole process, used from any thread.
  auto* table = new uint8_t[kFlatLimit];
  for (size_t i = 0; i < kPropRangeCount; ++i) {
    const uint32_t first = kPropRanges[i].first;
    if (first >= kFlatLimit) break;
    const uint32_t end = i + 1 < kPropRangeCount ? std::min(kPropRanges[i + 1].first, kFlatLimit) : kFlatLimit;
    std::fill(table + first, table + end, kPropRanges[i].props);
  }
  return table;
}

}  // namespace

const uint8_t* flat_property_table() {
  static const uint8_t* const table = build_flat_table();
  return table;
}

uint8_t properties_slow(uint32_t cp) { return lookup_ranges(cp); }

uint32_t to_lower(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if ((properties(cp) & kHasLowercaseBit) == 0) return cp;
  const auto* end = kLowercase + kLowercaseCount;
  const auto* it = std::lower_bound(kLowercase, end, cp, [](const unicode_data::CodepointPair& p, uint32_t v) { return p.from < v; });
  return (it != end && it->from == cp) ? it->to : cp;
}

uint32_t nfd_first(uint32_t cp) {
  if (cp < 0x80 || (properties(cp) & kHasNfdBit) == 0) return cp;
  const auto* end = kNfdFirst + kNfdFirstCount;
  const auto* it = std::upper_bound(kNfdFirst, end, cp, [](uint32_t v, const unicode_data::NfdRange& r) { return v < r.first; });
  if (it == kNfdFirst) return cp;
  --it;
  return (cp >= it->first && cp <= it->last) ? it->value : cp;
}

bool is_cjk_ideograph(uint32_t cp) {
  // The ranges of BERT's BasicTokenizer._is_chinese_char, as the reference implementations use
  // them (0x2B920 rather than 0x2B820 for the start of extension E is what they do).
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

namespace {

// How far a strictly well-formed sequence at s[pos] gets: `needed` bytes make the character,
// `good` bytes of it are present and correct (good == needed: valid; otherwise the maximal
// subpart that one U+FFFD replaces, at least 1).
struct SequenceCheck {
  size_t needed;
  size_t good;
};

SequenceCheck check_sequence(std::string_view s, size_t pos) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = b(pos);
  if (b0 < 0x80) return {1, 1};
  size_t needed;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    needed = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    needed = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    needed = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return {1, 0};
  }
  size_t good = 1;
  if (pos + 1 < s.size() && b(pos + 1) >= lo && b(pos + 1) <= hi) {
    good = 2;
    while (good < needed && pos + good < s.size() && (b(pos + good) & 0xC0) == 0x80) ++good;
  }
  return {needed, good};
}

}  // namespace

size_t valid_utf8_sequence_length(std::string_view s, size_t pos) {
  const SequenceCheck c = check_sequence(s, pos);
  return c.good == c.needed ? c.needed : 0;
}

Utf8Char decode_utf8_strict(std::string_view s, size_t pos) {
  const size_t len = valid_utf8_sequence_length(s, pos);
  if (len == 0) return {kReplacementChar, 1, false};
  return decode_utf8(s, pos);  // well-formed, so the lenient decoder reads it the same way
}

void append_utf8_strict(std::string& out, uint32_t cp) {
  if (cp > kMaxCodepoint || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementChar;
  append_utf8(out, cp);
}

size_t complete_utf8_prefix(std::string_view bytes) {
  // Look at most 3 bytes back for a lead byte whose sequence is not finished yet.
  const size_t n = bytes.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const uint8_t c = static_cast<uint8_t>(bytes[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: keep looking for its lead
    if (c < 0xC0 || c >= 0xF8) return n;  // ASCII or never a lead: nothing to wait for
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return need > back ? n - back : n;
  }
  return n;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const SequenceCheck c = check_sequence(text, i);
    if (c.good == c.needed) {
      out.append(text.substr(i, c.needed));
      i += c.needed;
    } else {
      append_utf8(out, kReplacementChar);  // one per maximal subpart, as Unicode recommends
      i += c.good == 0 ? 1 : c.good;
    }
  }
  return out;
}

}  // namespace pw::tokenizer::unicode
