#include "rag/store/fts_query.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_set>

namespace pw::rag {
namespace {

// Words that carry no topic in English questions. Kept short on purpose: dropping a word
// that mattered costs more than keeping one that did not.
const std::unordered_set<std::string>& stopwords() {
  static const std::unordered_set<std::string> kWords = {
      "a",     "an",   "and",  "are",  "as",    "at",    "be",    "by",   "can",  "could", "did",
      "do",    "does", "for",  "from", "had",   "has",   "have",  "how",  "i",    "if",    "in",
      "into",  "is",   "it",   "its",  "me",    "my",    "of",    "on",   "or",   "our",   "should",
      "so",    "than", "that", "the",  "their", "them",  "then",  "there", "these", "they", "this",
      "those", "to",   "us",   "was",  "we",    "were",  "what",  "when", "where", "which", "who",
      "whom",  "why",  "will", "with", "would", "you",   "your",  "s",    "t",    "about", "tell",
      "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "let"};
  return kWords;
}

bool is_separator(unsigned char c) {
  return c <= 0x20 || c == 0x7f || c == '"';
}

// Non-ASCII code points that are punctuation or symbols for the unicode61 tokenizer (so a
// term made only of them would be an empty phrase, which matches nothing and would make an
// AND query fail). Not exhaustive: letters of every script must count as word characters.
bool is_punctuation_code_point(uint32_t cp) {
  if (cp >= 0x80 && cp <= 0xBF) return cp != 0xAA && cp != 0xB5 && cp != 0xBA;  // Latin-1 signs
  return (cp >= 0x2000 && cp <= 0x206F) ||  // general punctuation: dashes, quotes, bullets
         (cp >= 0x2190 && cp <= 0x2BFF) ||  // arrows, maths, box drawing, shapes
         (cp >= 0x3000 && cp <= 0x303F) ||  // CJK punctuation
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF01 && cp <= 0xFF0F);
}

// A term is searchable when it holds an ASCII letter or digit, or a non-ASCII character that
// is not known punctuation (letters of other scripts; the tokenizer decides about those).
// Invalid UTF-8 bytes count as word characters: the tokenizer copes with them.
bool has_word_character(std::string_view term) {
  size_t i = 0;
  while (i < term.size()) {
    unsigned char c = static_cast<unsigned char>(term[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) return true;
      ++i;
      continue;
    }
    int extra = (c >= 0xF0) ? 3 : (c >= 0xE0) ? 2 : (c >= 0xC0) ? 1 : 0;
    uint32_t cp = extra == 3 ? (c & 0x07u) : extra == 2 ? (c & 0x0Fu) : (c & 0x1Fu);
    // A stray continuation byte or a sequence cut short: not ours to judge.
    if (extra == 0 || i + static_cast<size_t>(extra) >= term.size()) return true;
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(term[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return true;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (!is_punctuation_code_point(cp)) return true;
    i += 1 + static_cast<size_t>(extra);
  }
  return false;
}

// The part before an apostrophe ("what's" -> "what", "don’t" -> "don"), for stopword checks.
std::string_view before_apostrophe(std::string_view word) {
  size_t cut = std::min(word.find('\''), word.find("\xE2\x80\x99"));
  return cut == std::string_view::npos ? word : word.substr(0, cut);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The word without leading/trailing ASCII punctuation ("rule?" -> "rule"), for the stopword
// check only: the emitted term keeps its punctuation for the tokenizer to handle.
std::string_view trim_punctuation(std::string_view s) {
  auto is_punct = [](unsigned char c) { return c < 0x80 && !(std::isalnum(c)); };
  while (!s.empty() && is_punct(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_punct(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view cut_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::vector<std::string> fts_terms(std::string_view user_text) {
  std::vector<std::string> all;
  std::unordered_set<std::string> seen;
  size_t i = 0;
  while (i < user_text.size() && all.size() < 4 * kMaxFtsTerms) {
    while (i < user_text.size() && is_separator(static_cast<unsigned char>(user_text[i]))) ++i;
    size_t start = i;
    while (i < user_text.size() && !is_separator(static_cast<unsigned char>(user_text[i]))) ++i;
    std::string_view word = user_text.substr(start, i - start);
    word = trim_punctuation(word);
    if (word.empty() || !has_word_character(word)) continue;
    word = cut_utf8(word, kMaxFtsTermBytes);
    if (word.empty()) continue;
    std::string key = ascii_lower(word);
    if (!seen.insert(key).second) continue;
    all.emplace_back(word);
  }
  std::vector<std::string> kept;
  for (const auto& t : all) {
    if (!stopwords().count(ascii_lower(before_apostrophe(t)))) kept.push_back(t);
  }
  if (kept.empty()) kept = std::move(all);  // "What is it?" still searches something
  if (kept.size() > kMaxFtsTerms) kept.resize(kMaxFtsTerms);
  return kept;
}

std::string fts_match_expression(std::string_view user_text, FtsMatch match) {
  std::string out;
  for (const auto& term : fts_terms(user_text)) {
    if (!out.empty()) out += match == FtsMatch::AnyTerm ? " OR " : " AND ";
    out += '"';
    out += term;  // contains no '"' (a separator) and no control characters
    out += '"';
  }
  return out;
}

}  // namespace pw::rag
