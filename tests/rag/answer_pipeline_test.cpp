// The answer pipeline end to end: extractive answers on real corpus documents (facts from the
// evaluation sets' evidence), the not-found path, and the generated path driven by a replayed
// literal answer (ReplayGenerator below is a TEST-ONLY TextGenerator: it plays back a fixed
// answer string, the way a model would stream one, so citation parsing and the evidence check
// are tested on known input; Pagewise itself ships no such generator).
#include <gtest/gtest.h>

#include <atomic>

#include "rag/answer/answer_json.h"
#include "rag/answer/answer_pipeline.h"
#include "retrieval_test_library.h"
#include "support/test_support.h"

namespace {

using pw::rag::Answer;
using pw::rag::AnswerEvents;
using pw::rag::AnswerMode;
using pw::rag::AnswerOptions;
using pw::rag::AnswerPipeline;
using pw::rag::Retriever;
using pw::rag::testing::TestLibrary;

class ReplayGenerator : public pw::rag::TextGenerator {
 public:
  explicit ReplayGenerator(std::string answer, size_t piece = 3) : answer_(std::move(answer)), piece_(piece) {}
  pw::Status generate(const pw::rag::GenerationRequest& request, const std::function<void(std::string_view)>& on_piece,
                      const std::atomic<bool>* cancel) override {
    ++calls;
    last_request = request;
    for (size_t i = 0; i < answer_.size(); i += piece_) {
      if (cancel && cancel->load()) return pw::Error(pw::ErrorCode::Cancelled, "stopped");
      on_piece(std::string_view(answer_).substr(i, piece_));
      if (i == 0 && cancel_after_first) cancel_after_first->store(true);
    }
    return pw::ok_status();
  }
  std::string model_name() const override { return "replay"; }
  std::string quantization() const override { return "none"; }
  int context_tokens() const override { return 4096; }
  int count_tokens(std::string_view text) const override { return static_cast<int>(text.size() / 4 + 1); }

  int calls = 0;
  pw::rag::GenerationRequest last_request;
  std::atomic<bool>* cancel_after_first = nullptr;

 private:
  std::string answer_;
  size_t piece_;
};

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// The snippet highlight points at the snippet's words in the stored page text.
void expect_highlight_matches_page(pw::rag::LibraryStore& store, const pw::rag::AnswerSource& s) {
  auto page = store.page_text(s.document_id, s.snippet_location.page);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  ASSERT_LE(s.snippet_location.char_end, page->text.size());
  ASSERT_LT(s.snippet_location.char_start, s.snippet_location.char_end);
  std::string on_page = page->text.substr(s.snippet_location.char_start, s.snippet_location.char_end - s.snippet_location.char_start);
  std::string squeezed;
  for (char c : on_page) {
    if (static_cast<unsigned char>(c) <= 0x20) {
      if (!squeezed.empty() && squeezed.back() != ' ') squeezed += ' ';
    } else {
      squeezed += c;
    }
  }
  while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
  // The highlighted page text is the snippet, or the part of it on that page when the snippet
  // crosses a page break.
  EXPECT_GE(squeezed.size(), std::min<size_t>(s.snippet.size(), 12));
  EXPECT_NE(s.snippet.find(squeezed.substr(0, std::min<size_t>(60, squeezed.size()))), std::string::npos)
      << "page text: " << on_page << "\nsnippet: " << s.snippet;
}

TEST(AnswerPipelineCorpus, ExtractiveAnswersKnownFactsWithDocumentAndPage) {
  TestLibrary lib;
  int64_t c = lib.collection("corpus");
  for (const char* f : {"corpus/pdfs/medical_real/med_NIDDK_What_I_need_to_know_about_Eating_and_Diabetes.pdf",
                        "corpus/pdfs/medical_real/med_WHO_EMRO_Healthy_diet_2019.pdf",
                        "corpus/pdfs/finance_financebench/fin_JOHNSON_JOHNSON_2023_8K_dated-2023-08-30.pdf",
                        "corpus/pdfs/legal_cuad/cuad_DYNAMEXINC_06_06_1996-EX-10.4-TRANSPORTATION_SERVICES_AGREEMENT.pdf",
                        "corpus/pdfs/medical_medquad_rendered/medquad_MPlusHealthTopics_0000052.pdf",
                        "corpus/pdfs/medical_medquad_rendered/medquad_MPlusHealthTopics_0000392.pdf"})
    ASSERT_NE(lib.ingest(c, pw::test::shared_path(f)), 0) << f;
  Retriever retriever(lib.store());
  AnswerPipeline pipeline(lib.store(), retriever);

  struct Fact {
    std::string question, doc;
    int page_low, page_high;       // a source in the top three must touch these pages
    std::vector<std::string> words;  // and say this
  };
  // From the evaluation sets: medS-001, finS-01491, cuadS-0003 (its date), the MedQuAD
  // appendicitis question (TQ59).
  const std::vector<Fact> facts = {
      {"According to the diabetes guide, what is the target blood glucose range for a person with diabetes before meals?",
       "med_NIDDK_What_I_need_to_know_about_Eating_and_Diabetes.pdf", 7, 9, {"70", "130"}},
      {"What is the amount of the cash proceeds that JnJ realised from the separation of Kenvue?",
       "fin_JOHNSON_JOHNSON_2023_8K_dated-2023-08-30.pdf", 4, 4, {"13.2 billion"}},
      {"When was the Purolator and Dynamex marketing and transportation services agreement made?",
       "cuad_DYNAMEXINC_06_06_1996-EX-10.4-TRANSPORTATION_SERVICES_AGREEMENT.pdf", 1, 1, {"November, 1995"}},
      {"Does appendicitis always cause fever?", "medquad_MPlusHealthTopics_0000052.pdf", 1, 1, {"fever"}},
  };
  for (const Fact& f : facts) {
    SCOPED_TRACE(f.question);
    std::vector<AnswerMode> modes_seen;
    std::string streamed;
    AnswerEvents events;
    events.on_sources = [&](AnswerMode m, const std::vector<pw::rag::AnswerSource>& s) {
      EXPECT_TRUE(streamed.empty());  // sources come first
      EXPECT_FALSE(s.empty());
      modes_seen.push_back(m);
    };
    events.on_text = [&](std::string_view t) { streamed += t; };
    auto a = pipeline.answer(f.question, {}, events);
    ASSERT_TRUE(a.ok()) << a.error().describe();
    EXPECT_EQ(a->mode, AnswerMode::Extractive);
    EXPECT_EQ(modes_seen, (std::vector<AnswerMode>{AnswerMode::Extractive}));
    EXPECT_EQ(streamed, a->text);
    EXPECT_TRUE(a->model.empty());
    bool found = false;
    for (size_t i = 0; i < a->sources.size() && i < 3; ++i) {
      const auto& s = a->sources[i];
      if (file_name(s.document_path) != f.doc || s.page_end < f.page_low || s.page_start > f.page_high) continue;
      bool says = true;
      for (const auto& w : f.words) says = says && s.text.find(w) != std::string::npos;
      found = found || says;
    }
    EXPECT_TRUE(found) << "top sources: " << pw::rag::answer_to_json(*a).dump(1).substr(0, 3000);
    // The answer quotes the sources it cites, each sentence cites one, and quotes check out.
    ASSERT_FALSE(a->sentences.empty());
    for (const auto& s : a->sentences) {
      EXPECT_FALSE(s.citations.empty()) << s.text;
      EXPECT_TRUE(s.supported) << s.text;
    }
    for (const auto& s : a->sources) expect_highlight_matches_page(lib.store(), s);
    EXPECT_FALSE(a->highlights.empty());
    for (const auto& h : a->highlights) ASSERT_LE(h.end, a->text.size());
  }
}

class AnswerPipelineSmall : public ::testing::Test {
 protected:
  void SetUp() override {
    int64_t c = lib_.collection("HR");
    lib_.add_pages(c, "/hr/leave.txt", "Leave policy",
                   {"1. Annual leave\nEmployees receive twenty days of annual leave each year.",
                    "2. Carry-over\nUp to 5 days of unused annual leave may be carried over into the next year. Days "
                    "carried over must be used by March 31.",
                    "3. Sick leave\nSick leave is paid for up to 10 days a year and cannot be carried over."});
  }
  TestLibrary lib_;
};

TEST_F(AnswerPipelineSmall, GeneratedAnswerDropsInventedCitationsAndFlagsUnsupportedNumbers) {
  Retriever retriever(lib_.store());
  ReplayGenerator generator(
      "Up to 5 days of unused leave may be carried over [1]. They must be used by March 31 [1][7]. "
      "You can carry over 25 days [1]. Sick leave is paid for up to 10 days [2, 9]. Ask HR about 3 weeks.");
  AnswerPipeline pipeline(lib_.store(), retriever, &generator);
  std::vector<std::string> order;
  AnswerEvents events;
  events.on_sources = [&](AnswerMode m, const std::vector<pw::rag::AnswerSource>& s) {
    EXPECT_EQ(m, AnswerMode::Generated);
    order.push_back("sources:" + std::to_string(s.size()));
  };
  std::string streamed;
  events.on_text = [&](std::string_view t) {
    if (streamed.empty()) order.push_back("text");
    streamed += t;
  };
  AnswerOptions options;
  options.max_sources = 2;
  auto a = pipeline.answer("How many days of annual leave can be carried over, and sick leave?", options, events);
  ASSERT_TRUE(a.ok()) << a.error().describe();
  EXPECT_EQ(generator.calls, 1);
  EXPECT_EQ(order, (std::vector<std::string>{"sources:2", "text"}));
  EXPECT_EQ(a->mode, AnswerMode::Generated);
  EXPECT_EQ(a->model, "replay");
  EXPECT_EQ(a->quantization, "none");
  EXPECT_EQ(streamed, a->text);
  EXPECT_EQ(a->dropped_citations, (std::vector<int>{7, 9}));
  EXPECT_EQ(a->text.find("[7]"), std::string::npos);
  EXPECT_EQ(a->text.find("9"), std::string::npos);

  // The prompt held the instruction, both sources and the question.
  ASSERT_EQ(generator.last_request.messages.size(), 2u);
  const std::string& user = generator.last_request.messages[1].content;
  EXPECT_NE(user.find("[1] Leave policy"), std::string::npos);
  EXPECT_NE(user.find("[2] Leave policy"), std::string::npos);
  EXPECT_NE(user.find("Question: How many days"), std::string::npos);

  ASSERT_EQ(a->sentences.size(), 5u);
  EXPECT_TRUE(a->sentences[0].supported);
  EXPECT_EQ(a->sentences[0].citations, (std::vector<int>{1}));
  EXPECT_TRUE(a->sentences[1].supported);  // "March 31" is in [1]
  EXPECT_EQ(a->sentences[1].citations, (std::vector<int>{1}));
  EXPECT_FALSE(a->sentences[2].supported);  // 25 days is in no source
  EXPECT_EQ(a->sentences[2].unsupported_facts, (std::vector<std::string>{"25 days"}));
  EXPECT_EQ(a->sentences[3].citations, (std::vector<int>{2}));
  EXPECT_FALSE(a->sentences[4].supported);  // a number with no citation at all
  EXPECT_TRUE(a->sentences[4].citations.empty());
  // Which source is [1] depends on ranking; the cited sentence must be located in it.
  for (const auto& s : a->sentences)
    for (const auto& l : s.locations) EXPECT_GE(l.location.page, 1);
  const auto& first = a->sources[0];
  EXPECT_TRUE(first.cited);
  EXPECT_EQ(first.number, 1);
}

TEST_F(AnswerPipelineSmall, NotFoundNeverCallsTheModelAndShowsTheClosestPassages) {
  Retriever retriever(lib_.store());
  ReplayGenerator generator("should never be used");
  AnswerPipeline pipeline(lib_.store(), retriever, &generator);
  int source_calls = 0;
  AnswerEvents events;
  events.on_sources = [&](AnswerMode m, const std::vector<pw::rag::AnswerSource>&) {
    EXPECT_EQ(m, AnswerMode::NotFound);
    ++source_calls;
  };
  auto a = pipeline.answer("What is the melting point of tungsten in kelvin?", {}, events);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->mode, AnswerMode::NotFound);
  EXPECT_EQ(a->text, pw::rag::kNotFoundAnswer);
  EXPECT_EQ(generator.calls, 0);
  EXPECT_EQ(source_calls, 1);
  EXPECT_LE(a->sources.size(), 3u);
  auto json = pw::rag::answer_to_json(*a);
  EXPECT_EQ(json["mode"], "not_found");
  EXPECT_TRUE(json["model"].is_null());
}

TEST_F(AnswerPipelineSmall, ExtractiveWhenAskedEvenWithAModel) {
  Retriever retriever(lib_.store());
  ReplayGenerator generator("unused");
  AnswerPipeline pipeline(lib_.store(), retriever, &generator);
  AnswerOptions options;
  options.extractive = true;
  auto a = pipeline.answer("How many days of unused annual leave may be carried over?", options);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->mode, AnswerMode::Extractive);
  EXPECT_EQ(generator.calls, 0);
  EXPECT_NE(a->text.find("Up to 5 days of unused annual leave may be carried over"), std::string::npos) << a->text;
  EXPECT_NE(a->text.find("[1]"), std::string::npos);
  EXPECT_EQ(a->sources[0].page_start, 2);
}

TEST_F(AnswerPipelineSmall, CancellingStopsGeneration) {
  Retriever retriever(lib_.store());
  ReplayGenerator generator("Up to 5 days may be carried over [1]. More text follows here.", 2);
  std::atomic<bool> cancel{false};
  generator.cancel_after_first = &cancel;
  AnswerPipeline pipeline(lib_.store(), retriever, &generator);
  AnswerEvents events;
  events.cancel = &cancel;
  auto a = pipeline.answer("How many days of unused annual leave may be carried over?", {}, events);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code(), pw::ErrorCode::Cancelled);
}

}  // namespace
