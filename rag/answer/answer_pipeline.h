// From a question to a checked answer: retrieve, decide whether the library holds the answer,
// then answer with the language model from numbered sources (streamed, citations parsed as
// they arrive, evidence checked at the end), or extractively without one.
//
//   pw::rag::AnswerPipeline pipeline(store, retriever, generator);   // generator may be null
//   pw::rag::AnswerEvents events;
//   events.on_sources = [&](pw::rag::AnswerMode mode, const std::vector<pw::rag::AnswerSource>& s) { show(s); };
//   events.on_text = [&](std::string_view piece) { append(piece); };
//   auto answer = pipeline.answer("How many days of leave carry over?", {}, events);
//
// Follow-ups: with options.history, the question is first made standalone (follow_up.h);
// retrieval and the prompt use that form (Answer::standalone_question).
// Modes: not_found when the retrieval verdict says the passages do not cover the question
// (the model is not called; the closest passages are the sources); generated when a
// generator is set and not options.extractive; extractive otherwise. on_sources is called
// once, before any text, with the numbered sources; on_text receives the answer as shown
// (invalid citations already removed). Errors: retrieval or generation failures; Cancelled
// when events.cancel was set during generation.
#pragma once

#include <atomic>
#include <functional>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/answer/answer_types.h"
#include "rag/answer/text_generator.h"
#include "rag/retrieval/retriever.h"
#include "rag/store/library_store.h"

namespace pw::rag {

inline constexpr const char* kNotFoundAnswer = "I could not find this in your documents.";

struct AnswerOptions {
  size_t retrieve_k = 8;           // passages retrieved
  SearchFilter filter;
  RetrievalMode retrieval_mode = RetrievalMode::Auto;
  bool extractive = false;         // answer extractively even when a generator is set
  size_t max_sources = 6;          // sources offered to the model / listed
  size_t extractive_passages = 3;  // passages quoted by an extractive answer
  size_t not_found_passages = 3;   // closest passages shown with "not found"
  int answer_tokens = 512;
  double temperature = 0.2;
  int context_tokens = 0;          // 0: the generator's own context size
  // The conversation so far (oldest first): a follow-up question is made standalone with it
  // before retrieval (rag/answer/follow_up.h).
  std::vector<ChatMessage> history;
};

struct AnswerEvents {
  std::function<void(AnswerMode, const std::vector<AnswerSource>&)> on_sources;
  std::function<void(std::string_view)> on_text;
  const std::atomic<bool>* cancel = nullptr;
};

class AnswerPipeline {
 public:
  AnswerPipeline(LibraryStore& store, Retriever& retriever, TextGenerator* generator = nullptr);

  Result<Answer> answer(std::string_view question, const AnswerOptions& options = {}, const AnswerEvents& events = {});

 private:
  LibraryStore& store_;
  Retriever& retriever_;
  TextGenerator* generator_;
};

}  // namespace pw::rag
