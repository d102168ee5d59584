// pagewise-cli generate on the real stories260K model: the greedy continuation is the golden
// text byte for byte, stop strings cut it, speeds go to stderr, bad input is a one-line error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using pw::test::contains;

std::string stories_model() { return pw::test::shared_path("fixtures/models/stories260K.gguf").string(); }

std::string golden_text(int prompt) {
  const auto json = nlohmann::json::parse(pw::test::read_text(pw::test::shared_path("fixtures/models/stories260K.golden.json")));
  return json.at("prompts").at(prompt).at("greedy_64_text").get<std::string>();
}

TEST(CliGenerate, GreedyMatchesTheGoldenText) {
  auto r = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "Once upon a time", "-n", "64", "--temp", "0", "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, golden_text(0));
  EXPECT_TRUE(contains(r.err, "prompt: 5 tokens in ")) << r.err;
  EXPECT_TRUE(contains(r.err, "generation: 64 tokens in ")) << r.err;
  EXPECT_TRUE(contains(r.err, "tokens/s")) << r.err;
  EXPECT_TRUE(contains(r.err, "stopped: token limit")) << r.err;

  r = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "One day, a little bird", "-n", "64", "--temp", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, golden_text(2));
}

TEST(CliGenerate, StopStringsEndTheTextBeforeThem) {
  auto r = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "Once upon a time", "-n", "64", "--temp", "0",
                              "--stop", "xyz", "--stop", "play outside"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ", there was a little girl named Lily. She loved to ");
  EXPECT_TRUE(contains(r.err, "stopped: stop string")) << r.err;
}

TEST(CliGenerate, SeededSamplingIsReproducibleAndChatModeRuns) {
  const std::vector<std::string> args = {"generate", "-m", stories_model(), "-p", "Once upon a time", "-n", "40", "--temp", "0.9",
                                         "--top-k", "20", "--top-p", "0.9", "--min-p", "0.02", "--repeat-penalty", "1.1",
                                         "--seed", "42", "-t", "1"};
  auto a = pw::test::run_cli(args);
  auto b = pw::test::run_cli(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_FALSE(a.out.empty());
  EXPECT_NE(a.out, golden_text(0).substr(0, a.out.size()));  // sampled, not greedy

  // stories260K has no chat template: ChatML is used; the run must simply work.
  auto c = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "Hello", "--chat", "--system", "Be kind.", "-n", "8",
                              "--temp", "0", "-c", "256"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(contains(c.err, "generation: ")) << c.err;
}

TEST(CliGenerate, BadInputIsAOneLineError) {
  auto r = pw::test::run_cli({"generate", "-m", stories_model()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "-m MODEL and -p PROMPT are required")) << r.err;
  r = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "x", "--system", "s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--system needs --chat")) << r.err;
  r = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "x", "--temp", "hot"});
  EXPECT_EQ(r.exit_code, 2);
  // A prompt longer than the context: a clear error, nothing generated.
  r = pw::test::run_cli({"generate", "-m", stories_model(), "-p", "Once upon a time", "-c", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "the prompt has 5 tokens but the context has room for 3")) << r.err;
  r = pw::test::run_cli({"generate", "-m", "/nonexistent/model.gguf", "-p", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "/nonexistent/model.gguf")) << r.err;
}

}  // namespace
