// Every case of ../shared/fixtures/templates/golden.json as its own test: the rendered prompt
// must equal the reference byte for byte, and error cases must fail the way the template says.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chat/chat_format.h"
#include "engine/chat/chat_template.h"
#include "support/test_support.h"

namespace {

struct GoldenCase {
  std::string name;  // test name: template_conversation_gen / _nogen
  std::string template_file;
  std::vector<pw::chat::ChatMessage> messages;
  bool add_generation_prompt = true;
  std::string bos, eos;
  bool expects_error = false;
  std::string expected;  // the prompt, or the reference's error text
};

// Shown by gtest instead of the raw bytes of the struct.
void PrintTo(const GoldenCase& g, std::ostream* os) { *os << g.name; }

std::string test_name(const std::string& raw) {
  std::string out;
  for (char c : raw) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::filesystem::path templates_dir() { return std::filesystem::path(PAGEWISE_SHARED_DIR) / "fixtures/templates"; }

// Read while tests are registered, so no ADD_FAILURE here: a missing or broken golden file
// becomes one case that fails loudly instead.
std::vector<GoldenCase> load_cases() {
  std::ifstream in(templates_dir() / "golden.json", std::ios::binary);
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (!in || doc.is_discarded() || !doc.contains("cases"))
    return {GoldenCase{"golden_json_missing_or_invalid", "", {}, true, "", "", false, ""}};
  std::vector<GoldenCase> cases;
  for (const auto& c : doc["cases"]) {
    GoldenCase g;
    g.template_file = c.at("template").get<std::string>();
    g.add_generation_prompt = c.at("add_generation_prompt").get<bool>();
    g.name = test_name(g.template_file.substr(0, g.template_file.size() - 6) + "_" +
                       c.at("conversation").get<std::string>() + (g.add_generation_prompt ? "_gen" : "_nogen"));
    for (const auto& m : c.at("messages"))
      g.messages.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
    g.bos = c.at("bos_token").get<std::string>();
    g.eos = c.at("eos_token").get<std::string>();
    if (c.contains("error") && c["error"].is_string()) {
      g.expects_error = true;
      g.expected = c["error"].get<std::string>();
    } else {
      g.expected = c.at("expected").get<std::string>();
    }
    cases.push_back(std::move(g));
  }
  return cases;
}

class ChatTemplateGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ChatTemplateGolden, RendersLikeTheReference) {
  const GoldenCase& g = GetParam();
  ASSERT_FALSE(g.template_file.empty()) << "golden.json is missing or invalid in " << templates_dir();
  const std::string source = pw::test::read_text(pw::test::shared_path("fixtures/templates/" + g.template_file));
  auto parsed = pw::chat::ChatTemplate::parse(source);
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  pw::chat::RenderOptions options;
  options.bos_token = g.bos;
  options.eos_token = g.eos;
  options.add_generation_prompt = g.add_generation_prompt;
  auto rendered = parsed->render(g.messages, options);
  if (g.expects_error) {
    ASSERT_FALSE(rendered.ok()) << "expected the template to raise, got:\n" << *rendered;
    EXPECT_TRUE(pw::chat::is_template_rejection(rendered.error())) << rendered.error().describe();
    EXPECT_EQ("TemplateError: " + rendered.error().message(), g.expected);
  } else {
    ASSERT_TRUE(rendered.ok()) << rendered.error().describe();
    EXPECT_EQ(*rendered, g.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ChatTemplateGolden, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) { return info.param.name; });

// The error cases are templates rejecting a system message; format_chat must then fold the
// system text into the first user turn, which renders like the same conversation written
// that way by hand.
TEST(ChatTemplateGoldenFolding, RejectedSystemMessagesAreFoldedIntoTheFirstUserTurn) {
  int folded_cases = 0;
  for (const GoldenCase& g : load_cases()) {
    if (!g.expects_error) continue;
    const std::string source = pw::test::read_text(pw::test::shared_path("fixtures/templates/" + g.template_file));
    pw::chat::RenderOptions options;
    options.bos_token = g.bos;
    options.eos_token = g.eos;
    options.add_generation_prompt = g.add_generation_prompt;
    auto formatted = pw::chat::format_chat(source, g.messages, options);
    ASSERT_TRUE(formatted.ok()) << g.name << ": " << formatted.error().describe();

    std::vector<pw::chat::ChatMessage> by_hand(g.messages.begin() + 1, g.messages.end());
    by_hand[0].content = g.messages[0].content + "\n\n" + by_hand[0].content;
    auto parsed = pw::chat::ChatTemplate::parse(source);
    ASSERT_TRUE(parsed.ok());
    auto expected = parsed->render(by_hand, options);
    ASSERT_TRUE(expected.ok()) << expected.error().describe();
    EXPECT_EQ(*formatted, *expected) << g.name;
    EXPECT_NE(formatted->find(g.messages[0].content + "\n\n"), std::string::npos) << g.name;
    ++folded_cases;
  }
  EXPECT_GE(folded_cases, 1) << "golden.json has no error case to fold";
}

}  // namespace
