// pagewise-cli render-template: renders fixture templates exactly as the reference did, and
// reports a template's own error with a non-zero exit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

std::string templates(const std::string& name) { return pw::test::shared_path("fixtures/templates/" + name).string(); }

// The golden.json case for template/conversation/add_generation_prompt.
nlohmann::json golden_case(const std::string& template_name, const std::string& conversation, bool generation) {
  const auto doc = nlohmann::json::parse(pw::test::read_text(pw::test::shared_path("fixtures/templates/golden.json")));
  for (const auto& c : doc["cases"]) {
    if (c["template"] == template_name && c["conversation"] == conversation && c["add_generation_prompt"] == generation) {
      return c;
    }
  }
  ADD_FAILURE() << "no golden case " << template_name << " " << conversation;
  return {};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  pw::test::write_file(path, text.data(), text.size());
}

TEST(CliRenderTemplate, PrintsTheReferencePromptByteForByte) {
  pw::test::TempDir dir;
  const auto c = golden_case("Qwen-Qwen3-0.6B.jinja", "multi_turn", true);
  write_text(dir / "case.json", c.dump());  // a golden case object: its "messages" are used
  auto r = pw::test::run_cli({"render-template", "--template", templates("Qwen-Qwen3-0.6B.jinja"), "--messages",
                              (dir / "case.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, c["expected"].get<std::string>());
}

TEST(CliRenderTemplate, TokensAndGenerationPromptFlags) {
  pw::test::TempDir dir;
  const auto c = golden_case("microsoft-Phi-3.5-mini-instruct.jinja", "no_system_multi", false);
  write_text(dir / "messages.json", c["messages"].dump());  // a plain array of messages
  auto r = pw::test::run_cli({"render-template", "--template", templates("microsoft-Phi-3.5-mini-instruct.jinja"),
                              "--messages", (dir / "messages.json").string(), "--bos", c["bos_token"].get<std::string>(),
                              "--eos", c["eos_token"].get<std::string>(), "--no-generation-prompt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, c["expected"].get<std::string>());
  EXPECT_EQ(r.out.substr(r.out.size() - c["eos_token"].get<std::string>().size()), c["eos_token"].get<std::string>());
}

TEST(CliRenderTemplate, TheTemplatesOwnErrorExitsNonZero) {
  pw::test::TempDir dir;
  write_text(dir / "messages.json", R"([{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}])");
  auto r = pw::test::run_cli({"render-template", "--template", templates("google-gemma-2-2b-it.jinja"), "--messages",
                              (dir / "messages.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("System role not supported"), std::string::npos) << r.err;
}

TEST(CliRenderTemplate, SyntaxErrorsNameTheFileAndLine) {
  pw::test::TempDir dir;
  write_text(dir / "bad.jinja", "ok\n{% for m in messages %}{{ m.content }}");
  write_text(dir / "messages.json", R"([{"role": "user", "content": "Hi"}])");
  auto r = pw::test::run_cli({"render-template", "--template", (dir / "bad.jinja").string(), "--messages",
                              (dir / "messages.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.jinja"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
}

TEST(CliRenderTemplate, VarsReachTheTemplate) {
  pw::test::TempDir dir;
  write_text(dir / "t.jinja", "{{ greeting }}, {{ messages[0].content }}{% if enable_thinking is false %}!{% endif %}");
  write_text(dir / "messages.json", R"([{"role": "user", "content": "world"}])");
  auto r = pw::test::run_cli({"render-template", "--template", (dir / "t.jinja").string(), "--messages",
                              (dir / "messages.json").string(), "--vars",
                              R"({"greeting": "Hello", "enable_thinking": false})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello, world!");
}

TEST(CliRenderTemplate, BadInputIsReportedPlainly) {
  pw::test::TempDir dir;
  write_text(dir / "t.jinja", "{{ 1 }}");
  write_text(dir / "not-json.json", "[{");
  write_text(dir / "tool.json", R"([{"role": "assistant", "content": "", "tool_calls": []}])");
  const std::string tmpl = (dir / "t.jinja").string();

  auto missing = pw::test::run_cli({"render-template", "--template", tmpl});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--messages"), std::string::npos) << missing.err;

  auto not_json = pw::test::run_cli({"render-template", "--template", tmpl, "--messages", (dir / "not-json.json").string()});
  EXPECT_EQ(not_json.exit_code, 1);
  EXPECT_NE(not_json.err.find("not valid JSON"), std::string::npos) << not_json.err;

  auto unsupported = pw::test::run_cli({"render-template", "--template", tmpl, "--messages", (dir / "tool.json").string()});
  EXPECT_EQ(unsupported.exit_code, 1);
  EXPECT_NE(unsupported.err.find("tool_calls"), std::string::npos) << unsupported.err;

  auto no_file = pw::test::run_cli({"render-template", "--template", (dir / "absent.jinja").string(), "--messages",
                                    (dir / "tool.json").string()});
  EXPECT_EQ(no_file.exit_code, 1);
  EXPECT_NE(no_file.err.find("absent.jinja"), std::string::npos) << no_file.err;
}

}  // namespace
