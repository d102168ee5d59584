// `pagewise-cli ask`: extractive answers with sources, the JSON shape, not-found, generation
// with a real (tiny) model and its JSON events, follow-ups, and clear errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rag/retrieval_test_library.h"
#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using nlohmann::json;

class AskCli : public ::testing::Test {
 protected:
  void SetUp() override {
    int64_t hr = lib_.collection("HR");
    lib_.add_pages(hr, "/hr/leave.txt", "Leave policy",
                   {"1. Annual leave\nEmployees receive twenty days of annual leave each year.",
                    "2. Carry-over\nUp to 5 days of unused annual leave may be carried over into the next year. Days "
                    "carried over must be used by March 31."});
  }
  pw::rag::testing::TestLibrary lib_;
};

TEST_F(AskCli, JsonHasTheDocumentedShape) {
  auto r = pw::test::run_cli({"ask", "How many days of unused annual leave can be carried over?", "--db",
                              lib_.path().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["mode"], "extractive");
  EXPECT_TRUE(j["answer"].is_string());
  EXPECT_NE(j["answer"].get<std::string>().find("Up to 5 days"), std::string::npos) << j["answer"];
  EXPECT_TRUE(j["model"].is_null());
  EXPECT_TRUE(j["quantization"].is_null());
  ASSERT_TRUE(j["timings"].is_object());
  EXPECT_TRUE(j["timings"]["total_ms"].is_number());
  ASSERT_TRUE(j["sentences"].is_array());
  ASSERT_FALSE(j["sentences"].empty());
  for (const auto& s : j["sentences"]) {
    EXPECT_TRUE(s["text"].is_string());
    EXPECT_TRUE(s["citations"].is_array());
    EXPECT_TRUE(s["supported"].is_boolean());
  }
  EXPECT_EQ(j["sentences"][0]["citations"], json::array({1}));
  ASSERT_TRUE(j["sources"].is_array());
  ASSERT_FALSE(j["sources"].empty());
  const auto& s = j["sources"][0];
  EXPECT_EQ(s["n"], 1);
  EXPECT_EQ(s["document"], "/hr/leave.txt");
  EXPECT_EQ(s["title"], "Leave policy");
  EXPECT_EQ(s["page"], 2);
  EXPECT_EQ(s["heading"], "2. Carry-over");
  EXPECT_TRUE(s["snippet"].is_string());
  ASSERT_TRUE(s["char_start"].is_number_integer());
  ASSERT_TRUE(s["char_end"].is_number_integer());
  // The highlight range is the snippet's place in the stored page text.
  auto page = lib_.store().page_text(1, 2);
  ASSERT_TRUE(page.ok());
  size_t b = s["char_start"], e = s["char_end"];
  ASSERT_LE(e, page->text.size());
  EXPECT_EQ(page->text.substr(b, e - b).substr(0, 12), s["snippet"].get<std::string>().substr(0, 12));
}

TEST_F(AskCli, HumanOutputStreamsTheAnswerThenTheSources) {
  auto r = pw::test::run_cli({"ask", "How many days of unused annual leave can be carried over?", "--db", lib_.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t answer = r.out.find("Up to 5 days");
  size_t sources = r.out.find("Sources:\n[1] Leave policy, p. 2 (2. Carry-over) \xE2\x80\x94 \"");
  ASSERT_NE(answer, std::string::npos) << r.out;
  ASSERT_NE(sources, std::string::npos) << r.out;
  EXPECT_LT(answer, sources);
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos);  // no terminal colours when piped
}

TEST_F(AskCli, NotFound) {
  auto r = pw::test::run_cli({"ask", "What is the melting point of tungsten?", "--db", lib_.path().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["mode"], "not_found");
  EXPECT_EQ(j["answer"], "I could not find this in your documents.");
  auto human = pw::test::run_cli({"ask", "What is the melting point of tungsten?", "--db", lib_.path().string()});
  EXPECT_NE(human.out.find("I could not find this in your documents."), std::string::npos);
}

TEST_F(AskCli, BadModelsAreClearErrors) {
  auto m = pw::test::run_cli({"ask", "leave?", "--db", lib_.path().string(), "-m", "/nonexistent/qwen.gguf"});
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.err.find("qwen.gguf"), std::string::npos) << m.err;
  EXPECT_TRUE(m.out.empty());
  // An embedding model that cannot be loaded is named (semantic search itself: embed_cli_test).
  auto e = pw::test::run_cli({"ask", "leave?", "--db", lib_.path().string(), "--embed-model", "/nonexistent/bge.gguf"});
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("bge.gguf"), std::string::npos) << e.err;
  // --extractive needs no model, so -m is not even opened.
  auto x = pw::test::run_cli({"ask", "annual leave days", "--db", lib_.path().string(), "-m", "qwen.gguf", "--extractive", "--json"});
  EXPECT_EQ(x.exit_code, 0) << x.err;
  EXPECT_EQ(json::parse(x.out)["mode"], "extractive");
  EXPECT_EQ(pw::test::run_cli({"ask"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"ask", "q", "--json", "--json-events"}).exit_code, 2);
}

// A real model (the stories260K fixture: nonsense text, real mechanics).
TEST_F(AskCli, GeneratesWithAModelAndReportsSourcesFirst) {
  const std::string model = pw::test::shared_path("fixtures/models/stories260K.gguf").string();
  auto r = pw::test::run_cli({"ask", "How many days of unused annual leave can be carried over?", "--db",
                              lib_.path().string(), "-m", model, "--ctx", "1024", "--threads", "1", "--json-events"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> events;
  size_t at = 0;
  while (at < r.out.size()) {
    size_t nl = r.out.find('\n', at);
    if (nl == std::string::npos) nl = r.out.size();
    if (nl > at) events.push_back(json::parse(r.out.substr(at, nl - at)));
    at = nl + 1;
  }
  ASSERT_GE(events.size(), 3u) << r.out;
  EXPECT_EQ(events.front()["event"], "sources");
  EXPECT_EQ(events.front()["mode"], "generated");
  EXPECT_FALSE(events.front()["sources"].empty());
  EXPECT_EQ(events.back()["event"], "answer");
  std::string streamed;
  for (size_t i = 1; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i]["event"], "text");
    streamed += events[i]["text"].get<std::string>();
  }
  const json& answer = events.back();
  EXPECT_EQ(answer["mode"], "generated");
  EXPECT_EQ(answer["answer"], streamed);
  EXPECT_TRUE(answer["model"].is_string());
  EXPECT_EQ(answer["quantization"], "F32");
  EXPECT_GT(answer["timings"]["generation_ms"].get<double>(), 0.0);

  auto human = pw::test::run_cli({"ask", "How many days of unused annual leave can be carried over?", "--db",
                                  lib_.path().string(), "-m", model, "--ctx", "1024", "--threads", "1"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("Answer ("), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("Sources:\n[1] Leave policy, p. "), std::string::npos) << human.out;
}

TEST_F(AskCli, FollowUpsUseTheEarlierQuestion) {
  auto r = pw::test::run_cli({"ask", "And by when must they be used?", "--db", lib_.path().string(), "--after",
                              "How many days of unused annual leave can be carried over?", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["question"], "And by when must they be used?");
  EXPECT_NE(j["standalone_question"].get<std::string>().find("carried over"), std::string::npos);
  EXPECT_EQ(j["mode"], "extractive");
  EXPECT_EQ(j["sources"][0]["page"], 2);
}

}  // namespace
