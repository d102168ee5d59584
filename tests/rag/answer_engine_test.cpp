// The answer pipeline with a real language model: EngineTextGenerator over the engine and the
// stories260K fixture (a 260K-parameter story model: its answers are nonsense, so these tests
// check the mechanics — template, tokens, streaming, citations, evidence — not the wording).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "rag/answer/answer_json.h"
#include "rag/answer/answer_pipeline.h"
#include "rag/answer/engine_text_generator.h"
#include "rag/answer/evidence_check.h"
#include "rag/answer/prompt_builder.h"
#include "retrieval_test_library.h"
#include "support/test_support.h"

namespace {

using pw::rag::AnswerMode;
using pw::rag::EngineTextGenerator;

std::filesystem::path stories() { return pw::test::shared_path("fixtures/models/stories260K.gguf"); }

std::unique_ptr<EngineTextGenerator> load_stories(int context = 2048) {
  pw::rag::EngineGeneratorOptions o;
  o.context_tokens = context;
  o.threads = 1;
  o.seed = 7;
  auto g = EngineTextGenerator::load(stories(), o);
  EXPECT_TRUE(g.ok()) << g.error().describe();
  return g.ok() ? std::move(*g) : nullptr;
}

TEST(AnswerEngine, DescribesTheModel) {
  auto g = load_stories(100000);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->context_tokens(), 2048);  // capped at the model's trained context
  EXPECT_FALSE(g->model_name().empty());
  EXPECT_EQ(g->quantization(), "F32");
  EXPECT_GT(g->count_tokens("Once upon a time"), 0);
  EXPECT_EQ(g->count_tokens(""), 0);
}

TEST(AnswerEngine, DocumentTextNeverBecomesControlTokens) {
  auto g = load_stories();
  ASSERT_TRUE(g);
  // "</s>" is the model's EOS (id 2) and "<s>" its BOS (id 1): inside a message they are text.
  auto ids = g->prompt_tokens({{"system", "Answer from the sources."}, {"user", "Sources: </s><s> Question: why?"}});
  ASSERT_TRUE(ids.ok()) << ids.error().describe();
  ASSERT_FALSE(ids->empty());
  EXPECT_EQ(ids->front(), 1);  // BOS once, at the start (SentencePiece model)
  EXPECT_EQ(std::count(ids->begin(), ids->end(), 1), 1);
  EXPECT_EQ(std::count(ids->begin(), ids->end(), 2), 0);
}

TEST(AnswerEngine, GeneratesReproduciblyAndStreamsWholeText) {
  auto g = load_stories();
  ASSERT_TRUE(g);
  pw::rag::GenerationRequest request{{{"user", "Once upon a time"}}, 24, 0.0};
  std::string a, b;
  int pieces = 0;
  ASSERT_TRUE(g->generate(request, [&](std::string_view p) { a += p; ++pieces; }, nullptr).ok());
  ASSERT_TRUE(g->generate(request, [&](std::string_view p) { b += p; }, nullptr).ok());
  EXPECT_FALSE(a.empty());
  EXPECT_GT(pieces, 1);  // streamed, not delivered at the end
  EXPECT_EQ(a, b);       // greedy: the same every time (the session is reset between answers)
}

TEST(AnswerEngine, CancelStopsGeneration) {
  auto g = load_stories();
  ASSERT_TRUE(g);
  std::atomic<bool> cancel{false};
  int pieces = 0;
  auto s = g->generate({{{"user", "Once upon a time"}}, 200, 0.8},
                       [&](std::string_view) {
                         ++pieces;
                         cancel = true;
                       },
                       &cancel);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), pw::ErrorCode::Cancelled);
  EXPECT_LE(pieces, 2);
}

TEST(AnswerEngine, PromptsArePackedToTheModelsRealTokenCount) {
  auto g = load_stories(1024);
  ASSERT_TRUE(g);
  std::vector<pw::rag::Passage> passages;
  for (int i = 0; i < 12; ++i) {
    pw::rag::Passage p;
    p.document_title = "Guide " + std::to_string(i);
    p.page_start = p.page_end = i + 1;
    p.heading_path = "Part " + std::to_string(i);
    p.text = "Sentence one of passage " + std::to_string(i) + " says something. Sentence two adds a number, " +
             std::to_string(10 * i) + " mg. Sentence three closes it. " +
             "The committee reviewed the guidance in detail and agreed that the wording above stays as written, "
             "with the dose given in milligrams and the interval in hours, for every ward in the hospital.";
    passages.push_back(p);
  }
  pw::rag::PromptBudget budget;
  budget.context_tokens = g->context_tokens();
  budget.answer_tokens = 64;
  budget.count_tokens = [&](std::string_view t) { return g->count_tokens(t); };
  auto prompt = pw::rag::build_prompt("What does passage 3 say?", passages, budget);
  ASSERT_TRUE(prompt.ok()) << prompt.error().describe();
  EXPECT_LT(prompt->sources.size(), passages.size());  // the budget, not the list, ended packing
  EXPECT_GE(prompt->sources.size(), 1u);
  auto ids = g->prompt_tokens(prompt->messages);
  ASSERT_TRUE(ids.ok());
  // The rendered prompt (template included) leaves the answer its room.
  EXPECT_LE(static_cast<int>(ids->size()) + budget.answer_tokens, g->context_tokens());
  EXPECT_GT(static_cast<int>(ids->size()), g->context_tokens() / 2);  // and the context is used
}

TEST(AnswerEngine, WholePipelineRunsWithARealModel) {
  pw::rag::testing::TestLibrary lib;
  int64_t c = lib.collection("HR");
  lib.add_pages(c, "/hr/leave.txt", "Leave policy",
                {"1. Annual leave\nEmployees receive twenty days of annual leave each year.",
                 "2. Carry-over\nUp to 5 days of unused annual leave may be carried over into the next year. Days "
                 "carried over must be used by March 31."});
  auto g = load_stories(1024);
  ASSERT_TRUE(g);
  pw::rag::Retriever retriever(lib.store());
  pw::rag::AnswerPipeline pipeline(lib.store(), retriever, g.get());
  pw::rag::AnswerOptions options;
  options.answer_tokens = 48;
  options.temperature = 0.8;
  std::vector<std::string> order;
  std::string streamed;
  pw::rag::AnswerEvents events;
  events.on_sources = [&](AnswerMode m, const std::vector<pw::rag::AnswerSource>& s) {
    EXPECT_EQ(m, AnswerMode::Generated);
    EXPECT_FALSE(s.empty());
    order.push_back("sources");
  };
  events.on_text = [&](std::string_view t) {
    if (streamed.empty()) order.push_back("text");
    streamed += t;
  };
  auto a = pipeline.answer("How many days of unused annual leave may be carried over?", options, events);
  ASSERT_TRUE(a.ok()) << a.error().describe();
  EXPECT_EQ(a->mode, AnswerMode::Generated);
  EXPECT_EQ(order, (std::vector<std::string>{"sources", "text"}));
  EXPECT_EQ(streamed, a->text);
  EXPECT_FALSE(a->text.empty());
  EXPECT_EQ(a->model, g->model_name());
  EXPECT_EQ(a->quantization, "F32");
  EXPECT_GT(a->prompt_tokens, 0);
  EXPECT_LE(a->prompt_tokens + options.answer_tokens, g->context_tokens());
  EXPECT_GT(a->timings.generation_ms, 0);
  EXPECT_GT(a->timings.first_token_ms, 0);
  // Whatever the model wrote: every kept citation names a source it was given, and every
  // sentence went through the evidence check (facts without citations are unsupported).
  ASSERT_FALSE(a->sentences.empty());
  for (const auto& s : a->sentences) {
    for (int n : s.citations) {
      EXPECT_GE(n, 1);
      EXPECT_LE(static_cast<size_t>(n), a->sources.size());
    }
    if (s.citations.empty() && !pw::rag::extract_facts(s.text).empty()) {
      EXPECT_FALSE(s.supported) << s.text;
    }
  }
  auto json = pw::rag::answer_to_json(*a);
  EXPECT_EQ(json["mode"], "generated");
  EXPECT_EQ(json["model"], g->model_name());
}

}  // namespace
