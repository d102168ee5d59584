// An answer and everything needed to check it: the text, its sentences with their citations
// and support flags, the numbered sources (document, page, heading, snippet and the byte range
// to highlight), the model and timings. Plain data; made by rag/answer/answer_pipeline.h.
//
//   for (const pw::rag::AnswerSentence& s : answer.sentences)
//     if (!s.supported) flag(s.text, s.unsupported_facts);          // e.g. "5 mg" not in [2]
//   const pw::rag::AnswerSource& src = answer.sources[0];           // [1]
//   open(src.document_path, src.page, src.char_start, src.char_end);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pw::rag {

enum class AnswerMode {
  Generated,   // written by a language model from the numbered sources
  Extractive,  // the best passages themselves (no language model installed or chosen)
  NotFound,    // the library does not seem to contain the answer; closest passages shown
};
const char* to_string(AnswerMode mode);  // "generated", "extractive", "not_found"

// A byte range [begin, end) in some text named by the field holding it.
struct TextRange {
  size_t begin = 0;
  size_t end = 0;
};

// A place in a document to open and highlight: bytes [char_start, char_end) of page `page`'s
// stored text (ingest/document.h offsets).
struct PageHighlight {
  int page = 0;
  uint32_t char_start = 0;
  uint32_t char_end = 0;
};

struct AnswerSource {
  int number = 0;  // cited as [number]
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string document_path;
  std::string document_title;
  std::string heading_path;
  int page_start = 0;  // the passage's pages
  int page_end = 0;
  std::string text;     // the passage as given to the model (with its completing context)
  std::string snippet;  // the sentences that best match the question
  PageHighlight snippet_location;        // where the snippet is (page is the snippet's page)
  std::vector<TextRange> snippet_highlights;  // question words in `snippet`
  bool cited = false;   // the answer cites it
  double score = 0;
  double term_coverage = 0;
};

struct SentenceCitation {
  int number = 0;             // the source
  PageHighlight location;     // the source's sentence that best matches the answer sentence
};

struct AnswerSentence {
  TextRange range;                 // in Answer::text, citation markers included
  std::string text;                // without citation markers
  std::vector<int> citations;      // source numbers, in order, distinct
  std::vector<SentenceCitation> locations;  // one per citation
  bool supported = true;           // every number, unit, date and section reference checked out
  std::vector<std::string> unsupported_facts;  // what was not found in the cited sources
};

struct AnswerTimings {
  double retrieval_ms = 0;
  double prompt_ms = 0;
  double first_token_ms = 0;  // from the start of generation (0 without a model)
  double generation_ms = 0;
  double check_ms = 0;
  double total_ms = 0;
};

struct Answer {
  AnswerMode mode = AnswerMode::NotFound;
  std::string question;
  std::string standalone_question;      // what was searched: the question, made standalone
  std::string text;
  std::vector<AnswerSentence> sentences;
  std::vector<AnswerSource> sources;
  std::vector<TextRange> highlights;    // question words in `text` (extractive answers)
  std::vector<int> dropped_citations;   // [n] the model wrote for sources it was not given
  std::string model;                    // empty without a language model
  std::string quantization;
  int prompt_tokens = 0;
  double term_coverage = 0;             // the retrieval verdict's measure (relevance.h)
  bool semantic_used = false;           // retrieval fused word and embedding search
  AnswerTimings timings;
};

}  // namespace pw::rag
