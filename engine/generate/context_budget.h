// What of a conversation goes into the prompt when it does not all fit the context: the
// context overflow policy of docs/context-policy.md, as one pure function the answer pipeline
// and the GUI share (so the GUI can say "2 older turns and 3 sources left out" before asking).
//
//   pw::generate::ContextRequest req;
//   req.context_length = session.n_ctx();           // what the model runs with
//   req.reserved_answer_tokens = 512;               // room kept for the answer
//   req.overhead_tokens = 40;                       // chat-template framing, BOS, ...
//   req.system_tokens = tok.count_tokens(system_prompt);
//   req.source_tokens = {310, 280, 295, 400};       // retrieved passages, best ranked first
//   req.history_tokens = {120, 95, 300};            // earlier turns (question + answer), oldest first
//   req.question_tokens = tok.count_tokens(question);
//   auto plan = pw::generate::fit_context(req);
//   if (!plan) show(plan.error().message());        // even system + question alone do not fit
//   plan->first_history_turn;                       // turns [first_history_turn, end) are kept
//   plan->source_keep_tokens[i];                    // tokens of source i to keep (0: left out)
//
// The policy (must not change without changing docs/context-policy.md and its tests):
// 1. budget = context_length - reserved_answer_tokens - overhead_tokens.
// 2. The system prompt and the question are never dropped or cut. If they alone exceed the
//    budget: ResourceLimit error saying how many tokens they need and how many fit.
// 3. Otherwise, while it does not fit, drop the oldest history turn (a turn goes whole).
// 4. With every turn gone, drop sources from the lowest ranked (the end of the list) upwards.
// 5. When only the best-ranked source is left and it still does not fit, it is cut to the
//    room left (its beginning kept) if at least min_source_tokens remain; else it goes too
//    and the question is answered without sources (the answer pipeline says so to the user).
// Token counts are the caller's (the same tokenizer as the prompt), the function only plans.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/util/status.h"

namespace pw::generate {

struct ContextRequest {
  int context_length = 0;          // the session's n_ctx
  int reserved_answer_tokens = 0;  // kept free for the answer
  int overhead_tokens = 0;         // template framing, BOS, separators: counted once
  int system_tokens = 0;
  std::vector<int> source_tokens;   // best ranked first
  std::vector<int> history_tokens;  // oldest turn first
  int question_tokens = 0;
  int min_source_tokens = 64;       // a source is not cut below this (rule 5)
};

struct ContextPlan {
  int budget = 0;                   // context_length - reserved - overhead
  int used_tokens = 0;              // system + kept sources + kept turns + question
  size_t first_history_turn = 0;    // == history_tokens.size() when every turn was dropped
  std::vector<int> source_keep_tokens;  // per source (same order): tokens kept, 0 = dropped
  bool cut_source = false;          // the best source was cut to source_keep_tokens[0] (rule 5)
  int dropped_turns() const { return static_cast<int>(first_history_turn); }
  int dropped_sources() const;      // sources with 0 tokens kept
};

// Errors: InvalidArgument for negative counts or a context not larger than the reservation;
// ResourceLimit when the system prompt and the question alone do not fit (rule 2).
Result<ContextPlan> fit_context(const ContextRequest& request);

}  // namespace pw::generate
