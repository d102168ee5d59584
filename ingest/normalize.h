// Text clean-up applied to every page before it is stored, chunked and cited.
//
//   std::string page = pw::ingest::normalize_text(raw_page_text);
//   pw::ingest::HyphenationLexicon lexicon;          // words of the whole document
//   for (auto& p : pages) lexicon.add_text(p);
//   page = pw::ingest::join_hyphenated_lines(page, &lexicon);
//
// normalize_text: invalid UTF-8 repaired (U+FFFD); CR/LF, form feeds and Unicode line
// separators become '\n'; tabs and Unicode spaces become ' '; NUL, other control characters,
// zero-width characters and private-use glyphs are dropped; ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) are
// spelled out; a letter followed by a combining accent is composed for the common Latin
// cases (TeX output "naı̈ve" -> "naïve"); soft hyphens are removed, and a soft hyphen at a line
// end joins the two halves of the word; runs of spaces collapse to one, lines are trimmed,
// more than one blank line collapses to one, and the text is trimmed.
// Output is always valid UTF-8 and never longer than 3x the input (ligatures expand).
//
// join_hyphenated_lines: "employ-\nment is" -> "employment is" (the two lines become one).
// A hyphen is kept ("well-\nknown" -> "well-known") when the next line starts with an
// upper-case letter or a digit, or when the document itself spells the compound with a
// hyphen mid-line and never without it (the lexicon). Mid-line hyphens are never touched.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace pw::ingest {

std::string normalize_text(std::string_view raw);

// The words a document uses, to decide whether a line-end hyphen is part of the word.
class HyphenationLexicon {
 public:
  void add_text(std::string_view text);
  bool has_hyphenated(const std::string& lower_compound) const { return hyphenated_.count(lower_compound) > 0; }
  bool has_plain(const std::string& lower_word) const { return plain_.count(lower_word) > 0; }

 private:
  std::unordered_set<std::string> hyphenated_;  // "well-known" (seen mid-line)
  std::unordered_set<std::string> plain_;       // "employment"
};

// True when the text has a line that ends in letter + '-' (so joining may change it).
bool has_line_end_hyphen(std::string_view text);

std::string join_hyphenated_lines(std::string_view text, const HyphenationLexicon* lexicon);

// Character classes used across ingest/ (approximate outside Latin, Greek and Cyrillic).
bool is_letter(char32_t cp);
bool is_lower_letter(char32_t cp);
bool is_upper_letter(char32_t cp);
char32_t to_lower(char32_t cp);
std::string to_lower_utf8(std::string_view s);

}  // namespace pw::ingest
