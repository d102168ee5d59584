#include "rag/answer/extractive_answer.h"

#include "rag/answer/source_snippets.h"

namespace pw::rag {

ExtractiveText compose_extractive(std::span<const AnswerSource> sources, const AnalyzedQuery& query, size_t max_passages) {
  ExtractiveText out;
  std::vector<const AnswerSource*> chosen;
  for (const AnswerSource& s : sources) {
    if (chosen.size() >= max_passages) break;
    if (!s.snippet.empty() && !s.snippet_highlights.empty()) chosen.push_back(&s);
  }
  if (chosen.empty() && !sources.empty() && !sources.front().snippet.empty()) chosen.push_back(&sources.front());
  for (const AnswerSource* s : chosen) {
    if (!out.text.empty()) out.text += "\n\n";
    const size_t base = out.text.size();
    out.text += s->snippet;
    for (const TextRange& h : s->snippet_highlights) out.highlights.push_back(TextRange{base + h.begin, base + h.end});
    out.text += ' ';
    std::string marker = "[" + std::to_string(s->number) + "]";
    out.marks.push_back(CitationMark{out.text.size(), out.text.size() + marker.size(), {s->number}});
    out.text += marker;
    out.used_sources.push_back(s->number);
  }
  return out;
}

}  // namespace pw::rag
