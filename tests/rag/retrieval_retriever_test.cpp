// The Retriever on small libraries: lexical ranking (phrases, document-local rescoring),
// filters, neighbour expansion, folding and de-duplication, the relevance verdict, and
// fusion with semantic search over stored vectors (from the test-only hashing embedder).
#include <gtest/gtest.h>

#include <memory>

#include "rag/retrieval/lexical_retriever.h"
#include "rag/retrieval/passage_assembly.h"
#include "rag/retrieval/retriever.h"
#include "retrieval_test_library.h"

namespace {

using pw::rag::Retriever;
using pw::rag::RetrievalMode;
using pw::rag::SearchFilter;
using pw::rag::testing::TestLibrary;

// A document whose chunks are given directly, as slices of one page.
int64_t add_chunked(TestLibrary& lib, int64_t collection, const std::string& path, const std::string& title,
                    const std::string& page, const std::vector<std::pair<size_t, size_t>>& slices) {
  pw::ingest::ExtractedDocument doc;
  doc.path = path;
  doc.title = title;
  doc.format = "txt";
  doc.pages.push_back({1, "1", page});
  std::vector<pw::ingest::Chunk> chunks;
  for (size_t i = 0; i < slices.size(); ++i) {
    pw::ingest::Chunk c;
    c.ordinal = static_cast<int>(i);
    c.page_start = c.page_end = 1;
    c.char_start = static_cast<uint32_t>(slices[i].first);
    c.char_end = static_cast<uint32_t>(slices[i].second);
    c.text = page.substr(slices[i].first, slices[i].second - slices[i].first);
    c.token_count = 10;
    chunks.push_back(c);
  }
  return lib.save(collection, doc, chunks);
}

class RetrievalRetriever : public ::testing::Test {
 protected:
  void SetUp() override {
    hr_ = lib_.collection("HR");
    legal_ = lib_.collection("Legal");
    leave_ = lib_.add_pages(hr_, "/hr/leave.txt", "Leave policy",
                            {"1. Annual leave\nEmployees receive twenty days of annual leave each year.",
                             "2. Carry-over\nUp to five days of unused annual leave may be carried over into the next "
                             "year. Days carried over must be used by March 31.",
                             "3. Sick leave\nSick leave is paid for up to ten days a year and cannot be carried over."});
    parking_ = lib_.add_pages(hr_, "/hr/parking.txt", "Parking", {"The garage opens at seven. Permits cost nothing."});
    // Four contracts: each names its parties everywhere; each has one governing-law clause.
    const std::vector<std::pair<std::string, std::string>> parties = {
        {"Acme", "Globex"}, {"Initech", "Umbrella"}, {"Hooli", "Pied"}, {"Wonka", "Stark"}};
    const std::vector<std::string> places = {"Ontario", "Delaware", "New York", "Texas"};
    for (size_t i = 0; i < parties.size(); ++i) {
      const auto& [a, b] = parties[i];
      std::vector<std::string> pages;
      pages.push_back("Services agreement between " + a + " Corporation and " + b + " Limited. " + a + " and " + b +
                      " agree as follows.");
      for (int k = 0; k < 6; ++k)
        pages.push_back("Section " + std::to_string(k + 2) + ". " + a + " shall deliver goods to " + b + " and " + b +
                        " shall pay " + a + " within thirty days of delivery number " + std::to_string(k) + ".");
      pages.push_back("Section 9. This agreement shall be governed by the laws of " + places[i] + ".");
      pages.push_back(a + " Corporation, signed. " + b + " Limited, signed. Notices to " + a + " and " + b + ".");
      contracts_.push_back(lib_.add_pages(legal_, "/legal/contract" + std::to_string(i) + ".txt",
                                          "Agreement " + a + " " + b, pages));
    }
  }

  TestLibrary lib_;
  int64_t hr_ = 0, legal_ = 0, leave_ = 0, parking_ = 0;
  std::vector<int64_t> contracts_;
};

TEST_F(RetrievalRetriever, FindsTheAnswerAndItsPage) {
  Retriever retriever(lib_.store());
  auto r = retriever.search({"How many days of unused annual leave can be carried over?", 5, {}, RetrievalMode::Auto});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_FALSE(r->passages.empty());
  const auto& top = r->passages.front();
  EXPECT_EQ(top.document_id, leave_);
  EXPECT_EQ(top.page_start, 2);
  EXPECT_NE(top.text.find("five days"), std::string::npos);
  EXPECT_EQ(top.document_title, "Leave policy");
  EXPECT_EQ(top.document_path, "/hr/leave.txt");
  EXPECT_EQ(top.lexical_rank, 1);
  EXPECT_TRUE(r->relevant);
  EXPECT_TRUE(r->lexical_used);
  EXPECT_FALSE(r->semantic_used);
  EXPECT_GT(top.term_coverage, 0.8);
}

TEST_F(RetrievalRetriever, PhraseMatchComesFirst) {
  Retriever retriever(lib_.store());
  // "sick leave" as a phrase is on page 3 only; page 2 has "leave" and "days" more often.
  auto r = retriever.search({"\"sick leave\" days", 3, {}, RetrievalMode::Lexical});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->passages.empty());
  EXPECT_EQ(r->passages.front().page_start, 3);
}

// A question naming the contract's parties: the names pick the contract; inside it the
// clause words decide (document-local statistics), so the clause beats the name-heavy pages.
TEST_F(RetrievalRetriever, PartyNamesPickTheDocumentClauseWordsPickThePassage) {
  const std::string question = "Acme Corporation Globex Limited: which law governs the agreement?";
  auto q = pw::rag::analyze_query(question);
  auto hits = pw::rag::lexical_search(lib_.store(), q, SearchFilter::in_collections({legal_}));
  ASSERT_TRUE(hits.ok()) << hits.error().describe();
  ASSERT_GE(hits->size(), 3u);
  auto chunk = lib_.store().chunk(hits->front().chunk_id);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->document_id, contracts_[0]);
  EXPECT_NE(chunk->text.find("Ontario"), std::string::npos) << chunk->text;
}

TEST_F(RetrievalRetriever, FiltersByCollectionAndDocument) {
  Retriever retriever(lib_.store());
  auto legal_only = retriever.search({"days", 20, SearchFilter::in_collections({legal_}), RetrievalMode::Lexical});
  ASSERT_TRUE(legal_only.ok());
  ASSERT_FALSE(legal_only->passages.empty());
  for (const auto& p : legal_only->passages) EXPECT_EQ(p.collection_id, legal_);
  auto one_doc = retriever.search({"days", 20, SearchFilter::in_documents({leave_}), RetrievalMode::Lexical});
  ASSERT_TRUE(one_doc.ok());
  ASSERT_FALSE(one_doc->passages.empty());
  for (const auto& p : one_doc->passages) EXPECT_EQ(p.document_id, leave_);
  auto none = retriever.search({"days", 20, SearchFilter::in_documents({parking_}), RetrievalMode::Lexical});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->passages.empty());
  EXPECT_FALSE(none->relevant);
}

TEST_F(RetrievalRetriever, UnrelatedQuestionIsNotRelevant) {
  Retriever retriever(lib_.store());
  auto r = retriever.search({"What is the boiling point of mercury in kelvin?", 5, {}, RetrievalMode::Auto});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->relevant);
  EXPECT_LT(r->best_term_coverage, pw::rag::kDefaultMinTermCoverage);
  auto empty = retriever.search({"?!", 5, {}, RetrievalMode::Auto});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->passages.empty());
  EXPECT_FALSE(empty->relevant);
}

// Chunks cut mid-sentence get the rest of the sentence from their neighbour, without the
// overlap the chunker repeats; adjacent hits fold into one passage.
TEST(RetrievalPassages, NeighbourExpansionAndFolding) {
  TestLibrary lib;
  int64_t c = lib.collection("c");
  const std::string page =
      "Zebras graze on the open plain. The migration of the herds begins when the rains fail and the "
      "grass turns brown across the northern valleys. Lions follow the herds closely. Vultures circle above.";
  const size_t cut = page.find("grass turns");  // chunk 0 ends mid-sentence before this
  const size_t overlap_start = page.find("The migration");
  const size_t lions = page.find("Lions");
  int64_t doc = add_chunked(lib, c, "/z.txt", "Zebras", page, {{0, cut - 1}, {overlap_start, lions - 1}, {lions, page.size()}});
  ASSERT_NE(doc, 0);
  Retriever retriever(lib.store());

  auto r = retriever.search({"zebras graze plain", 5, {}, RetrievalMode::Lexical});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->passages.empty());
  const auto& p = r->passages.front();
  EXPECT_EQ(p.ordinal, 0);
  // Chunk 1 repeats "The migration ... and the " from chunk 0; only the rest is added, up to
  // the end of the sentence.
  EXPECT_EQ(p.context_after, "grass turns brown across the northern valleys.");
  EXPECT_TRUE(p.context_before.empty());

  auto v = retriever.search({"vultures circle", 5, {}, RetrievalMode::Lexical});
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->passages.empty());
  EXPECT_EQ(v->passages.front().ordinal, 2);
  EXPECT_TRUE(v->passages.front().context_before.empty());  // starts a sentence: nothing added

  // Both chunk 1 and 2 match: the lower-ranked one folds into the other as context.
  auto both = retriever.search({"lions herds", 5, {}, RetrievalMode::Lexical});
  ASSERT_TRUE(both.ok());
  ASSERT_FALSE(both->passages.empty());
  size_t with_folds = 0;
  for (const auto& passage : both->passages) with_folds += passage.folded_chunk_ids.size();
  EXPECT_GE(with_folds, 1u);
  EXPECT_NE(both->passages.front().full_text().find("Lions follow"), std::string::npos);
  EXPECT_NE(both->passages.front().full_text().find("migration"), std::string::npos);
}

TEST(RetrievalPassages, OverlapIsFoundFromOffsetsOrText) {
  pw::rag::ChunkRecord a, b;
  a.page_start = a.page_end = 3;
  a.char_start = 0;
  a.char_end = 40;
  a.text = "0123456789012345678901234567890123456789";
  b.page_start = b.page_end = 3;
  b.char_start = 30;
  b.char_end = 60;
  b.text = "0123456789abcdefghijklmnopqrst";
  EXPECT_EQ(pw::rag::text_after_overlap(a, b), "abcdefghijklmnopqrst");
  EXPECT_EQ(pw::rag::text_before_overlap(a, b), "012345678901234567890123456789");
  // Offsets that do not match the texts: the text itself decides (here: no overlap).
  b.char_start = 35;
  b.text = "completely different text that shares nothing";
  EXPECT_EQ(pw::rag::text_after_overlap(a, b), b.text);
}

TEST(RetrievalPassages, DuplicateTextInTwoCollectionsIsShownOnce) {
  TestLibrary lib;
  int64_t a = lib.collection("a");
  int64_t b = lib.collection("b");
  const std::vector<std::string> pages = {"The fire exit is behind the kitchen. Keep it clear at all times."};
  lib.add_pages(a, "/one/safety.txt", "Safety", pages);
  lib.add_pages(b, "/two/safety-copy.txt", "Safety copy", pages);
  Retriever retriever(lib.store());
  auto r = retriever.search({"fire exit kitchen", 5, {}, RetrievalMode::Lexical});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->passages.size(), 1u);
  auto only_b = retriever.search({"fire exit kitchen", 5, SearchFilter::in_collections({b}), RetrievalMode::Lexical});
  ASSERT_TRUE(only_b.ok());
  ASSERT_EQ(only_b->passages.size(), 1u);
  EXPECT_EQ(only_b->passages[0].collection_id, b);
}

TEST(RetrievalPassages, SameTextAsMarkdownAndPdfIsShownOnceTheBetterRankedKept) {
  TestLibrary lib;
  int64_t c = lib.collection("docs");
  const std::string body =
      "Unused annual leave of up to five days may be carried over into the next year. Days carried over must "
      "be taken by the end of March. Managers approve carry-over requests in writing.";
  const int64_t md = lib.add_pages(c, "/docs/leave.md", "Leave policy", {"# Leave policy\n\n" + body});
  // The PDF of the same text: hard line breaks, hyphen-free but cut in other places.
  const int64_t pdf = lib.add_pages(c, "/docs/leave.pdf", "Leave policy",
                {"Leave policy\nUnused annual leave of up to five days may be carried\nover into the next year. Days "
                 "carried over must be\ntaken by the end of March. Managers approve carry-over\nrequests in writing."});
  lib.add_pages(c, "/docs/sick.txt", "Sick leave", {"Sick leave is paid for ten days and cannot be carried over."});
  Retriever retriever(lib.store());
  auto r = retriever.search({"annual leave carried over into the next year", 5, {}, RetrievalMode::Lexical});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->passages.size(), 2u);
  EXPECT_NE(r->passages[0].document_path, "/docs/sick.txt");
  EXPECT_EQ(r->passages[1].document_path, "/docs/sick.txt");
  // The one kept is the better ranked of the two copies.
  const int64_t kept = r->passages[0].document_id;
  ASSERT_TRUE(kept == md || kept == pdf);
  auto other = retriever.search({"annual leave carried over into the next year", 5,
                                 SearchFilter::in_documents({kept == md ? pdf : md}), RetrievalMode::Lexical});
  ASSERT_TRUE(other.ok());
  ASSERT_FALSE(other->passages.empty());
  EXPECT_GE(r->passages[0].score, other->passages[0].score);
}

// Semantic search and fusion mechanics with real stored vectors. The vectors come from the
// TEST-ONLY hashing embedder (retrieval_test_library.h), not from a model.
TEST_F(RetrievalRetriever, FusesLexicalAndSemanticLists) {
  pw::rag::testing::HashingEmbedder embedder(256);
  {
    // No vectors of the model yet: search stays lexical, no error.
    Retriever early(lib_.store());
    auto used = early.use_library_vectors(embedder);
    ASSERT_TRUE(used.ok()) << used.error().describe();
    EXPECT_FALSE(*used);
    EXPECT_FALSE(early.has_semantic());
  }
  auto model = lib_.store().ensure_embedding_model(embedder.model_name(), 256, pw::rag::VectorEncoding::Int8);
  ASSERT_TRUE(model.ok());
  auto todo = lib_.store().chunks_missing_embeddings(model->id, 1000);
  ASSERT_TRUE(todo.ok());
  std::vector<pw::rag::ChunkEmbedding> rows;
  for (const auto& t : *todo) rows.push_back({t.chunk_id, embedder.embed(t.heading_path + " " + t.text)});
  ASSERT_TRUE(lib_.store().put_embeddings(model->id, rows).ok());
  auto index = pw::rag::VectorIndex::load(lib_.store(), *model);
  ASSERT_TRUE(index.ok());

  Retriever retriever(lib_.store());
  pw::rag::testing::HashingEmbedder wrong_dim(64);
  EXPECT_FALSE(retriever.set_semantic(&wrong_dim, std::make_shared<pw::rag::VectorIndex>(*index)).ok());
  EXPECT_FALSE(retriever.set_semantic(&embedder, nullptr).ok());
  ASSERT_TRUE(retriever.set_semantic(&embedder, std::make_shared<pw::rag::VectorIndex>(std::move(*index))).ok());
  ASSERT_TRUE(retriever.has_semantic());

  {
    Retriever from_library(lib_.store());
    auto used = from_library.use_library_vectors(embedder);
    ASSERT_TRUE(used.ok()) << used.error().describe();
    EXPECT_TRUE(*used);
    EXPECT_TRUE(from_library.has_semantic());
  }
  const std::string question = "unused annual leave carried over next year";
  auto semantic = retriever.search({question, 5, {}, RetrievalMode::Semantic});
  ASSERT_TRUE(semantic.ok());
  ASSERT_FALSE(semantic->passages.empty());
  EXPECT_TRUE(semantic->semantic_used);
  EXPECT_FALSE(semantic->lexical_used);
  EXPECT_EQ(semantic->passages.front().page_start, 2);
  EXPECT_EQ(semantic->passages.front().semantic_rank, 1);
  EXPECT_GT(semantic->best_similarity, 0.3);
  for (size_t i = 1; i < semantic->passages.size(); ++i)
    EXPECT_GE(semantic->passages[i - 1].semantic_similarity, semantic->passages[i].semantic_similarity);

  auto fused = retriever.search({question, 5, {}, RetrievalMode::Auto});
  ASSERT_TRUE(fused.ok());
  EXPECT_TRUE(fused->semantic_used);
  EXPECT_TRUE(fused->lexical_used);
  ASSERT_FALSE(fused->passages.empty());
  const auto& top = fused->passages.front();
  EXPECT_EQ(top.page_start, 2);
  EXPECT_GT(top.lexical_rank, 0);
  EXPECT_GT(top.semantic_rank, 0);
  EXPECT_NEAR(top.score, 1.0 / (60 + top.lexical_rank) + 1.0 / (60 + top.semantic_rank), 1e-12);

  // Filters apply to the semantic list too.
  auto filtered = retriever.search({question, 10, SearchFilter::in_collections({legal_}), RetrievalMode::Semantic});
  ASSERT_TRUE(filtered.ok());
  for (const auto& p : filtered->passages) EXPECT_EQ(p.collection_id, legal_);

  ASSERT_TRUE(retriever.set_semantic(nullptr, nullptr).ok());
  auto lexical_again = retriever.search({question, 5, {}, RetrievalMode::Auto});
  ASSERT_TRUE(lexical_again.ok());
  EXPECT_FALSE(lexical_again->semantic_used);
}

}  // namespace

// Neighbouring chunks of different sections (an FAQ's consecutive questions) are separate
// results, each with its own page, not one folded passage.
TEST(RetrievalPassages, NeighboursOfAnotherSectionAreNotFolded) {
  pw::rag::testing::TestLibrary lib;
  int64_t c = lib.collection("c");
  lib.add_pages(c, "/faq.pdf", "Gout",
                {"What is gout?\nGout is a painful arthritis of the joints caused by uric acid crystals.",
                 "How is gout treated?\nGout attacks are treated with pain medicines; uric acid is lowered over time."});
  pw::rag::Retriever retriever(lib.store());
  auto r = retriever.search({"gout uric acid joints treated", 5, {}, pw::rag::RetrievalMode::Lexical});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->passages.size(), 2u);
  EXPECT_NE(r->passages[0].page_start, r->passages[1].page_start);
  for (const auto& p : r->passages) {
    EXPECT_TRUE(p.folded_chunk_ids.empty());
    ASSERT_FALSE(p.heading_path.empty());
    EXPECT_EQ(p.heading_path.back(), '?');
  }
}
