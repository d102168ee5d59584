// An answer as JSON, the shape `pagewise-cli ask --json` prints and scripts rely on:
//   {"answer", "mode", "sentences": [{"text", "citations", "supported", "unsupported_facts"}],
//    "sources": [{"n", "document", "title", "page", "heading", "snippet", "char_start",
//                 "char_end", "page_start", "page_end", "cited", "highlights"}],
//    "model", "quantization", "timings": {...}, "highlights", "dropped_citations"}
// "model"/"quantization" are null without a language model. Keys are only ever added.
//
//   std::cout << pw::rag::answer_to_json(answer).dump(2) << "\n";
#pragma once

#include <nlohmann/json.hpp>

#include "rag/answer/answer_types.h"

namespace pw::rag {

nlohmann::json answer_to_json(const Answer& answer);

}  // namespace pw::rag
