// Changing the embedding model: the new model's vectors are filled in on a background thread
// while searches keep running on the old active model, then the new model becomes active.
#include "rag/store/embedding_backfill.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::ChunkToEmbed;
using pw::rag::EmbeddingBackfill;
using pw::rag::LibraryStore;
using pw::rag::VectorEncoding;

// A real (if simple) text embedding: hashed bag of words, L2-normalised. Deterministic, so
// the stored vectors can be checked against a recomputation.
std::vector<float> hashed_bag_of_words(const std::string& text, int dim) {
  std::vector<float> v(static_cast<size_t>(dim), 0.0f);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) v[std::hash<std::string>{}(text.substr(start, end - start)) % static_cast<size_t>(dim)] += 1.0f;
    start = end + 1;
  }
  double norm = 0;
  for (float x : v) norm += double(x) * x;
  if (norm > 0) for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

pw::rag::EmbedFunction slow_embedder(int dim, int sleep_ms, std::atomic<int>* calls = nullptr) {
  return [=](std::span<const ChunkToEmbed> chunks) -> pw::Result<std::vector<std::vector<float>>> {
    if (calls) ++*calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));  // an encoder takes time
    std::vector<std::vector<float>> out;
    for (const auto& c : chunks) out.push_back(hashed_bag_of_words(c.document_title + " " + c.text, dim));
    return out;
  };
}

class StoreBackfill : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "lib.sqlite3";
    auto s = LibraryStore::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_.emplace(std::move(*s));
    hr_ = *store_->create_collection("HR");
    for (int i = 0; i < 4; ++i) {
      auto d = pw::rag::testing::make_document("/d/" + std::to_string(i) + ".pdf", 3, 30, "Doc" + std::to_string(i),
                                               "holiday allowance rules");
      ASSERT_TRUE(store_->replace_document(hr_, d.facts, d.extracted, d.chunks).ok());
    }
    // The old model is complete and active.
    auto old_model = store_->ensure_embedding_model("old-model", 16, VectorEncoding::Float32);
    ASSERT_TRUE(old_model.ok());
    old_id_ = old_model->id;
    std::atomic<bool> no_cancel{false};
    ASSERT_TRUE(pw::rag::embed_missing_chunks(*store_, old_id_, slow_embedder(16, 0), {}, &no_cancel).ok());
    ASSERT_EQ((*store_->active_embedding_model())->name, "old-model");
  }

  pw::test::TempDir dir_;
  std::filesystem::path path_;
  std::optional<LibraryStore> store_;
  int64_t hr_ = 0, old_id_ = 0;
};

TEST_F(StoreBackfill, SearchKeepsWorkingOnTheOldModelUntilTheNewOneIsComplete) {
  auto job = EmbeddingBackfill::start(path_, {"new-model", 8, VectorEncoding::Int8}, slow_embedder(8, 5),
                                      {.batch_size = 8, .activate_when_done = true});
  int searches = 0;
  bool ingested_meanwhile = false;
  while (!job->finished()) {
    auto hits = store_->search_fts("holiday allowance", 10);
    ASSERT_TRUE(hits.ok()) << hits.error().describe();
    EXPECT_EQ(hits->size(), 10u);
    auto active = store_->active_embedding_model();
    ASSERT_TRUE(active.ok());
    if (job->finished()) break;  // it may switch between the two calls
    auto matrix = store_->load_embeddings((*active)->id);
    ASSERT_TRUE(matrix.ok()) << matrix.error().describe();
    ++searches;
    if (!ingested_meanwhile && job->embedded() > 0) {
      // Ingestion keeps working too: a new document arrives during the backfill.
      auto d = pw::rag::testing::make_document("/d/new.pdf", 2, 12, "Fresh", "holiday allowance");
      auto r = store_->replace_document(hr_, d.facts, d.extracted, d.chunks);
      ASSERT_TRUE(r.ok()) << r.error().describe();
      ingested_meanwhile = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto status = job->wait();
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_GT(searches, 3);
  EXPECT_TRUE(ingested_meanwhile);

  auto active = store_->active_embedding_model();
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->name, "new-model");
  EXPECT_EQ((*active)->encoding, VectorEncoding::Int8);
  EXPECT_EQ(*store_->count_chunks_missing_embeddings((*active)->id), 0);  // including the late document
  EXPECT_EQ(job->total(), 120);
  // The stored vectors are the embedder's (within int8 rounding).
  auto chunks = *store_->document_chunks(1);
  auto stored = store_->embedding((*active)->id, chunks[3].id);
  ASSERT_TRUE(stored.ok());
  auto expected = hashed_bag_of_words("Doc0 " + chunks[3].text, 8);
  for (size_t k = 0; k < 8; ++k) EXPECT_NEAR((*stored)[k], expected[k], 0.01f);
  // The old model's vectors are still there (removing them is the caller's choice).
  EXPECT_EQ(*store_->count_chunks_missing_embeddings(old_id_), 12);
}

TEST_F(StoreBackfill, CancelStopsEarlyAndLeavesTheOldModelActive) {
  std::atomic<int> calls{0};
  auto job = EmbeddingBackfill::start(path_, {"new-model", 8, VectorEncoding::Float32}, slow_embedder(8, 20, &calls),
                                      {.batch_size = 4, .activate_when_done = true});
  while (calls.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  job->cancel();
  auto status = job->wait();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::Cancelled);
  EXPECT_EQ((*store_->active_embedding_model())->name, "old-model");
  auto model = *store_->embedding_model("new-model");
  ASSERT_TRUE(model.has_value());
  int64_t missing = *store_->count_chunks_missing_embeddings(model->id);
  EXPECT_GT(missing, 0);
  EXPECT_LT(missing, 120);  // what was written stays; a later run continues from there
  auto again = EmbeddingBackfill::start(path_, {"new-model", 8, VectorEncoding::Float32}, slow_embedder(8, 0));
  ASSERT_TRUE(again->wait().ok());
  EXPECT_EQ(again->total(), missing);
  EXPECT_EQ((*store_->active_embedding_model())->name, "new-model");
}

TEST_F(StoreBackfill, EmbedderErrorsAndBadOutputStopTheRun) {
  pw::rag::EmbedFunction failing = [](std::span<const ChunkToEmbed>) -> pw::Result<std::vector<std::vector<float>>> {
    return pw::Error(pw::ErrorCode::ResourceLimit, "encoder.gguf", "out of memory");
  };
  auto job = EmbeddingBackfill::start(path_, {"m", 8, VectorEncoding::Float32}, failing);
  auto status = job->wait();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::ResourceLimit);
  EXPECT_NE(status.error().describe().find("embedding chunks"), std::string::npos);
  EXPECT_EQ((*store_->active_embedding_model())->name, "old-model");

  pw::rag::EmbedFunction short_output = [](std::span<const ChunkToEmbed> c) -> pw::Result<std::vector<std::vector<float>>> {
    return std::vector<std::vector<float>>(c.size() - 1, std::vector<float>(8, 0.1f));
  };
  auto job2 = EmbeddingBackfill::start(path_, {"m", 8, VectorEncoding::Float32}, short_output);
  EXPECT_EQ(job2->wait().error().code(), ErrorCode::Internal);

  pw::rag::EmbedFunction wrong_dim = [](std::span<const ChunkToEmbed> c) -> pw::Result<std::vector<std::vector<float>>> {
    return std::vector<std::vector<float>>(c.size(), std::vector<float>(5, 0.1f));
  };
  auto job3 = EmbeddingBackfill::start(path_, {"m", 8, VectorEncoding::Float32}, wrong_dim);
  EXPECT_EQ(job3->wait().error().code(), ErrorCode::InvalidArgument);

  // A model name reused with another shape is refused before any work.
  auto job4 = EmbeddingBackfill::start(path_, {"old-model", 32, VectorEncoding::Float32}, slow_embedder(32, 0));
  EXPECT_EQ(job4->wait().error().code(), ErrorCode::InvalidArgument);
}

}  // namespace
