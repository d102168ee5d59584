// format_chat: the model's template when it has one, ChatML when it has none, and the system
// message folded into the first user turn when the template refuses a system role.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/chat/chat_format.h"
#include "engine/chat/chat_template.h"
#include "support/test_support.h"

namespace {

using pw::chat::ChatMessage;
using pw::chat::format_chat;
using pw::chat::RenderOptions;

std::string fixture(const std::string& name) {
  return pw::test::read_text(pw::test::shared_path("fixtures/templates/" + name));
}

RenderOptions options(bool add_generation_prompt = true) {
  RenderOptions o;
  o.bos_token = "<bos>";
  o.eos_token = "<eos>";
  o.add_generation_prompt = add_generation_prompt;
  return o;
}

const std::vector<ChatMessage> kRag = {
    {"system", "Answer from the sources. Cite [1]."},
    {"user", "How many leave days carry over?"},
};

TEST(ChatFormat, ModelsWithoutATemplateGetChatMl) {
  auto prompt = format_chat("", kRag, options());
  ASSERT_TRUE(prompt.ok()) << prompt.error().describe();
  EXPECT_EQ(*prompt,
            "<|im_start|>system\nAnswer from the sources. Cite [1].<|im_end|>\n"
            "<|im_start|>user\nHow many leave days carry over?<|im_end|>\n"
            "<|im_start|>assistant\n");
  auto blank = format_chat(" \n\t", kRag, options(false));
  ASSERT_TRUE(blank.ok());
  EXPECT_EQ(*blank,
            "<|im_start|>system\nAnswer from the sources. Cite [1].<|im_end|>\n"
            "<|im_start|>user\nHow many leave days carry over?<|im_end|>\n");
}

TEST(ChatFormat, GemmaRejectsTheSystemRoleSoItIsFoldedIntoTheFirstUserTurn) {
  const std::string gemma = fixture("google-gemma-2-2b-it.jinja");
  auto direct = pw::chat::ChatTemplate::parse(gemma)->render(kRag, options());
  ASSERT_FALSE(direct.ok());
  EXPECT_TRUE(pw::chat::is_template_rejection(direct.error()));

  auto prompt = format_chat(gemma, kRag, options());
  ASSERT_TRUE(prompt.ok()) << prompt.error().describe();
  EXPECT_EQ(*prompt,
            "<bos><start_of_turn>user\nAnswer from the sources. Cite [1].\n\nHow many leave days carry over?"
            "<end_of_turn>\n<start_of_turn>model\n");
}

TEST(ChatFormat, TemplatesThatAcceptSystemMessagesAreLeftAlone) {
  for (const char* name : {"Qwen-Qwen2.5-7B-Instruct.jinja", "meta-llama-Llama-3.2-3B-Instruct.jinja",
                           "mistralai-Mistral-Nemo-Instruct-2407.jinja"}) {
    const std::string source = fixture(name);
    auto formatted = format_chat(source, kRag, options());
    auto rendered = pw::chat::ChatTemplate::parse(source)->render(kRag, options());
    ASSERT_TRUE(formatted.ok() && rendered.ok()) << name;
    EXPECT_EQ(*formatted, *rendered) << name;
    EXPECT_NE(formatted->find("Answer from the sources. Cite [1]."), std::string::npos) << name;
  }
}

TEST(ChatFormat, RejectionsNotAboutTheSystemMessageStayErrors) {
  // Gemma also insists on user/assistant alternation; folding cannot fix that.
  const std::vector<ChatMessage> two_users = {{"system", "S"}, {"user", "a"}, {"user", "b"}};
  auto prompt = format_chat(fixture("google-gemma-2-2b-it.jinja"), two_users, options());
  ASSERT_FALSE(prompt.ok());
  EXPECT_NE(prompt.error().message().find("Conversation roles must alternate"), std::string::npos)
      << prompt.error().message();
  EXPECT_NE(prompt.error().message().find("after folding the system message"), std::string::npos);

  const std::vector<ChatMessage> no_system = {{"user", "a"}, {"user", "b"}};
  auto plain = format_chat(fixture("google-gemma-2-2b-it.jinja"), no_system, options());
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().message(), "Conversation roles must alternate user/assistant/user/assistant/...");
}

TEST(ChatFormat, BrokenTemplatesAreReportedNotReplaced) {
  auto prompt = format_chat("{% if %}", kRag, options());
  ASSERT_FALSE(prompt.ok());
  EXPECT_EQ(prompt.error().code(), pw::ErrorCode::Corrupt);
}

TEST(ChatFormat, FoldingJoinsLeadingSystemMessagesWithBlankLines) {
  using pw::chat::fold_system_into_first_user;
  EXPECT_FALSE(fold_system_into_first_user({{"user", "u"}}).has_value());

  auto folded = fold_system_into_first_user({{"system", "A"}, {"system", "B"}, {"assistant", "x"}, {"user", "u"}});
  ASSERT_TRUE(folded.has_value());
  ASSERT_EQ(folded->size(), 2u);
  EXPECT_EQ((*folded)[0].role, "assistant");
  EXPECT_EQ((*folded)[1].role, "user");
  EXPECT_EQ((*folded)[1].content, "A\n\nB\n\nu");

  auto alone = fold_system_into_first_user({{"system", "only"}});
  ASSERT_TRUE(alone.has_value());
  ASSERT_EQ(alone->size(), 1u);
  EXPECT_EQ((*alone)[0].role, "user");
  EXPECT_EQ((*alone)[0].content, "only");
}

TEST(ChatFormat, ExtraVariablesReachTheTemplate) {
  const std::vector<ChatMessage> chat = {{"user", "Hi"}};
  RenderOptions o = options();
  o.extra_variables_json = R"({"enable_thinking": false})";
  auto prompt = format_chat(fixture("Qwen-Qwen3-0.6B.jinja"), chat, o);
  ASSERT_TRUE(prompt.ok()) << prompt.error().describe();
  EXPECT_EQ(*prompt, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
}

}  // namespace
