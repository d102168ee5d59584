#include <gtest/gtest.h>

#include <random>
#include <set>

#include "rag/store/fts_query.h"
#include "rag/store/library_store.h"
#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::rag::fts_match_expression;
using pw::rag::fts_terms;
using pw::rag::FtsMatch;
using pw::rag::LibraryStore;
using pw::rag::testing::make_document;

TEST(StoreFtsQuery, EveryTermIsQuotedAndStopwordsDropped) {
  EXPECT_EQ(fts_match_expression("What's the carry-over rule?"), "\"carry-over\" OR \"rule\"");
  EXPECT_EQ(fts_match_expression("annual leave", FtsMatch::AllTerms), "\"annual\" AND \"leave\"");
  EXPECT_EQ(fts_match_expression("NOT OR AND NEAR(a b)"), "\"NOT\" OR \"NEAR(a\" OR \"b\"");
  EXPECT_EQ(fts_match_expression("\"quoted\" text*"), "\"quoted\" OR \"text\"");
  EXPECT_EQ(fts_match_expression("C++ col:value ^start"), "\"C\" OR \"col:value\" OR \"start\"");
  EXPECT_EQ(fts_match_expression("Leave leave LEAVE"), "\"Leave\"");
  EXPECT_EQ(fts_match_expression(""), "");
  EXPECT_EQ(fts_match_expression("?? -- !!"), "");
  EXPECT_EQ(fts_match_expression("— “ ”"), "");  // only typographic punctuation
  EXPECT_EQ(fts_match_expression("what is it"), "\"what\" OR \"is\" OR \"it\"");  // nothing else left
  EXPECT_EQ(fts_match_expression(std::string("tab\tnul\0x", 9)), "\"tab\" OR \"nul\" OR \"x\"");
  EXPECT_EQ(fts_match_expression("café Müller"), "\"café\" OR \"Müller\"");
}

TEST(StoreFtsQuery, TermCountAndLengthAreBounded) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_EQ(fts_terms(many).size(), pw::rag::kMaxFtsTerms);
  std::string long_word;
  for (int i = 0; i < 100; ++i) long_word += "é";  // 2 bytes each
  auto terms = fts_terms(long_word);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_LE(terms[0].size(), pw::rag::kMaxFtsTermBytes);
  EXPECT_EQ(terms[0].size() % 2, 0u);  // not cut inside a character
}

class StoreFts : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = LibraryStore::open(dir_ / "lib.sqlite3");
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_.emplace(std::move(*s));
    hr_ = *store_->create_collection("HR");
    legal_ = *store_->create_collection("Legal");
    auto add = [&](int64_t c, const std::string& path, const std::vector<std::string>& texts,
                   const std::string& heading = "") {
      auto d = make_document(path, 1, static_cast<int>(texts.size()), path);
      for (size_t i = 0; i < texts.size(); ++i) {
        d.chunks[i].text = texts[i];
        d.chunks[i].heading_path = heading;
      }
      auto id = store_->replace_document(c, d.facts, d.extracted, d.chunks);
      EXPECT_TRUE(id.ok());
      return *id;
    };
    leave_ = add(hr_, "/hr/leave.pdf",
                 {"Employees may carry over five days of annual leave.",
                  "Sick leave requires a doctor's note after three days.",
                  "The policies on parental leave are described in annex B."},
                 "Leave > Annual leave");
    cv_ = add(hr_, "/hr/hiring.pdf", {"Applicants send a résumé to Frau Müller.", "Interviews happen on site."},
              "Hiring");
    contract_ = add(legal_, "/legal/nda.pdf",
                    {"The receiving party shall not disclose confidential information.",
                     "This agreement terminates after five years; annual review applies."},
                    "Confidentiality");
  }

  std::set<int64_t> docs_of(const std::vector<pw::rag::FtsHit>& hits) {
    std::set<int64_t> out;
    for (const auto& h : hits) out.insert(h.document_id);
    return out;
  }

  pw::test::TempDir dir_;
  std::optional<LibraryStore> store_;
  int64_t hr_ = 0, legal_ = 0, leave_ = 0, cv_ = 0, contract_ = 0;
};

TEST_F(StoreFts, StemmingMatchesWordForms) {
  auto hits = store_->search_fts("policy", 10);  // indexed as "policies"
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(store_->chunk(hits->front().chunk_id)->ordinal, 2);
  EXPECT_EQ(store_->search_fts("disclosing", 10)->size(), 1u);  // "disclose"
  EXPECT_EQ(store_->search_fts("terminated", 10)->size(), 1u);  // "terminates"
}

TEST_F(StoreFts, DiacriticsAreIgnored) {
  EXPECT_EQ(store_->search_fts("resume", 10)->size(), 1u);
  EXPECT_EQ(store_->search_fts("MULLER", 10)->size(), 1u);
  EXPECT_EQ(store_->search_fts("Müller", 10)->size(), 1u);
}

TEST_F(StoreFts, HeadingPathsAreSearchable) {
  auto hits = store_->search_fts("confidentiality", 10);  // only in the heading path
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 2u);
  for (const auto& h : *hits) EXPECT_EQ(h.document_id, contract_);
}

TEST_F(StoreFts, BetterMatchesRankFirstWithHigherScores) {
  auto hits = store_->search_fts("carry over annual leave days", 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_GE(hits->size(), 3u);
  EXPECT_EQ(store_->chunk(hits->front().chunk_id)->text, "Employees may carry over five days of annual leave.");
  for (size_t i = 1; i < hits->size(); ++i) EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score);
  EXPECT_GT(hits->front().score, 0.0);
  auto top1 = store_->search_fts("carry over annual leave days", 1);
  ASSERT_EQ(top1->size(), 1u);
  EXPECT_EQ(top1->front().chunk_id, hits->front().chunk_id);
}

TEST_F(StoreFts, FiltersRestrictToCollectionsAndDocuments) {
  auto all = *store_->search_fts("annual five", 10);
  EXPECT_EQ(docs_of(all), (std::set<int64_t>{leave_, contract_}));
  auto legal_only = *store_->search_fts("annual five", 10, pw::rag::SearchFilter::in_collections({legal_}));
  EXPECT_EQ(docs_of(legal_only), (std::set<int64_t>{contract_}));
  auto hr_only = *store_->search_fts("annual five", 10, pw::rag::SearchFilter::in_collections({hr_}));
  EXPECT_EQ(docs_of(hr_only), (std::set<int64_t>{leave_}));
  auto by_doc = *store_->search_fts("annual five", 10, pw::rag::SearchFilter::in_documents({contract_, cv_}));
  EXPECT_EQ(docs_of(by_doc), (std::set<int64_t>{contract_}));
  auto both = *store_->search_fts("annual five", 10, pw::rag::SearchFilter{{hr_}, {contract_}});
  EXPECT_TRUE(both.empty());
  EXPECT_TRUE(store_->search_fts("annual", 0)->empty());
}

TEST_F(StoreFts, NoUserTextCanCauseASyntaxError) {
  const std::vector<std::string> nasty = {
      "\"", "\"\"", "'", "(", ")", "*", "^", ":", "-", "+", "NOT", "AND", "OR", "NEAR", "NEAR(", "a OR",
      "\"unbalanced", "title:x", "{a b}", "a AND (b OR", "**", "\\", "leave*", "-leave", "col : ", "\x7f",
      std::string("\0", 1), "\xff\xfe", "\xc3", "\xe2\x80", "😀 leave", "SELECT * FROM chunks;", "%", "_",
      "NEAR(\"a\" \"b\", 5)", "''; DROP TABLE chunks; --"};
  for (const auto& q : nasty) {
    auto hits = store_->search_fts(q, 5);
    EXPECT_TRUE(hits.ok()) << "query bytes: " << q.size() << " " << (hits.ok() ? "" : hits.error().describe());
  }
  std::mt19937 rng(1234);
  const std::string alphabet = "abc \"'()*^:-+{}NEAROT\\\x01\xc3\xa9\xe2\x80\x9c\xff.,;";
  for (int i = 0; i < 2000; ++i) {
    std::string q;
    int len = static_cast<int>(rng() % 24);
    for (int k = 0; k < len; ++k) q += alphabet[rng() % alphabet.size()];
    auto hits = store_->search_fts(q, 5);
    ASSERT_TRUE(hits.ok()) << hits.error().describe();
  }
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM chunks"), 7);  // nothing was dropped
}

}  // namespace
