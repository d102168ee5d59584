// The context overflow policy (docs/context-policy.md): oldest turns go first, then sources
// from the lowest ranked, the best source is cut last; system and question are never touched.
#include "engine/generate/context_budget.h"

#include <gtest/gtest.h>

namespace pw::generate {
namespace {

ContextRequest request() {
  ContextRequest r;
  r.context_length = 1000;
  r.reserved_answer_tokens = 200;
  r.overhead_tokens = 50;   // budget 750
  r.system_tokens = 100;
  r.question_tokens = 50;   // 600 left for sources and history
  r.source_tokens = {200, 150, 100};
  r.history_tokens = {80, 60};
  return r;
}

TEST(ContextBudget, EverythingThatFitsIsKept) {
  auto plan = fit_context(request());  // 100 + 50 + 450 + 140 = 740 <= 750
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->budget, 750);
  EXPECT_EQ(plan->used_tokens, 740);
  EXPECT_EQ(plan->first_history_turn, 0u);
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{200, 150, 100}));
  EXPECT_EQ(plan->dropped_turns(), 0);
  EXPECT_EQ(plan->dropped_sources(), 0);
  EXPECT_FALSE(plan->cut_source);
}

TEST(ContextBudget, OldestTurnsGoFirst) {
  auto r = request();
  r.context_length = 950;  // budget 700: dropping the 80-token oldest turn is enough
  auto plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->first_history_turn, 1u);
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{200, 150, 100}));
  EXPECT_EQ(plan->used_tokens, 660);
  r.context_length = 900;  // budget 650: both turns go, sources untouched (600)
  plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->dropped_turns(), 2);
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{200, 150, 100}));
}

TEST(ContextBudget, ThenSourcesFromTheLowestRanked) {
  auto r = request();
  r.context_length = 760;  // budget 510: 150 fixed + 360 -> sources 0 and 1 (350) fit
  auto plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->dropped_turns(), 2);
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{200, 150, 0}));
  EXPECT_EQ(plan->dropped_sources(), 1);
  EXPECT_EQ(plan->used_tokens, 500);
  // The best-ranked source is dropped only after every lower one, even if a lower one is small.
  r.source_tokens = {300, 20, 20};
  r.context_length = 700;  // budget 450: 150 + 300 fits exactly once both small ones are gone
  plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{300, 0, 0}));
  EXPECT_EQ(plan->used_tokens, 450);
}

TEST(ContextBudget, TheBestSourceIsCutLastOrDroppedWhenTooLittleRoomIsLeft) {
  auto r = request();
  r.context_length = 600;  // budget 350: 200 left, the best source (200)... fits exactly
  auto plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{200, 0, 0}));
  EXPECT_FALSE(plan->cut_source);
  r.context_length = 500;  // budget 250: 100 left -> the best source cut to 100
  plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->cut_source);
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{100, 0, 0}));
  EXPECT_EQ(plan->used_tokens, 250);
  r.context_length = 450;  // budget 200: 50 left < min_source_tokens 64 -> no sources at all
  plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->cut_source);
  EXPECT_EQ(plan->dropped_sources(), 3);
  EXPECT_EQ(plan->used_tokens, 150);
}

TEST(ContextBudget, SystemAndQuestionAloneTooLongIsAClearError) {
  auto r = request();
  r.question_tokens = 700;  // 800 > budget 750
  auto plan = fit_context(r);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code(), ErrorCode::ResourceLimit);
  EXPECT_EQ(plan.error().message(),
            "the instructions and the question need 800 tokens but only 750 fit (context length 1000, 200 reserved "
            "for the answer, 50 for the prompt format): shorten the question or use a larger context");
  r = request();
  r.reserved_answer_tokens = 2000;  // reservation beyond the context: nothing fits
  plan = fit_context(r);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code(), ErrorCode::ResourceLimit);
  EXPECT_NE(plan.error().message().find("but only 0 fit"), std::string::npos);
}

TEST(ContextBudget, BadCountsAreRejectedAndHugeOnesDoNotOverflow) {
  auto r = request();
  r.source_tokens[1] = -5;
  EXPECT_EQ(fit_context(r).error().code(), ErrorCode::InvalidArgument);
  r = request();
  r.context_length = 0;
  EXPECT_EQ(fit_context(r).error().code(), ErrorCode::InvalidArgument);
  r = request();
  r.source_tokens = {INT32_MAX, INT32_MAX, INT32_MAX};
  r.history_tokens = {INT32_MAX};
  auto plan = fit_context(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->dropped_turns(), 1);
  EXPECT_TRUE(plan->cut_source);
  EXPECT_EQ(plan->source_keep_tokens, (std::vector<int>{600, 0, 0}));
  EXPECT_EQ(plan->used_tokens, 750);
}

}  // namespace
}  // namespace pw::generate
