// The answer given without a language model: the best passages themselves, each as its
// sentences that best match the question followed by its citation, with the question's words
// highlighted. A real answer people can check, not an error.
//
//   pw::rag::ExtractiveText e = pw::rag::compose_extractive(sources, query, 3);
//   e.text;         // "Unused leave may be carried over ... [1]\n\nUp to five days ... [2]"
//   e.marks;        // the [n] markers (as from the citation parser)
//   e.highlights;   // question words in e.text
#pragma once

#include <span>
#include <string>
#include <vector>

#include "rag/answer/answer_types.h"
#include "rag/answer/citation_parser.h"
#include "rag/retrieval/query_analysis.h"

namespace pw::rag {

struct ExtractiveText {
  std::string text;
  std::vector<CitationMark> marks;
  std::vector<TextRange> highlights;
  std::vector<int> used_sources;  // source numbers quoted
};

// Quotes the snippets of the first `max_passages` sources that contain a question word (or
// of the first source when none does), one paragraph each.
ExtractiveText compose_extractive(std::span<const AnswerSource> sources, const AnalyzedQuery& query, size_t max_passages);

}  // namespace pw::rag
