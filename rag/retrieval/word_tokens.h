// Words of a text with their byte offsets, split the way SQLite's unicode61 tokenizer splits
// (letters and digits of any script form words; punctuation, symbols and spaces separate
// them), lower-cased with Latin diacritics removed, plus the Porter stem of each word.
//
//   for (const pw::rag::WordToken& w : pw::rag::word_tokens("Carry-over of 5 days"))
//     ... w.begin, w.end (bytes in the text), w.text ("carry"), w.stem ("carri") ...
//
// Why here and not FTS5: retrieval re-scores passages inside a document, picks snippets and
// highlights query words, so it needs token positions and offsets, which FTS5 does not expose.
// Must not change: offsets always point into the text passed in (valid UTF-8 or not), and
// `stem` is what query and passage words are compared by, on both sides.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pw::rag {

struct WordToken {
  uint32_t begin = 0;  // byte offset of the word's first byte
  uint32_t end = 0;    // byte offset past its last byte
  std::string text;    // lower-cased, Latin diacritics removed ("Élan" -> "elan")
  std::string stem;    // Porter stem of `text` for ASCII words, else `text`
};

// At most max_words words (the rest of a huge text is ignored, never an unbounded vector).
std::vector<WordToken> word_tokens(std::string_view text, size_t max_words = 1u << 20);

// The same words one at a time, without stems and without a vector: for hot loops that only
// look for a few words (PassageScorer stems a word only when it can match a query word).
//
//   pw::rag::WordScanner words(text);
//   while (words.next()) use(words.begin(), words.end(), words.word());   // word(): "carry"
class WordScanner {
 public:
  explicit WordScanner(std::string_view text) : text_(text) {}
  bool next();  // false at the end of the text
  uint32_t begin() const { return begin_; }
  uint32_t end() const { return end_; }
  const std::string& word() const { return word_; }  // normalised, as WordToken::text

 private:
  std::string_view text_;
  size_t at_ = 0;
  uint32_t begin_ = 0, end_ = 0;
  std::string word_;
};

// The normalised form of a single word (lower case, diacritics removed), as in WordToken::text.
std::string normalize_word(std::string_view word);

// True when the code point joins a word (letter or digit of any script); false for spaces,
// punctuation and symbols.
bool is_word_code_point(char32_t cp);

}  // namespace pw::rag
