// Splits an answer into sentences and gives each the citation markers that belong to it.
//
//   auto sentences = pw::rag::split_answer(parser.text(), parser.marks());
//   sentences[0].text;        // "Unused leave carries over for 5 days."  (markers removed)
//   sentences[0].citations;   // {1, 2}
//
// A marker belongs to the sentence it is in; a marker right after a sentence's final
// punctuation ("... 5 days. [1]") belongs to that sentence, not the next. List items and
// lines ending without punctuation are sentences of their own.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "rag/answer/answer_types.h"
#include "rag/answer/citation_parser.h"

namespace pw::rag {

std::vector<AnswerSentence> split_answer(std::string_view text, std::span<const CitationMark> marks);

// For quoted paragraphs (extractive answers: "S1. S2. S3. [2]"): a sentence without citations
// takes those of the next cited sentence of its paragraph (no blank line between them). Not
// for generated answers, where a sentence the model left uncited must stay uncited.
void inherit_paragraph_citations(std::string_view text, std::vector<AnswerSentence>& sentences);

}  // namespace pw::rag
