// FtsReader (vocabulary frequencies, ranked/unranked lists, document ranges, the cached chunk
// count) and the bounded lexical search built on it: a word in every chunk is left out of
// the ranked query without losing the chunk the rare words point to.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rag/retrieval/fts_reader.h"
#include "rag/retrieval/lexical_retriever.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/retriever.h"
#include "retrieval_test_library.h"

namespace {

using pw::rag::FtsReader;
using pw::rag::SearchFilter;

class RetrievalFtsReader : public ::testing::Test {
 protected:
  void SetUp() override {
    hr_ = lib_.collection("HR");
    legal_ = lib_.collection("Legal");
    // Every page says "company"; only one says "carried" and "March".
    std::vector<std::string> pages;
    for (int i = 0; i < 12; ++i)
      pages.push_back(std::to_string(i + 1) + ". Rule " + std::to_string(i) + "\nThe company sets rule number " +
                      std::to_string(i) + " for every employee of every office in every country it works in.");
    pages[7] = "8. Carry-over\nThe company allows leave carried over until March.";
    handbook_ = lib_.add_pages(hr_, "/hr/handbook.txt", "Handbook", pages);
    contract_ = lib_.add_pages(legal_, "/legal/contract.txt", "Contract",
                               {"Section 9. The company is governed by the laws of Ontario."});
  }
  pw::rag::testing::TestLibrary lib_;
  int64_t hr_ = 0, legal_ = 0, handbook_ = 0, contract_ = 0;
};

TEST_F(RetrievalFtsReader, VocabularyFrequenciesMatchCounts) {
  FtsReader fts(lib_.store());
  auto q = pw::rag::analyze_query("company carried Ontario zebra");
  ASSERT_EQ(q.terms.size(), 4u);
  for (const auto& t : q.terms) {
    auto df = fts.term_frequency(t, 1000);
    ASSERT_TRUE(df) << df.error().describe();
    auto counted = fts.count(pw::rag::fts_expression(t), 1000);
    ASSERT_TRUE(counted);
    EXPECT_EQ(*df, *counted) << t.raw;
  }
  auto n = fts.chunk_count();
  ASSERT_TRUE(n);
  auto handbook = lib_.store().document_chunks(handbook_);
  auto contract = lib_.store().document_chunks(contract_);
  ASSERT_TRUE(handbook && contract);
  EXPECT_EQ(*n, static_cast<int64_t>(handbook->size() + contract->size()));
  EXPECT_EQ(*fts.term_frequency(q.terms[0], 1000), *n);  // "company" is everywhere
  // The count follows the library: another document, one more chunk.
  lib_.add_pages(legal_, "/legal/nda.txt", "NDA", {"Confidential information stays confidential."});
  auto more = fts.chunk_count();
  ASSERT_TRUE(more);
  EXPECT_EQ(*more, *n + 1);
}

// A word with at least `exact_up_to` matches is not counted to the end (bounded work per
// query): its count is estimated from how far into the chunk ids its first matches reach.
TEST_F(RetrievalFtsReader, CommonWordsAreEstimatedFromTheirFirstMatches) {
  // Ten more one-chunk documents, each naming the company.
  for (int i = 0; i < 10; ++i)
    lib_.add_pages(hr_, "/hr/memo" + std::to_string(i) + ".txt", "Memo " + std::to_string(i),
                   {"The company memo number " + std::to_string(i) + " about the office hours."});
  FtsReader fts(lib_.store());
  auto n = fts.chunk_count();
  ASSERT_TRUE(n);
  ASSERT_GE(*n, 10);
  auto q = pw::rag::analyze_query("company carried");
  ASSERT_EQ(q.terms.size(), 2u);
  // "company" is in every chunk: its first 4 matches reach only a few ids into the library,
  // so the estimate scales them to the whole library (ids are dense here: exact).
  auto estimated = fts.term_frequency(q.terms[0], 1000, 4);
  ASSERT_TRUE(estimated) << estimated.error().describe();
  EXPECT_EQ(*estimated, *n);
  // A rarer word than the threshold keeps its exact count.
  auto rare = fts.term_frequency(q.terms[1], 1000, 4);
  ASSERT_TRUE(rare);
  EXPECT_EQ(*rare, *fts.count(pw::rag::fts_expression(q.terms[1]), 1000));
  EXPECT_EQ(*rare, 1);
  // Exactly at the threshold: still an estimate no smaller than the matches seen nor larger
  // than the library.
  auto at = fts.term_frequency(q.terms[0], 1000, *n);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, *n);
}

TEST_F(RetrievalFtsReader, RankedUnrankedAndDocumentRanges) {
  FtsReader fts(lib_.store());
  auto ranked = fts.ranked("\"carried\" OR \"company\"", 3, {}, {1.0, 2.0});
  ASSERT_TRUE(ranked) << ranked.error().describe();
  ASSERT_EQ(ranked->size(), 3u);
  EXPECT_EQ((*ranked)[0].document_id, handbook_);
  EXPECT_GE((*ranked)[0].score, (*ranked)[1].score);
  auto filtered = fts.ranked("\"company\"", 50, SearchFilter::in_collections({legal_}), {1.0, 2.0});
  ASSERT_TRUE(filtered);
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ(filtered->front().document_id, contract_);
  auto all = fts.chunk_count();
  ASSERT_TRUE(all);
  ASSERT_GE(*all, 3);
  auto unranked = fts.unranked("\"company\"", 2, {});
  ASSERT_TRUE(unranked);
  EXPECT_EQ(unranked->size(), 2u);

  auto span = fts.document_span(handbook_);
  ASSERT_TRUE(span);
  EXPECT_TRUE(span->contiguous);
  auto chunks = lib_.store().document_chunks(handbook_);
  ASSERT_TRUE(chunks);
  EXPECT_EQ(span->chunks, static_cast<int64_t>(chunks->size()));
  auto in_doc = fts.count_in_document("\"company\"", *span);
  ASSERT_TRUE(in_doc);
  EXPECT_EQ(*in_doc, span->chunks);  // the contract's "company" is outside the range
  auto carried = fts.matches_in_document("\"carried\"", *span, 10);
  ASSERT_TRUE(carried);
  ASSERT_EQ(carried->size(), 1u);
  auto record = lib_.store().chunk(carried->front());
  ASSERT_TRUE(record);
  EXPECT_NE(record->text.find("March"), std::string::npos);
  ASSERT_GE(span->chunks, 2);
  auto limited = fts.matches_in_document("\"company\"", *span, 2);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 2u);
}

TEST_F(RetrievalFtsReader, CommonWordsLeftOutOfRankingStillFindTheRareOnes) {
  pw::rag::LexicalOptions tight;
  tight.max_ranked_matches = 3;  // "company" (in every chunk) cannot be ranked by FTS5
  auto q = pw::rag::analyze_query("company leave carried over March");
  auto hits = pw::rag::lexical_search(lib_.store(), q, {}, tight);
  ASSERT_TRUE(hits) << hits.error().describe();
  ASSERT_FALSE(hits->empty());
  auto top = lib_.store().chunk(hits->front().chunk_id);
  ASSERT_TRUE(top);
  EXPECT_NE(top->text.find("carried over until March"), std::string::npos) << top->text;
  // Only common words: still some hits, never an error.
  auto common = pw::rag::lexical_search(lib_.store(), pw::rag::analyze_query("company"), {}, tight);
  ASSERT_TRUE(common);
  EXPECT_FALSE(common->empty());
  // A word in no chunk alone: no hits.
  auto none = pw::rag::lexical_search(lib_.store(), pw::rag::analyze_query("zebra"), {}, tight);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(RetrievalFtsReader, ReadOnlyLibrarySearches) {
  pw::rag::LibraryOptions options;
  options.read_only = true;
  auto store = pw::rag::LibraryStore::open(lib_.path(), options);
  ASSERT_TRUE(store) << store.error().describe();
  pw::rag::Retriever retriever(*store);
  auto r = retriever.search({"leave carried over until March", 3, {}, pw::rag::RetrievalMode::Lexical});
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_FALSE(r->passages.empty());
  EXPECT_NE(r->passages.front().text.find("March"), std::string::npos);
  EXPECT_TRUE(r->relevant);
}

}  // namespace
