#include "engine/generate/context_budget.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace pw::generate {

int ContextPlan::dropped_sources() const {
  return static_cast<int>(std::count(source_keep_tokens.begin(), source_keep_tokens.end(), 0));
}

Result<ContextPlan> fit_context(const ContextRequest& r) {
  auto negative = [](int v) { return v < 0; };
  if (r.context_length <= 0 || negative(r.reserved_answer_tokens) || negative(r.overhead_tokens) ||
      negative(r.system_tokens) || negative(r.question_tokens) || negative(r.min_source_tokens) ||
      std::any_of(r.source_tokens.begin(), r.source_tokens.end(), negative) ||
      std::any_of(r.history_tokens.begin(), r.history_tokens.end(), negative))
    return Error(ErrorCode::InvalidArgument, "context", "token counts must not be negative and the context must be positive");
  // 64-bit sums: hostile or huge counts must not overflow into "fits".
  const int64_t budget = int64_t{r.context_length} - r.reserved_answer_tokens - r.overhead_tokens;
  const int64_t fixed = int64_t{r.system_tokens} + r.question_tokens;
  if (fixed > budget) {
    const int64_t room = std::max<int64_t>(0, budget);
    return Error(ErrorCode::ResourceLimit, "context",
                 "the instructions and the question need " + std::to_string(fixed) + " tokens but only " +
                     std::to_string(room) + " fit (context length " + std::to_string(r.context_length) + ", " +
                     std::to_string(r.reserved_answer_tokens) + " reserved for the answer" +
                     (r.overhead_tokens ? ", " + std::to_string(r.overhead_tokens) + " for the prompt format" : "") +
                     "): shorten the question or use a larger context");
  }

  ContextPlan plan;
  plan.budget = static_cast<int>(budget);
  plan.source_keep_tokens.assign(r.source_tokens.begin(), r.source_tokens.end());
  int64_t sources = std::accumulate(r.source_tokens.begin(), r.source_tokens.end(), int64_t{0});
  int64_t history = std::accumulate(r.history_tokens.begin(), r.history_tokens.end(), int64_t{0});
  auto used = [&] { return fixed + sources + history; };

  // Rule 3: oldest turns first.
  while (used() > budget && plan.first_history_turn < r.history_tokens.size())
    history -= r.history_tokens[plan.first_history_turn++];
  // Rule 4: sources from the lowest ranked, down to the best one.
  for (size_t i = plan.source_keep_tokens.size(); used() > budget && i > 1; --i) {
    sources -= plan.source_keep_tokens[i - 1];
    plan.source_keep_tokens[i - 1] = 0;
  }
  // Rule 5: the best source is cut to the room left, or dropped.
  if (used() > budget && !plan.source_keep_tokens.empty()) {
    const int64_t room = budget - fixed - history;  // history is empty here
    sources -= plan.source_keep_tokens[0];
    if (room >= r.min_source_tokens && room > 0) {
      plan.source_keep_tokens[0] = static_cast<int>(room);
      plan.cut_source = true;
      sources += room;
    } else {
      plan.source_keep_tokens[0] = 0;
    }
  }
  plan.used_tokens = static_cast<int>(used());
  return plan;
}

}  // namespace pw::generate
