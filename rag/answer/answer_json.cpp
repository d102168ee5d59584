#include "rag/answer/answer_json.h"

namespace pw::rag {
namespace {

nlohmann::json ranges(const std::vector<TextRange>& rs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rs) out.push_back({r.begin, r.end});
  return out;
}

}  // namespace

nlohmann::json answer_to_json(const Answer& answer) {
  nlohmann::json sentences = nlohmann::json::array();
  for (const AnswerSentence& s : answer.sentences) {
    nlohmann::json locations = nlohmann::json::array();
    for (const auto& l : s.locations)
      locations.push_back({{"n", l.number}, {"page", l.location.page}, {"char_start", l.location.char_start},
                           {"char_end", l.location.char_end}});
    sentences.push_back({{"text", s.text},
                         {"citations", s.citations},
                         {"supported", s.supported},
                         {"unsupported_facts", s.unsupported_facts},
                         {"locations", locations}});
  }
  nlohmann::json sources = nlohmann::json::array();
  for (const AnswerSource& s : answer.sources) {
    sources.push_back({{"n", s.number},
                       {"document", s.document_path},
                       {"title", s.document_title},
                       {"page", s.snippet_location.page},
                       {"heading", s.heading_path},
                       {"snippet", s.snippet},
                       {"char_start", s.snippet_location.char_start},
                       {"char_end", s.snippet_location.char_end},
                       {"page_start", s.page_start},
                       {"page_end", s.page_end},
                       {"cited", s.cited},
                       {"highlights", ranges(s.snippet_highlights)}});
  }
  nlohmann::json out{{"answer", answer.text},
                     {"mode", to_string(answer.mode)},
                     {"sentences", sentences},
                     {"sources", sources},
                     {"model", answer.model.empty() ? nlohmann::json(nullptr) : nlohmann::json(answer.model)},
                     {"quantization",
                      answer.quantization.empty() ? nlohmann::json(nullptr) : nlohmann::json(answer.quantization)},
                     {"timings",
                      {{"retrieval_ms", answer.timings.retrieval_ms},
                       {"prompt_ms", answer.timings.prompt_ms},
                       {"first_token_ms", answer.timings.first_token_ms},
                       {"generation_ms", answer.timings.generation_ms},
                       {"check_ms", answer.timings.check_ms},
                       {"total_ms", answer.timings.total_ms}}},
                     {"highlights", ranges(answer.highlights)},
                     {"dropped_citations", answer.dropped_citations},
                     {"prompt_tokens", answer.prompt_tokens},
                     {"coverage", answer.term_coverage},
                     {"retrieval", answer.semantic_used ? "fused" : "lexical"},
                     {"question", answer.question},
                     {"standalone_question", answer.standalone_question}};
  return out;
}

}  // namespace pw::rag
