// UTF-8 decoding, encoding and repair for text that comes from untrusted files.
//
//   size_t i = 0; char32_t cp;
//   while (i < s.size()) { bool valid = pw::ingest::utf8::next(s, i, cp); ... }
//   std::string clean = pw::ingest::utf8::repair(bytes);      // invalid bytes -> U+FFFD
//   std::string text = pw::ingest::utf8::from_cp1252(bytes);   // legacy 8-bit files
//
// Why: every string that leaves ingest/ is valid UTF-8 (SQLite FTS, JSON output and Qt all
// assume it). Overlong forms, surrogates and code points past U+10FFFF count as invalid.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pw::ingest::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point at s[i] and advances i past it. On an invalid sequence sets cp to
// U+FFFD, advances i by one byte and returns false.
bool next(std::string_view s, size_t& i, char32_t& cp);

void append(std::string& out, char32_t cp);

bool is_valid(std::string_view s);

// Valid UTF-8 copy of s: each invalid byte becomes U+FFFD.
std::string repair(std::string_view s);

// Windows-1252 (a superset of the printable Latin-1 range) to UTF-8. Undefined bytes
// (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same value, as Latin-1 does.
std::string from_cp1252(std::string_view s);

// Number of code points (invalid bytes count one each).
size_t length(std::string_view s);

// Largest position <= pos that does not fall inside a multi-byte sequence.
size_t floor_boundary(std::string_view s, size_t pos);

}  // namespace pw::ingest::utf8
