// Follow-up questions made standalone from the conversation before retrieval.
#include <gtest/gtest.h>

#include "rag/answer/answer_pipeline.h"
#include "rag/answer/follow_up.h"
#include "retrieval_test_library.h"

namespace {

using pw::rag::ChatMessage;
using pw::rag::is_follow_up;
using pw::rag::standalone_question;

TEST(AnswerFollowUp, RecognisesQuestionsThatDependOnEarlierTurns) {
  EXPECT_TRUE(is_follow_up("And for children?"));
  EXPECT_TRUE(is_follow_up("What about the weekend?"));
  EXPECT_TRUE(is_follow_up("How long does it last?"));
  EXPECT_TRUE(is_follow_up("Can those days be paid out instead?"));
  EXPECT_TRUE(is_follow_up("Why?"));
  EXPECT_FALSE(is_follow_up("What is the maximum daily dose of paracetamol for adults?"));
  EXPECT_FALSE(is_follow_up("How many days of annual leave can be carried over?"));
  EXPECT_FALSE(is_follow_up(""));
}

TEST(AnswerFollowUp, AppendsTheLatestUserQuestionMadeStandalone) {
  std::vector<ChatMessage> history = {
      {"user", "What is the maximum daily dose of paracetamol for adults?"},
      {"assistant", "4 g in 24 hours [1]. Ibuprofen is different [2]."},
      {"user", "And for children?"},
      {"assistant", "15 mg/kg [1]."}};
  EXPECT_EQ(standalone_question("Is ibuprofen safe during pregnancy?", history), "Is ibuprofen safe during pregnancy?");
  EXPECT_EQ(standalone_question("What about infants?", history),
            "What about infants? (follow-up to: And for children? (follow-up to: What is the maximum daily dose "
            "of paracetamol for adults?))");
  // Nothing to refer to: unchanged.
  EXPECT_EQ(standalone_question("And for children?", {}), "And for children?");
  // Assistant turns alone give no topic.
  std::vector<ChatMessage> only_answers = {{"assistant", "Paracetamol doses are on page 3."}};
  EXPECT_EQ(standalone_question("And for children?", only_answers), "And for children?");
}

TEST(AnswerFollowUp, LongConversationsStayBounded) {
  std::vector<ChatMessage> history;
  history.push_back({"user", "What is the maximum daily dose of paracetamol for adults?"});
  for (int i = 0; i < 200; ++i) history.push_back({"user", "And then?"});
  std::string q = standalone_question("And after that?", history);
  EXPECT_LT(q.size(), 700u);
}

TEST(AnswerFollowUp, TheFollowUpFindsWhatTheQuestionAloneWouldNot) {
  pw::rag::testing::TestLibrary lib;
  int64_t c = lib.collection("Guides");
  lib.add_pages(c, "/g/adults.txt", "Analgesia in adults",
                {"Paracetamol\nThe maximum daily dose of paracetamol for adults is 4 g."});
  lib.add_pages(c, "/g/children.txt", "Analgesia in children",
                {"Paracetamol in children\nFor children the paracetamol dose is 15 mg/kg every 6 hours."});
  lib.add_pages(c, "/g/fluids.txt", "Fluids", {"Fluids for children\nChildren with dehydration need oral rehydration solution."});
  pw::rag::Retriever retriever(lib.store());
  pw::rag::AnswerPipeline pipeline(lib.store(), retriever);
  pw::rag::AnswerOptions options;
  options.history = {{"user", "What is the maximum daily dose of paracetamol?"}};
  auto a = pipeline.answer("And for children?", options);
  ASSERT_TRUE(a.ok()) << a.error().describe();
  EXPECT_EQ(a->question, "And for children?");
  EXPECT_NE(a->standalone_question.find("paracetamol"), std::string::npos);
  ASSERT_FALSE(a->sources.empty());
  EXPECT_EQ(a->sources[0].document_path, "/g/children.txt") << a->sources[0].text;
}

}  // namespace
