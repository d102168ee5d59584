#include "rag/retrieval/text_sentences.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace pw::rag {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_closer(char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }

bool is_abbreviation(std::string_view word) {
  static constexpr std::array<std::string_view, 30> kAbbreviations = {
      "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "no", "nos", "fig", "figs", "sec", "art",
      "para", "pp", "p", "ca", "approx", "dept", "est", "e.g", "i.e", "cf", "al", "inc", "ltd", "co", "etc"};
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), lower) != kAbbreviations.end();
}

// The word (letters and inner dots) just before position `dot`.
std::string_view word_before(std::string_view text, size_t dot) {
  size_t b = dot;
  while (b > 0 && (std::isalpha(static_cast<unsigned char>(text[b - 1])) || text[b - 1] == '.')) --b;
  return text.substr(b, dot - b);
}

// Whether a sentence may start at text[i] (after the whitespace that follows a terminator).
bool sentence_starter(std::string_view text, size_t i) {
  if (i >= text.size()) return true;
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (is_upper(static_cast<char>(c)) || is_digit(static_cast<char>(c))) return true;
  if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '-' || c == '*') return true;
  return c >= 0x80;  // curly quotes, bullets, letters of other scripts: no case to go by
}

}  // namespace

std::vector<TextSpan> sentence_spans(std::string_view text) {
  std::vector<TextSpan> out;
  size_t start = 0;
  auto emit = [&](size_t end) {
    size_t b = start, e = end;
    while (b < e && is_space(text[b])) ++b;
    while (e > b && is_space(text[e - 1])) --e;
    if (e > b) out.push_back(TextSpan{b, e});
    start = end;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      // A blank line ends a paragraph.
      size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
      if (j < text.size() && text[j] == '\n') {
        emit(i);
        i = j;
      }
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    size_t end = i + 1;
    while (end < text.size() && (text[end] == '.' || text[end] == '!' || text[end] == '?')) ++end;
    while (end < text.size() && is_closer(text[end])) ++end;
    if (end < text.size() && !is_space(text[end])) continue;  // "2.5", "e.g.x", "U.S.A"
    if (c == '.') {
      std::string_view w = word_before(text, i);
      if (w.size() == 1 && is_upper(w[0])) continue;  // an initial
      if (is_abbreviation(w)) continue;
    }
    size_t next = end;
    while (next < text.size() && is_space(text[next])) ++next;
    if (!sentence_starter(text, next)) continue;
    emit(end);
    i = end - 1;
  }
  emit(text.size());
  return out;
}

bool ends_complete(std::string_view text) {
  size_t e = text.size();
  while (e > 0 && is_space(text[e - 1])) --e;
  while (e > 0 && is_closer(text[e - 1])) --e;
  if (e >= 3 && text.compare(e - 3, 3, "\xE2\x80\x9D") == 0) e -= 3;  // closing curly quote
  if (e == 0) return true;
  char c = text[e - 1];
  return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

bool starts_mid_sentence(std::string_view text) {
  size_t b = 0;
  while (b < text.size() && is_space(text[b])) ++b;
  if (b >= text.size()) return false;
  char c = text[b];
  return is_lower(c) || c == ',' || c == ';' || c == ')' || c == ']';
}

}  // namespace pw::rag
