#include "ingest/utf8.h"

#include "engine/tokenizer/unicode.h"

namespace pw::ingest::utf8 {

bool next(std::string_view s, size_t& i, char32_t& cp) {
  if (static_cast<unsigned char>(s[i]) < 0x80) {  // most text: no call
    cp = static_cast<unsigned char>(s[i++]);
    return true;
  }
  const auto c = tokenizer::unicode::decode_utf8_strict(s, i);
  cp = c.cp;
  i += c.len;
  return c.valid;
}

void append(std::string& out, char32_t cp) { tokenizer::unicode::append_utf8_strict(out, static_cast<uint32_t>(cp)); }

bool is_valid(std::string_view s) {
  size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (!next(s, i, cp)) return false;
  }
  return true;
}

std::string repair(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    const size_t start = i;
    if (next(s, i, cp))
      out.append(s.substr(start, i - start));
    else
      append(out, kReplacement);
  }
  return out;
}

std::string from_cp1252(std::string_view s) {
  // 0x80..0x9F in Windows-1252; 0 marks the five undefined bytes.
  static constexpr char16_t kHigh[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out.push_back(c);
    } else if (b < 0xA0) {
      const char16_t mapped = kHigh[b - 0x80];
      append(out, mapped ? mapped : b);
    } else {
      append(out, b);
    }
  }
  return out;
}

size_t length(std::string_view s) {
  size_t n = 0;
  size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    next(s, i, cp);
    ++n;
  }
  return n;
}

size_t floor_boundary(std::string_view s, size_t pos) {
  if (pos >= s.size()) return s.size();
  while (pos > 0 && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

}  // namespace pw::ingest::utf8
