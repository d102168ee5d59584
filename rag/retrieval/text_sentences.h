// Sentence boundaries in document text (PDF text with hard line breaks inside sentences).
//
//   for (pw::rag::TextSpan s : pw::rag::sentence_spans(text)) use(text.substr(s.begin, s.size()));
//
// A sentence ends after '.', '!' or '?' (and any closing quotes or brackets) when whitespace
// and then an upper-case letter, a digit, a quote, a bullet or the end of the text follow, and
// at blank lines. Not after common abbreviations ("Dr.", "No.", "e.g."), single initials
// ("J. Smith") or decimal points. Spans never include leading or trailing whitespace and
// always cover the text in order without overlapping.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pw::rag {

struct TextSpan {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

std::vector<TextSpan> sentence_spans(std::string_view text);

// True when the text ends a thought: its last non-space character is sentence punctuation
// ('.', '!', '?', ':' or ';', possibly followed by closing quotes or brackets).
bool ends_complete(std::string_view text);
// True when the text starts mid-sentence (its first letter is lower case, or it starts with
// a comma, closing bracket or similar continuation).
bool starts_mid_sentence(std::string_view text);

}  // namespace pw::rag
