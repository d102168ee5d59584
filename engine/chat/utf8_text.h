// Python-flavoured string helpers over UTF-8 bytes, for the chat-template interpreter.
//
//   std::vector<size_t> cuts = pw::chat::utf8::boundaries("naïve");   // 0,1,2,4,5,6 (byte offsets)
//   std::string s = pw::chat::utf8::strip("  hi\n", nullptr);          // "hi"
//   auto parts = pw::chat::utf8::split("a  b", nullptr, -1);           // {"a", "b"}
//
// Why: templates index, slice, strip and split strings the way Python does, by code point and
// with Python's notion of whitespace. Bytes that are not valid UTF-8 count as one code point each
// so that slicing never changes the bytes of the input. Case mapping covers ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic (enough for chat roles and typical text), not all of Unicode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pw::chat::utf8 {

// Decodes the code point at s[pos] and advances pos. Invalid bytes decode as U+FFFD, one byte each.
char32_t next(std::string_view s, size_t& pos);
void append(std::string& out, char32_t cp);

// Byte offsets of every code point start, plus s.size() at the end (so size()-1 code points).
std::vector<size_t> boundaries(std::string_view s);
size_t length(std::string_view s);  // number of code points
bool is_ascii(std::string_view s);

bool is_space(char32_t cp);  // Python str.isspace()
bool is_alpha(char32_t cp);  // letters we know the case of, plus other non-ASCII letters approximately
bool is_digit(char32_t cp);
char32_t to_upper(char32_t cp);
char32_t to_lower(char32_t cp);

std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string capitalize(std::string_view s);    // Python str.capitalize()
std::string python_title(std::string_view s);  // Python str.title()

// chars == nullptr strips Python whitespace; otherwise any code point of *chars.
std::string strip(std::string_view s, const std::string* chars);
std::string lstrip(std::string_view s, const std::string* chars);
std::string rstrip(std::string_view s, const std::string* chars);

// Python str.split / str.rsplit. sep == nullptr splits on whitespace runs. Caller rejects empty sep.
std::vector<std::string> split(std::string_view s, const std::string* sep, int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::string* sep, int64_t maxsplit);
std::vector<std::string> splitlines(std::string_view s);  // Python str.splitlines() without keepends

// Python str.replace (an empty `from` inserts `to` between code points). count < 0: all.
std::string replace(std::string_view s, std::string_view from, std::string_view to, int64_t count);
// Python str.count / str.find in code points; find returns -1 when absent.
int64_t count(std::string_view s, std::string_view sub);
int64_t find(std::string_view s, std::string_view sub, bool from_right);

std::string reverse(std::string_view s);  // by code point

}  // namespace pw::chat::utf8
