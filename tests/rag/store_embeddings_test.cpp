#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "rag/store/library_store.h"
#include "rag/store/vector_codec.h"
#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::ChunkEmbedding;
using pw::rag::LibraryStore;
using pw::rag::VectorEncoding;
using pw::rag::testing::make_document;

std::vector<float> random_vector(std::mt19937& rng, int dim) {
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(dim));
  for (auto& x : v) x = n(rng);
  return v;
}

TEST(StoreVectorCodec, Float32RoundTripsExactlyAsLittleEndianBytes) {
  std::vector<float> v = {1.0f, -2.5f, 0.0f, 3.1415926f};
  auto enc = pw::rag::encode_vector(v, VectorEncoding::Float32);
  ASSERT_TRUE(enc.ok());
  ASSERT_EQ(enc->bytes.size(), 16u);
  // 1.0f = 0x3f800000, little-endian.
  EXPECT_EQ(enc->bytes[0], 0x00);
  EXPECT_EQ(enc->bytes[3], 0x3f);
  std::vector<float> back(4);
  ASSERT_TRUE(pw::rag::decode_vector(enc->bytes, enc->scale, 4, VectorEncoding::Float32, back.data()).ok());
  EXPECT_EQ(back, v);
}

TEST(StoreVectorCodec, Int8KeepsDirectionWithinQuantisationError) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    auto v = random_vector(rng, 384);
    auto enc = pw::rag::encode_vector(v, VectorEncoding::Int8);
    ASSERT_TRUE(enc.ok());
    ASSERT_EQ(enc->bytes.size(), 384u);
    std::vector<float> back(384);
    ASSERT_TRUE(pw::rag::decode_vector(enc->bytes, enc->scale, 384, VectorEncoding::Int8, back.data()).ok());
    double dot = 0, na = 0, nb = 0;
    float max_abs = 0;
    for (size_t i = 0; i < v.size(); ++i) max_abs = std::max(max_abs, std::fabs(v[i]));
    for (size_t i = 0; i < v.size(); ++i) {
      EXPECT_LE(std::fabs(back[i] - v[i]), max_abs / 127.0f * 0.5f + 1e-6f);
      dot += double(v[i]) * back[i];
      na += double(v[i]) * v[i];
      nb += double(back[i]) * back[i];
    }
    EXPECT_GT(dot / std::sqrt(na * nb), 0.999);
    // The largest component maps to +-127 exactly.
    bool saw_extreme = false;
    for (uint8_t b : enc->bytes) saw_extreme |= (static_cast<int8_t>(b) == 127 || static_cast<int8_t>(b) == -127);
    EXPECT_TRUE(saw_extreme);
  }
  std::vector<float> zero(8, 0.0f);
  auto enc = pw::rag::encode_vector(zero, VectorEncoding::Int8);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc->scale, 0.0f);
}

TEST(StoreVectorCodec, BadValuesAndSizesAreErrors) {
  std::vector<float> nan = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_EQ(pw::rag::encode_vector(nan, VectorEncoding::Float32).error().code(), ErrorCode::InvalidArgument);
  std::vector<float> inf = {std::numeric_limits<float>::infinity()};
  EXPECT_FALSE(pw::rag::encode_vector(inf, VectorEncoding::Int8).ok());
  std::vector<uint8_t> bytes(7);
  float out[2];
  EXPECT_EQ(pw::rag::decode_vector(bytes, 1.0f, 2, VectorEncoding::Float32, out).error().code(), ErrorCode::Corrupt);
}

class StoreEmbeddings : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = LibraryStore::open(dir_ / "lib.sqlite3");
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_.emplace(std::move(*s));
    hr_ = *store_->create_collection("HR");
    legal_ = *store_->create_collection("Legal");
    auto a = make_document("/d/a.pdf", 2, 4, "Alpha");
    auto b = make_document("/d/b.pdf", 2, 3, "Beta");
    doc_a_ = *store_->replace_document(hr_, a.facts, a.extracted, a.chunks);
    doc_b_ = *store_->replace_document(legal_, b.facts, b.extracted, b.chunks);
    auto in_a = store_->document_chunks(doc_a_);
    auto in_b = store_->document_chunks(doc_b_);
    ASSERT_TRUE(in_a.ok() && in_b.ok());
    for (const auto& c : *in_a) chunks_a_.push_back(c.id);
    for (const auto& c : *in_b) chunks_b_.push_back(c.id);
  }

  std::vector<ChunkEmbedding> vectors_for(const std::vector<int64_t>& ids, int dim, int seed) {
    std::mt19937 rng(seed);
    std::vector<ChunkEmbedding> out;
    for (int64_t id : ids) out.push_back({id, random_vector(rng, dim)});
    return out;
  }

  pw::test::TempDir dir_;
  std::optional<LibraryStore> store_;
  int64_t hr_ = 0, legal_ = 0, doc_a_ = 0, doc_b_ = 0;
  std::vector<int64_t> chunks_a_, chunks_b_;
};

TEST_F(StoreEmbeddings, ModelsAreCreatedOnceWithFixedShape) {
  auto m = store_->ensure_embedding_model("bge-small", 8, VectorEncoding::Float32);
  ASSERT_TRUE(m.ok());
  auto again = store_->ensure_embedding_model("bge-small", 8, VectorEncoding::Float32);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, m->id);
  auto other_dim = store_->ensure_embedding_model("bge-small", 16, VectorEncoding::Float32);
  ASSERT_FALSE(other_dim.ok());
  EXPECT_EQ(other_dim.error().code(), ErrorCode::InvalidArgument);
  EXPECT_FALSE(store_->ensure_embedding_model("x", 0, VectorEncoding::Int8).ok());
  EXPECT_FALSE(store_->ensure_embedding_model("", 8, VectorEncoding::Int8).ok());
  EXPECT_EQ(store_->embedding_models()->size(), 1u);
  EXPECT_FALSE(store_->embedding_model("unknown")->has_value());
}

TEST_F(StoreEmbeddings, PutGetAndLoadFloat32Exactly) {
  auto m = *store_->ensure_embedding_model("m32", 8, VectorEncoding::Float32);
  auto rows = vectors_for(chunks_a_, 8, 1);
  auto b_rows = vectors_for(chunks_b_, 8, 2);
  rows.insert(rows.end(), b_rows.begin(), b_rows.end());
  auto written = store_->put_embeddings(m.id, rows);
  ASSERT_TRUE(written.ok()) << written.error().describe();
  EXPECT_EQ(*written, 7);
  auto one = store_->embedding(m.id, chunks_a_[1]);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, rows[1].vector);

  auto all = store_->load_embeddings(m.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->rows(), 7u);
  EXPECT_EQ(all->dim, 8);
  std::vector<float> row(8);
  for (size_t i = 0; i < all->rows(); ++i) {
    all->row(i, row.data());
    auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.chunk_id == all->chunk_ids[i]; });
    ASSERT_NE(it, rows.end());
    EXPECT_EQ(row, it->vector);
  }
  auto legal_only = store_->load_embeddings(m.id, pw::rag::SearchFilter::in_collections({legal_}));
  EXPECT_EQ(legal_only->chunk_ids, chunks_b_);
  auto doc_only = store_->load_embeddings(m.id, pw::rag::SearchFilter::in_documents({doc_a_}));
  EXPECT_EQ(doc_only->chunk_ids, chunks_a_);

  // Replacing a vector overwrites it.
  std::vector<ChunkEmbedding> again = {{chunks_a_[1], std::vector<float>(8, 0.5f)}};
  ASSERT_TRUE(store_->put_embeddings(m.id, again).ok());
  EXPECT_EQ(*store_->embedding(m.id, chunks_a_[1]), std::vector<float>(8, 0.5f));
  EXPECT_EQ(store_->load_embeddings(m.id)->rows(), 7u);
}

TEST_F(StoreEmbeddings, Int8VectorsAreAQuarterOfTheSizeAndClose) {
  auto m = *store_->ensure_embedding_model("m8", 64, VectorEncoding::Int8);
  auto rows = vectors_for(chunks_a_, 64, 3);
  ASSERT_TRUE(store_->put_embeddings(m.id, rows).ok());
  EXPECT_EQ(*store_->database().scalar_int("SELECT max(length(vector)) FROM embeddings"), 64);
  auto all = *store_->load_embeddings(m.id);
  ASSERT_EQ(all.rows(), 4u);
  EXPECT_EQ(all.i8.size(), 4u * 64u);
  EXPECT_TRUE(all.f32.empty());
  std::vector<float> row(64);
  all.row(0, row.data());
  auto single = *store_->embedding(m.id, all.chunk_ids[0]);
  EXPECT_EQ(row, single);
  for (size_t k = 0; k < 64; ++k) EXPECT_NEAR(row[k], rows[0].vector[k], 0.05f);
}

TEST_F(StoreEmbeddings, WrongDimensionsAndUnknownChunksAreHandled) {
  auto m = *store_->ensure_embedding_model("m", 4, VectorEncoding::Float32);
  std::vector<ChunkEmbedding> bad = {{chunks_a_[0], {1, 2, 3, 4}}, {chunks_a_[1], {1, 2, 3}}};
  auto r = store_->put_embeddings(m.id, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM embeddings"), 0);  // nothing written
  std::vector<ChunkEmbedding> nan = {{chunks_a_[0], {1, 2, 3, std::nanf("")}}};
  EXPECT_FALSE(store_->put_embeddings(m.id, nan).ok());
  // A chunk that vanished (re-ingested meanwhile) is skipped, not an error.
  std::vector<ChunkEmbedding> stale = {{999999, {1, 2, 3, 4}}, {chunks_a_[0], {1, 2, 3, 4}}};
  auto written = store_->put_embeddings(m.id, stale);
  ASSERT_TRUE(written.ok()) << written.error().describe();
  EXPECT_EQ(*written, 1);
  EXPECT_EQ(store_->embedding(m.id, chunks_a_[2]).error().code(), ErrorCode::NotFound);
  EXPECT_EQ(store_->put_embeddings(777, stale).error().code(), ErrorCode::NotFound);
}

TEST_F(StoreEmbeddings, MissingEmbeddingsAreListedPerModel) {
  auto m1 = *store_->ensure_embedding_model("m1", 4, VectorEncoding::Float32);
  auto m2 = *store_->ensure_embedding_model("m2", 4, VectorEncoding::Int8);
  EXPECT_EQ(*store_->documents_missing_embeddings(m1.id), (std::vector<int64_t>{doc_a_, doc_b_}));
  ASSERT_TRUE(store_->put_embeddings(m1.id, vectors_for(chunks_a_, 4, 4)).ok());
  EXPECT_EQ(*store_->documents_missing_embeddings(m1.id), (std::vector<int64_t>{doc_b_}));
  EXPECT_EQ(*store_->documents_missing_embeddings(m2.id), (std::vector<int64_t>{doc_a_, doc_b_}));
  EXPECT_EQ(*store_->count_chunks_missing_embeddings(m1.id), 3);
  auto todo = store_->chunks_missing_embeddings(m1.id, 2);
  ASSERT_TRUE(todo.ok());
  ASSERT_EQ(todo->size(), 2u);
  EXPECT_EQ((*todo)[0].chunk_id, chunks_b_[0]);
  EXPECT_EQ((*todo)[0].document_title, "Beta");
  EXPECT_EQ((*todo)[0].text, "Beta chunk 0 lorem ipsum");
  EXPECT_EQ((*todo)[0].heading_path, "Beta > Section 0");
}

TEST_F(StoreEmbeddings, ReingestKeepsVectorsOfUnchangedChunksOnly) {
  auto m = *store_->ensure_embedding_model("m", 4, VectorEncoding::Float32);
  auto rows = vectors_for(chunks_a_, 4, 9);
  ASSERT_TRUE(store_->put_embeddings(m.id, rows).ok());
  auto edited = make_document("/d/a.pdf", 2, 5, "Alpha");  // one chunk more
  edited.chunks[2].text = "Alpha chunk 2 rewritten";
  ASSERT_TRUE(store_->replace_document(hr_, edited.facts, edited.extracted, edited.chunks).ok());
  auto now = *store_->document_chunks(doc_a_);
  ASSERT_EQ(now.size(), 5u);
  for (const auto& c : now) {
    auto v = store_->embedding(m.id, c.id);
    if (c.ordinal == 2 || c.ordinal == 4) {
      EXPECT_FALSE(v.ok()) << "ordinal " << c.ordinal;
    } else {
      ASSERT_TRUE(v.ok()) << "ordinal " << c.ordinal;
      EXPECT_EQ(*v, rows[static_cast<size_t>(c.ordinal)].vector);
    }
  }
  EXPECT_EQ(*store_->count_chunks_missing_embeddings(m.id), 2 + 3);  // 2 in a, all 3 of b
  // Old chunk ids are gone with their vectors.
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM embeddings"), 3);
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM temp.carried_embeddings"), 0);

  // A new title changes what the embedder sees: nothing is carried.
  auto retitled = make_document("/d/a.pdf", 2, 5, "Alpha (2025 edition)");
  retitled.chunks = edited.chunks;
  ASSERT_TRUE(store_->replace_document(hr_, retitled.facts, retitled.extracted, retitled.chunks).ok());
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM embeddings"), 0);
}

TEST_F(StoreEmbeddings, ActiveModelAndRemoval) {
  EXPECT_FALSE(store_->active_embedding_model()->has_value());
  auto m1 = *store_->ensure_embedding_model("m1", 4, VectorEncoding::Float32);
  auto m2 = *store_->ensure_embedding_model("m2", 4, VectorEncoding::Float32);
  ASSERT_TRUE(store_->set_active_embedding_model(m1.id).ok());
  EXPECT_EQ((*store_->active_embedding_model())->name, "m1");
  EXPECT_EQ(store_->set_active_embedding_model(4242).error().code(), ErrorCode::NotFound);
  ASSERT_TRUE(store_->put_embeddings(m1.id, vectors_for(chunks_a_, 4, 1)).ok());
  ASSERT_TRUE(store_->put_embeddings(m2.id, vectors_for(chunks_a_, 4, 2)).ok());
  ASSERT_TRUE(store_->remove_embedding_model(m1.id).ok());
  EXPECT_FALSE(store_->active_embedding_model()->has_value());
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM embeddings"), 4);
  EXPECT_EQ(store_->remove_embedding_model(m1.id).error().code(), ErrorCode::NotFound);
  // Removing a document removes its vectors.
  ASSERT_TRUE(store_->remove_document(doc_a_).ok());
  EXPECT_EQ(*store_->database().scalar_int("SELECT count(*) FROM embeddings"), 0);
}

TEST_F(StoreEmbeddings, DamagedVectorRowsAreReportedNotMisread) {
  auto m = *store_->ensure_embedding_model("m", 4, VectorEncoding::Float32);
  ASSERT_TRUE(store_->put_embeddings(m.id, vectors_for(chunks_a_, 4, 1)).ok());
  ASSERT_TRUE(store_->database().exec("UPDATE embeddings SET vector = x'0102' WHERE chunk_id = " +
                                       std::to_string(chunks_a_[0])).ok());
  auto all = store_->load_embeddings(m.id);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().code(), ErrorCode::Corrupt);
  EXPECT_EQ(store_->embedding(m.id, chunks_a_[0]).error().code(), ErrorCode::Corrupt);
}

}  // namespace
