// Shared by the chat-template unit tests: render a template against one fixed conversation.
//
//   EXPECT_EQ(render("{{ messages[0].role }}"), "system");
//   EXPECT_EQ(render("{{ x }}", R"({"x": 1})"), "1");
//   EXPECT_TRUE(render("{{ 1 / 0 }}").starts_with("ERROR"));
//
// The conversation (system, user, assistant with a <think> block, user with non-ASCII text),
// bos "<s>", eos "</s>" and add_generation_prompt=true are what the expectations in
// chat_template_*_test.cpp were computed with, using Jinja2 3.1 configured as Hugging Face
// transformers does (sandbox, trim_blocks, lstrip_blocks, loopcontrols, json.dumps tojson).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_template.h"

namespace pw::chat::testing {

inline const std::vector<ChatMessage>& test_conversation() {
  static const std::vector<ChatMessage> messages = {
      {"system", "Sys  "},
      {"user", "Hi  there\n"},
      {"assistant", "<think>\nr\n</think>\n\nAns"},
      {"user", "naïve 東京 😀"},
  };
  return messages;
}

// The rendered text, or "ERROR: <describe()>" when parsing or rendering fails.
inline std::string render(std::string_view source, const std::string& vars_json = "",
                          const TemplateLimits& limits = {}) {
  auto parsed = ChatTemplate::parse(source, limits);
  if (!parsed) return "ERROR: " + parsed.error().describe();
  RenderOptions options;
  options.bos_token = "<s>";
  options.eos_token = "</s>";
  options.extra_variables_json = vars_json;
  options.limits = limits;
  auto rendered = parsed->render(test_conversation(), options);
  if (!rendered) return "ERROR: " + rendered.error().describe();
  return *rendered;
}

}  // namespace pw::chat::testing
