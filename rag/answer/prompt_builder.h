// The grounded prompt: a system instruction to answer only from the numbered sources and cite
// them as [n], then the sources (title, page, heading path, text) packed into the model's
// context budget, then the question.
//
//   pw::rag::PromptBudget budget{.context_tokens = gen.context_tokens(), .answer_tokens = 512,
//                                .count_tokens = [&](std::string_view s) { return gen.count_tokens(s); }};
//   auto prompt = pw::rag::build_prompt(question, passages, budget);
//   if (!prompt) return prompt.error();          // ResourceLimit: not even one source fits
//   generator.generate({prompt->messages, 512}, on_piece, cancel);
//   prompt->sources[0];                          // index into `passages` of source [1]
//
// Packing: sources in rank order, whole while they fit; the first that does not fit is cut at
// a sentence boundary when at least min_source_tokens remain, and packing stops there. The
// budget keeps answer_tokens free for the reply plus template_overhead_tokens for the chat
// template's own tokens. Must not change: sources are numbered 1..n in the order given, and
// `sources` maps each number back to its passage, so a citation [n] always means the same
// passage in the prompt, the answer and the UI.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/answer/text_generator.h"
#include "rag/retrieval/passage.h"

namespace pw::rag {

struct PromptBudget {
  int context_tokens = 4096;
  int answer_tokens = 512;
  int template_overhead_tokens = 64;
  int min_source_tokens = 48;
  // The model's token counter; empty: ingest's estimate (ingest/token_estimate.h).
  std::function<int(std::string_view)> count_tokens;
};

struct BuiltPrompt {
  std::vector<ChatMessage> messages;  // system, then user (sources + question)
  std::vector<size_t> sources;        // sources[n-1] = index in the passages of source [n]
  std::vector<std::string> source_texts;  // the text of each source as put in the prompt
  bool last_source_cut = false;       // the last source was shortened to fit
  int tokens = 0;                     // the messages' tokens (without the template overhead)
};

// The instruction given as the system message.
const std::string& grounded_system_instruction();

Result<BuiltPrompt> build_prompt(std::string_view question, std::span<const Passage> passages, const PromptBudget& budget);

// "[3] Employee Handbook — page 7 — Leave policy > 4.2 Carry-over" (the header of a source).
std::string source_header(int number, const Passage& passage);

}  // namespace pw::rag
