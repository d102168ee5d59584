// The grounded prompt: instruction, numbered sources packed into the token budget, question.
#include <gtest/gtest.h>

#include "rag/answer/prompt_builder.h"

namespace {

using pw::rag::build_prompt;
using pw::rag::Passage;
using pw::rag::PromptBudget;

// One token per space-separated word: budgets in the test are easy to reason about.
int count_words(std::string_view s) {
  int n = 0;
  bool in = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

Passage passage(const std::string& title, int page, const std::string& heading, int sentences) {
  Passage p;
  p.document_title = title;
  p.document_path = "/docs/" + title + ".pdf";
  p.page_start = p.page_end = page;
  p.heading_path = heading;
  for (int i = 0; i < sentences; ++i) p.text += "Sentence " + std::to_string(i) + " of " + title + " has seven words. ";
  return p;
}

TEST(AnswerPrompt, InstructionSourcesThenQuestion) {
  std::vector<Passage> ps = {passage("Handbook", 7, "Leave > 4.2 Carry-over", 2), passage("Policy", 3, "", 1)};
  ps[1].context_before = "Before text.";
  PromptBudget budget;
  budget.count_tokens = count_words;
  auto p = build_prompt("How many days carry over?", ps, budget);
  ASSERT_TRUE(p.ok()) << p.error().describe();
  ASSERT_EQ(p->messages.size(), 2u);
  EXPECT_EQ(p->messages[0].role, "system");
  EXPECT_NE(p->messages[0].content.find("only the numbered sources"), std::string::npos);
  EXPECT_NE(p->messages[0].content.find("[1]"), std::string::npos);
  EXPECT_NE(p->messages[0].content.find("do not contain"), std::string::npos);
  const std::string& user = p->messages[1].content;
  EXPECT_EQ(p->messages[1].role, "user");
  size_t s1 = user.find("[1] Handbook \xE2\x80\x94 page 7 \xE2\x80\x94 Leave > 4.2 Carry-over\nSentence 0 of Handbook");
  size_t s2 = user.find("[2] Policy \xE2\x80\x94 page 3\nBefore text.\nSentence 0 of Policy");
  size_t q = user.find("Question: How many days carry over?");
  ASSERT_NE(s1, std::string::npos) << user;
  ASSERT_NE(s2, std::string::npos) << user;
  ASSERT_NE(q, std::string::npos);
  EXPECT_LT(s1, s2);
  EXPECT_LT(s2, q);
  EXPECT_EQ(q + std::string("Question: How many days carry over?").size(), user.size());  // question last
  EXPECT_EQ(p->sources, (std::vector<size_t>{0, 1}));
  EXPECT_FALSE(p->last_source_cut);
  EXPECT_EQ(p->tokens, count_words(p->messages[0].content) + count_words(user));
}

TEST(AnswerPrompt, PacksIntoTheBudgetAndCutsTheLastSourceAtASentence) {
  std::vector<Passage> ps;
  for (int i = 0; i < 6; ++i) ps.push_back(passage("Doc" + std::to_string(i), i + 1, "", 10));  // ~80 words each
  PromptBudget budget;
  budget.count_tokens = count_words;
  budget.answer_tokens = 100;
  budget.template_overhead_tokens = 20;
  const int instruction = count_words(pw::rag::grounded_system_instruction());
  // Each source is a 5-word header plus 10 sentences of 7 words (+2 for the blank line): 77.
  // Room for two whole sources and 60 tokens of a third; "Sources:" and "Question: Which?"
  // take 3.
  budget.context_tokens = instruction + 3 + 100 + 20 + 2 * 77 + 60;
  auto p = build_prompt("Which?", ps, budget);
  ASSERT_TRUE(p.ok()) << p.error().describe();
  EXPECT_EQ(p->sources, (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(p->last_source_cut);
  EXPECT_LE(p->tokens + budget.answer_tokens + budget.template_overhead_tokens, budget.context_tokens);
  // The cut source ends at a sentence end.
  const std::string& cut = p->source_texts.back();
  EXPECT_EQ(cut.back(), '.');
  EXPECT_LT(cut.size(), ps[2].text.size());
  EXPECT_EQ(p->messages[1].content.find("Doc3"), std::string::npos);
}

TEST(AnswerPrompt, TooSmallAContextIsAnErrorNotASilentEmptyPrompt) {
  std::vector<Passage> ps = {passage("Doc", 1, "", 5)};
  PromptBudget budget;
  budget.count_tokens = count_words;
  budget.context_tokens = 200;
  budget.answer_tokens = 180;
  auto p = build_prompt("Which?", ps, budget);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), pw::ErrorCode::ResourceLimit);
}

TEST(AnswerPrompt, WithoutACounterTheEstimateIsUsed) {
  std::vector<Passage> ps = {passage("Doc", 1, "", 3)};
  auto p = build_prompt("Which?", ps, PromptBudget{});
  ASSERT_TRUE(p.ok());
  EXPECT_GT(p->tokens, 50);
  EXPECT_EQ(p->sources.size(), 1u);
}

}  // namespace
