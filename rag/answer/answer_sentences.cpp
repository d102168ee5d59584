#include "rag/answer/answer_sentences.h"

#include <algorithm>

#include "rag/retrieval/text_sentences.h"

namespace pw::rag {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace

std::vector<AnswerSentence> split_answer(std::string_view text, std::span<const CitationMark> marks) {
  // Lines first (answers use line breaks for lists), then sentences within each line.
  std::vector<TextSpan> spans;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    for (TextSpan s : sentence_spans(line)) spans.push_back(TextSpan{line_start + s.begin, line_start + s.end});
    line_start = line_end + 1;
  }

  // A span that starts with markers: they close the previous sentence of the same line.
  for (size_t i = 1; i < spans.size(); ++i) {
    bool same_line = text.substr(spans[i - 1].end, spans[i].begin - spans[i - 1].end).find('\n') == std::string_view::npos;
    if (!same_line) continue;
    for (const CitationMark& m : marks) {
      if (m.begin != spans[i].begin) continue;
      spans[i - 1].end = m.end;
      size_t b = m.end;
      while (b < spans[i].end && is_space(text[b])) ++b;
      spans[i].begin = b;
    }
  }
  std::erase_if(spans, [](const TextSpan& s) { return s.begin >= s.end; });

  std::vector<AnswerSentence> out;
  for (const TextSpan& s : spans) {
    AnswerSentence sentence;
    sentence.range = TextRange{s.begin, s.end};
    std::string plain;
    size_t at = s.begin;
    for (const CitationMark& m : marks) {
      if (m.begin < s.begin || m.end > s.end) continue;
      plain.append(text.substr(at, m.begin - at));
      at = m.end;
      for (int n : m.numbers)
        if (std::find(sentence.citations.begin(), sentence.citations.end(), n) == sentence.citations.end())
          sentence.citations.push_back(n);
    }
    plain.append(text.substr(at, s.end - at));
    // Tidy what removing markers left: double spaces, a space before punctuation, edges.
    std::string tidy;
    for (size_t i = 0; i < plain.size(); ++i) {
      char c = plain[i];
      if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
      if ((c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') && !tidy.empty() && tidy.back() == ' ')
        tidy.pop_back();
      tidy += c;
    }
    while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    sentence.text = std::move(tidy);
    if (sentence.text.empty() && !out.empty()) {
      // Only markers on their own: they belong to the sentence before.
      for (int n : sentence.citations)
        if (std::find(out.back().citations.begin(), out.back().citations.end(), n) == out.back().citations.end())
          out.back().citations.push_back(n);
      out.back().range.end = s.end;
      continue;
    }
    out.push_back(std::move(sentence));
  }
  return out;
}

void inherit_paragraph_citations(std::string_view text, std::vector<AnswerSentence>& sentences) {
  for (size_t i = 0; i < sentences.size(); ++i) {
    if (!sentences[i].citations.empty()) continue;
    for (size_t j = i + 1; j < sentences.size(); ++j) {
      const size_t gap_begin = sentences[j - 1].range.end, gap_end = sentences[j].range.begin;
      if (gap_end > gap_begin && text.substr(gap_begin, gap_end - gap_begin).find("\n\n") != std::string_view::npos) break;
      if (sentences[j].citations.empty()) continue;
      sentences[i].citations = sentences[j].citations;
      break;
    }
  }
}

}  // namespace pw::rag
