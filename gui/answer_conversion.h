// From the core's results to what the GUI shows (gui/answer_values.h). Runs on the
// EngineWorker's thread (it reads page texts from the library for highlighting).
//
//   auto r = retriever.search({.query = q, .k = 8});
//   pw::gui::ShownAnswer shown = pw::gui::extractive_answer(q, *r, store, 6, 3);
//
// The answer pipeline (rag/answer/answer_pipeline.h) is used when the build has it
// (PAGEWISE_GUI_ANSWER_PIPELINE, by __has_include); from_core_answer() converts its Answer.
// Without it, answers are extractive: the best sentences of the best passages, quoted with
// their [n], and "not found" when the retrieval verdict says the library does not cover the
// question. Generated answers then come from gui/model_runner.h with grounded_messages().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/chat/chat_template.h"
#include "gui/answer_values.h"
#include "rag/retrieval/retriever.h"
#include "rag/store/library_store.h"

#if __has_include("rag/answer/answer_pipeline.h")
#define PAGEWISE_GUI_ANSWER_PIPELINE 1
#include "rag/answer/answer_pipeline.h"
#endif

namespace pw::gui {

inline constexpr const char* kNotFoundText = "I could not find this in your documents.";

// The bytes [char_start, char_end) of a passage on its first page, from the stored page text:
// what the source panel highlights. Empty when the page text is not available.
QString passage_text_on_page(rag::LibraryStore& store, int64_t document_id, int page, uint32_t char_start,
                             uint32_t char_end, bool ends_on_same_page);

ShownSource shown_source(const rag::Passage& passage, int number, rag::LibraryStore& store);

// The sentences of `text` that share the most words with the question, in text order, at
// most `max_sentences`.
std::string best_sentences(std::string_view text, std::string_view question, size_t max_sentences);

// An extractive (or not-found) answer from retrieval results.
ShownAnswer extractive_answer(const QString& question, const rag::RetrievalResult& result, rag::LibraryStore& store,
                              size_t max_sources, size_t quoted_passages);

// The conversation given to a language model: numbered sources and the question, with as
// many sources (best first, each cut to max_chars_per_source) as fit in `token_budget`
// tokens by `count_tokens`. `with_sources.sources` is trimmed to the sources given.
std::vector<chat::ChatMessage> grounded_messages(ShownAnswer& with_sources, const QString& question,
                                                 size_t max_chars_per_source,
                                                 const std::function<size_t(std::string_view)>& count_tokens,
                                                 size_t token_budget);

#ifdef PAGEWISE_GUI_ANSWER_PIPELINE
ShownAnswer from_core_answer(const rag::Answer& answer, rag::LibraryStore& store);
ShownSource from_core_source(const rag::AnswerSource& source, rag::LibraryStore& store);
#endif

}  // namespace pw::gui
